"""Idea-exchange pages: staff (list, create, detail with moderation, open, close) and the
family's page (the question, add an idea, react to others' ideas in the family's language).

Function views: parse → access_* → do_* → TemplateResponse. Staff see the exchanges of their
schools; leaders, liaisons and the district admin manage them (queries.py). A family sees only
exchanges that were sent to an audience it belongs to.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import weasyprint
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from weasyprint.urls import URLFetcher

from juntos.commitments.board import updates_for_exchange
from juntos.insights.suppression import MINIMUM
from juntos.language import registry
from juntos.listening import actions, analysis, queries
from juntos.listening.forms import ExchangeForm, IdeaForm, ModerationForm, ReactionForm
from juntos.listening.models import Idea, IdeaExchange, Theme
from juntos.messaging.actions import InputError
from juntos.people.models import Caregiver, Staff
from juntos.people.queries import schools_for, scope_for, sections_for
from juntos.people.views import staff_required
from juntos.portal.language import of_caregiver
from juntos.portal.language import render as family_page
from juntos.portal.session import current_caregiver, family_required

STAFF_LANGUAGE = "en"


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    assert staff is not None  # noqa: S101 - staff_required let the request in
    return staff


def _managed(request: HttpRequest, exchange_id: int) -> IdeaExchange:
    exchange = queries.access_exchange(request.user, exchange_id)
    if not queries.can_manage(request.user, exchange):
        raise PermissionDenied
    return exchange


@require_GET
@staff_required
def exchange_list(request: HttpRequest) -> HttpResponse:
    exchanges = queries.exchanges_for(request.user).select_related("school").order_by("-pk")
    context = {
        "exchanges": exchanges,
        "may_create": queries.manageable_schools(request.user).exists(),
    }
    return TemplateResponse(request, "listening/exchange_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def exchange_new(request: HttpRequest) -> HttpResponse:
    schools = queries.manageable_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    staff = _staff(request)
    sections = sections_for(request.user).filter(school__in=schools).select_related("school")
    form = ExchangeForm(request.POST or None, schools=schools, sections=list(sections))
    if request.method == "POST" and form.is_valid():
        kind, ref = form.target()
        try:
            exchange = actions.do_create_exchange(
                by=staff,
                school=form.cleaned_data["school"],
                question=form.cleaned_data["question"],
                audience_kind=kind,
                audience_ref=ref,
                closes_at=form.closes_at(staff.district.time_zone),
            )
        except InputError as exc:
            for name, error in exc.errors.items():
                form.add_error(name if name in form.fields else None, error)
        else:
            return redirect("listening:detail", exchange_id=exchange.pk)
    status = 400 if form.errors else 200
    return TemplateResponse(request, "listening/exchange_new.html", {"form": form}, status=status)


def _idea_rows(exchange: IdeaExchange, ideas: list[Idea]) -> list[dict[str, Any]]:
    counts = queries.reaction_counts(exchange)
    none: Counter[str] = Counter()
    english = actions.do_render_ideas(
        ideas=ideas, language=STAFF_LANGUAGE, district_id=exchange.district_id
    )
    return [
        {
            "idea": idea,
            "english": english[idea.pk],
            "agree": counts.get(idea.pk, none)["agree"],
            "disagree": counts.get(idea.pk, none)["disagree"],
            "pass": counts.get(idea.pk, none)["pass"],
        }
        for idea in ideas
    ]


@require_GET
@staff_required
def exchange_detail(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = queries.access_exchange(request.user, exchange_id)
    manage = queries.can_manage(request.user, exchange)
    approved = list(exchange.ideas.filter(status=Idea.Status.APPROVED))
    pending = list(queries.moderation_queue(exchange)) if manage else []
    context = {
        "exchange": exchange,
        "may_manage": manage,
        "approved": _idea_rows(exchange, approved),
        "pending": _idea_rows(exchange, pending),
        "rejected_count": exchange.ideas.filter(status=Idea.Status.REJECTED).count(),
        "participants": exchange.participants.count(),
        "opinion": analysis.opinion_view(exchange, STAFF_LANGUAGE),
        "opinion_status": analysis.opinion_status(exchange),
    }
    return TemplateResponse(request, "listening/exchange_detail.html", context)


@require_POST
@staff_required
def exchange_open(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = _managed(request, exchange_id)
    count = actions.do_open_exchange(
        by=_staff(request), exchange=exchange, base_url=request.build_absolute_uri("/")
    )
    messages.success(request, _("The question was sent to %(count)s families.") % {"count": count})
    return redirect("listening:detail", exchange_id=exchange.pk)


@require_POST
@staff_required
def exchange_close(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = _managed(request, exchange_id)
    actions.do_close_exchange(by=_staff(request), exchange=exchange)
    messages.success(request, _("The exchange is closed."))
    return redirect("listening:detail", exchange_id=exchange.pk)


@require_POST
@staff_required
def idea_moderate(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = queries.access_idea(request.user, idea_id)
    if not queries.can_manage(request.user, idea.exchange):
        raise PermissionDenied
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    approve = form.cleaned_data["decision"] == "approve"
    actions.do_moderate_idea(by=_staff(request), idea=idea, approve=approve)
    return redirect("listening:detail", exchange_id=idea.exchange_id)


# --- The family's page -----------------------------------------------------------------------


def _family_context(caregiver: Caregiver, exchange: IdeaExchange) -> dict[str, Any]:
    language = actions.family_language(caregiver)
    participant = queries.participant_of(exchange, caregiver)
    reactions = dict(participant.reactions.values_list("idea_id", "value")) if participant else {}
    key = actions.pseudonym(exchange.pk, caregiver.pk)
    ideas = queries.ideas_for_family(exchange, key, set(reactions))
    if participant is not None:
        ideas = [idea for idea in ideas if idea.author_id != participant.pk]
    shown = actions.do_render_ideas(
        ideas=ideas, language=language, district_id=exchange.district_id
    )
    question = actions.do_render_question(exchange=exchange, language=language)
    return {
        "exchange": exchange,
        "language": language,
        "rtl": registry.get(language).rtl,
        "question": question,
        "ideas": [
            {"idea": idea, "shown": shown[idea.pk], "reaction": reactions.get(idea.pk, "")}
            for idea in ideas
        ],
        "open": actions.accepting(exchange),
        "max_chars": actions.MAX_IDEA_CHARS,
        # The map and the common ground, suppressed, without any participant id.
        "opinion": analysis.family_opinion_view(exchange, language),
        # "You said, we did": what the school committed to from these ideas, for everyone who
        # took part (anonymous contributors learn it here).
        "updates": updates_for_exchange(exchange.pk, language),
    }


@require_http_methods(["GET", "POST"])
@family_required
def family_exchange(request: HttpRequest, exchange_id: int) -> HttpResponse:
    caregiver = current_caregiver(request)
    assert caregiver is not None  # noqa: S101 - family_required
    exchange = queries.family_exchange(caregiver, exchange_id)
    error, text = "", ""
    if request.method == "POST":
        form = IdeaForm(request.POST)
        text = request.POST.get("text", "")[: actions.MAX_IDEA_CHARS * 2]
        if not form.is_valid():
            error = "too_long"
        else:
            try:
                actions.do_add_idea(
                    exchange=exchange,
                    caregiver=caregiver,
                    text=form.cleaned_data["text"],
                    channel=Idea.Channel.PORTAL,
                    follow_up=request.POST.get("follow_up") == "on",
                )
            except InputError as exc:
                error = next(iter(exc.errors.values()))
            else:
                return redirect(f"{request.path}?added=1")
    context = _family_context(caregiver, exchange) | {
        "added": "added" in request.GET,
        "reacted": "reacted" in request.GET,
        "error": error,
        "text": text,
    }
    return family_page(
        request,
        "listening/family_exchange.html",
        context,
        of_caregiver(caregiver),
        status=400 if error else 200,
    )


@require_POST
@family_required
def family_react(request: HttpRequest, exchange_id: int) -> HttpResponse:
    caregiver = current_caregiver(request)
    assert caregiver is not None  # noqa: S101 - family_required
    exchange = queries.family_exchange(caregiver, exchange_id)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    idea = exchange.ideas.filter(pk=form.cleaned_data["idea"], status=Idea.Status.APPROVED).first()
    if idea is None:
        raise Http404("no such idea")
    try:
        reaction = actions.do_react(
            idea=idea,
            caregiver=caregiver,
            value=form.cleaned_data["value"],
            channel=Idea.Channel.PORTAL,
        )
    except InputError:
        return redirect("listening:family_exchange", exchange_id=exchange.pk)
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps just this idea; without JavaScript the whole page is reloaded below.
        language = actions.family_language(caregiver)
        shown = actions.do_render_ideas(
            ideas=[idea], language=language, district_id=exchange.district_id
        )
        item = {"idea": idea, "shown": shown[idea.pk], "reaction": reaction.value, "saved": True}
        context = {"exchange": exchange, "item": item, "open": True}
        return family_page(
            request, "listening/family_exchange.html#idea", context, of_caregiver(caregiver)
        )
    url = reverse("listening:family_exchange", kwargs={"exchange_id": exchange.pk})
    return redirect(f"{url}?reacted=1#idea-{idea.pk}")


# --- Opinion groups, themes and the strengths-and-needs report (analysis.py) -----------------


def _posted_int(request: HttpRequest, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None


def _managed_theme(request: HttpRequest, theme_id: int) -> Theme:
    theme = analysis.access_theme(request.user, theme_id)
    if not queries.can_manage(request.user, theme.exchange):
        raise PermissionDenied
    return theme


def _to_themes(exchange_id: int) -> HttpResponse:
    return redirect("listening:themes", exchange_id=exchange_id)


@require_POST
@staff_required
def opinion_recompute(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = _managed(request, exchange_id)
    analysis.do_request_opinion_run(exchange=exchange)
    messages.success(request, _("The opinion groups are being computed again."))
    url = reverse("listening:detail", kwargs={"exchange_id": exchange.pk})
    return redirect(f"{url}#opinion-groups")


@require_GET
@staff_required
def exchange_themes(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = queries.access_exchange(request.user, exchange_id)
    shown = analysis.themes_view(exchange, with_ideas=True)
    unthemed = analysis.unthemed_ideas(exchange)
    english = actions.do_render_ideas(
        ideas=unthemed, language=STAFF_LANGUAGE, district_id=exchange.district_id
    )
    context = {
        "exchange": exchange,
        "may_manage": queries.can_manage(request.user, exchange),
        "themes": shown,
        "choices": [item.theme for item in shown],
        "unthemed": [{"idea": idea, "shown": english[idea.pk]} for idea in unthemed],
        "status": analysis.theme_status(exchange),
        "kinds": Theme.Kind.choices,
    }
    return TemplateResponse(request, "listening/exchange_themes.html", context)


@require_POST
@staff_required
def themes_recompute(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = _managed(request, exchange_id)
    analysis.do_request_theme_run(exchange=exchange)
    messages.success(request, _("The themes are being computed again."))
    return _to_themes(exchange.pk)


def _theme_edit(request: HttpRequest, exchange_id: int, edit: Any) -> HttpResponse:
    try:
        edit()
    except InputError:
        messages.error(request, _("That change could not be made. Please try again."))
        return _to_themes(exchange_id)
    messages.success(request, _("The themes were updated."))
    return _to_themes(exchange_id)


@require_POST
@staff_required
def theme_rename(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = _managed_theme(request, theme_id)
    name = request.POST.get("name", "")
    return _theme_edit(
        request,
        theme.exchange_id,
        lambda: analysis.do_rename_theme(by=_staff(request), theme=theme, name=name),
    )


@require_POST
@staff_required
def theme_merge(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = _managed_theme(request, theme_id)
    other = _posted_int(request, "other")
    if other is None:
        return HttpResponse(status=400)
    return _theme_edit(
        request,
        theme.exchange_id,
        lambda: analysis.do_merge_themes(by=_staff(request), theme=theme, other_id=other),
    )


@require_POST
@staff_required
def theme_split(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = _managed_theme(request, theme_id)
    return _theme_edit(
        request,
        theme.exchange_id,
        lambda: analysis.do_split_theme(by=_staff(request), theme=theme),
    )


@require_POST
@staff_required
def theme_sort(request: HttpRequest, theme_id: int) -> HttpResponse:
    theme = _managed_theme(request, theme_id)
    kind = request.POST.get("kind", "")
    return _theme_edit(
        request,
        theme.exchange_id,
        lambda: analysis.do_sort_theme(by=_staff(request), theme=theme, kind=kind),
    )


@require_POST
@staff_required
def theme_move(request: HttpRequest, exchange_id: int) -> HttpResponse:
    exchange = _managed(request, exchange_id)
    idea_id, theme_id = _posted_int(request, "idea"), _posted_int(request, "theme")
    if idea_id is None or theme_id is None:
        return HttpResponse(status=400)
    idea = queries.access_idea(request.user, idea_id)
    theme = analysis.access_theme(request.user, theme_id)
    if idea.exchange_id != exchange.pk or theme.exchange_id != exchange.pk:
        raise Http404("not in this exchange")
    return _theme_edit(
        request,
        exchange.pk,
        lambda: analysis.do_move_idea(by=_staff(request), idea=idea, theme=theme),
    )


def _report_context(request: HttpRequest, school_id: int) -> dict[str, Any]:
    school = schools_for(request.user).filter(pk=school_id).first()
    if school is None:
        raise Http404("no such school")
    exchanges = list(
        queries.exchanges_for(request.user)
        .filter(school=school)
        .exclude(status=IdeaExchange.Status.DRAFT)
        .select_related("school")
        .order_by("-pk")
    )
    return {
        "school": school,
        "exchanges": exchanges,
        "sections": analysis.strengths_and_needs(exchanges),
        "minimum": MINIMUM,
    }


@require_GET
@staff_required
def school_report(request: HttpRequest, school_id: int) -> HttpResponse:
    context = _report_context(request, school_id)
    if request.GET.get("format") == "pdf":
        html = render_to_string("listening/school_report_pdf.html", context, request=request)
        fetcher = URLFetcher(allowed_protocols=frozenset({"data"}), fail_on_errors=True)
        pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"strengths-and-needs-{context['school'].pk}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
    return TemplateResponse(request, "listening/school_report.html", context)
