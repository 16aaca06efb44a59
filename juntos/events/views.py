"""Event pages: staff (list, create, detail, invite, door, .ics) and the family's page.

Function views: parse → access_* → do_* → TemplateResponse. Staff see the events of their
schools; leaders, liaisons and the district admin create, invite and take attendance
(queries.py). The family page shows only events the signed-in caregiver was invited to.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.events import actions, besttime, ics, queries
from juntos.events.forms import EventForm, InviteForm, RsvpForm, WalkInForm
from juntos.events.invitations import event_contexts, option_label
from juntos.events.models import Event, Rsvp
from juntos.language import pipeline, registry
from juntos.messaging.actions import InputError
from juntos.people.models import Caregiver, Staff
from juntos.people.queries import scope_for, sections_for
from juntos.people.views import staff_required
from juntos.portal.language import of_caregiver
from juntos.portal.language import render as family_page
from juntos.portal.session import current_caregiver, family_required


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    assert staff is not None  # noqa: S101 - staff_required let the request in
    return staff


def _managed(request: HttpRequest, event_id: int) -> Event:
    event = queries.access_event(request.user, event_id)
    if not queries.can_manage(request.user, event):
        raise PermissionDenied
    return event


@require_GET
@staff_required
def event_list(request: HttpRequest) -> HttpResponse:
    events = (
        queries.events_for(request.user)
        .select_related("school")
        .prefetch_related("time_options")
        .order_by("-created_at")
    )
    context = {
        "events": events,
        "may_create": queries.manageable_schools(request.user).exists(),
    }
    return TemplateResponse(request, "events/event_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def event_new(request: HttpRequest) -> HttpResponse:
    schools = queries.manageable_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    staff = _staff(request)
    form = EventForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = actions.do_create_event(
                by=staff,
                school=data["school"],
                kind=data["kind"],
                title=data["title"],
                learning_statement=data["learning_statement"],
                modality=data["modality"],
                place=data["place"],
                time_options=form.time_options(staff.district.time_zone),
                childcare=data["childcare"],
                transport=data["transport"],
                food=data["food"],
                stipend=data["stipend"],
                interpretation_languages=form.languages(),
                capacity=data["capacity"],
            )
        except InputError as exc:
            for name, error in exc.errors.items():
                form.add_error(name if name in form.fields else None, error)
        else:
            return redirect("events:detail", event_id=event.pk)
    return TemplateResponse(request, "events/event_new.html", {"form": form})


def _detail_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    manage = queries.can_manage(request.user, event)
    best = besttime.best_time(event)
    return {
        "event": event,
        "options": list(event.time_options.order_by("starts_at", "pk")),
        "summary": queries.summary(event),
        "rsvps": queries.visible_rsvps(request.user, event),
        "best": best,
        "best_rows": [
            {
                "row": row,
                "languages": [
                    {
                        "language": language,
                        "invited": besttime.shown(counts["invited"]),
                        "window": besttime.shown(counts["window"]),
                        "rate": row.past_rate.get(language),
                    }
                    for language, counts in row.by_language.items()
                ],
            }
            for row in best.rows
        ],
        "may_manage": manage,
        "invite_form": InviteForm(
            sections=sections_for(request.user).filter(school_id=event.school_id),
            school_name=event.school.name,
        )
        if manage
        else None,
    }


@require_GET
@staff_required
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = queries.access_event(request.user, event_id)
    return TemplateResponse(request, "events/event_detail.html", _detail_context(request, event))


@require_POST
@staff_required
def event_invite(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _managed(request, event_id)
    form = InviteForm(
        request.POST,
        sections=sections_for(request.user).filter(school_id=event.school_id),
        school_name=event.school.name,
    )
    if not form.is_valid():
        context = _detail_context(request, event) | {"invite_form": form}
        return TemplateResponse(request, "events/event_detail.html", context, status=400)
    kind, ref = form.target(event.school_id)
    try:
        count = actions.do_publish_event_invitations(
            by=_staff(request),
            event=event,
            audience_kind=kind,
            audience_ref=ref,
            base_url=request.build_absolute_uri("/"),
        )
    except InputError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, _("%(count)s families invited.") % {"count": count})
    return redirect("events:detail", event_id=event.pk)


@require_POST
@staff_required
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _managed(request, event_id)
    try:
        told = actions.do_cancel_event(
            by=_staff(request), event=event, reason=request.POST.get("reason", "")
        )
    except InputError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(
            request,
            _("The event is cancelled; %(count)s families were told in their languages.")
            % {"count": told},
        )
    return redirect("events:detail", event_id=event.pk)


@require_GET
@staff_required
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = queries.access_event(request.user, event_id)
    return _ics_response(request, event)


def _ics_response(request: HttpRequest, event: Event) -> HttpResponse:
    body = ics.calendar(event, now=timezone.now(), host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def _door_context(request: HttpRequest, event: Event, query: str) -> dict[str, Any]:
    present = {
        a.caregiver_id: a
        for a in event.attendance.filter(caregiver__isnull=False).only("pk", "caregiver_id")
    }
    answers = dict(event.rsvps.values_list("caregiver_id", "answer"))
    families = [
        {"caregiver": c, "present": present.get(c.pk), "answer": answers.get(c.pk, "")}
        for c in queries.invitees_for_door(request.user, event, query)[:200]
    ]
    return {
        "event": event,
        "query": query,
        "families": families,
        "walk_ins": event.attendance.filter(caregiver__isnull=True).order_by("-recorded_at"),
        "walk_in_form": WalkInForm(),
        "present_count": len(present),
    }


@require_GET
@staff_required
def event_door(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _managed(request, event_id)
    query = request.GET.get("q", "")[:100]
    template = "events/event_door.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#families"
    return TemplateResponse(request, template, _door_context(request, event, query))


@require_POST
@staff_required
def door_mark(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _managed(request, event_id)
    caregiver = (
        queries.invitees_for_door(request.user, event)
        .filter(pk=_int(request.POST.get("caregiver")))
        .first()
    )
    if caregiver is None:
        raise Http404("no such invited family")
    actions.do_record_attendance(by=_staff(request), event=event, caregiver=caregiver)
    return _back_to_door(request, event)


@require_POST
@staff_required
def door_undo(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _managed(request, event_id)
    actions.do_remove_attendance(event=event, attendance_id=_int(request.POST.get("attendance")))
    return _back_to_door(request, event)


@require_POST
@staff_required
def door_walk_in(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _managed(request, event_id)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            actions.do_record_attendance(
                by=_staff(request),
                event=event,
                walk_in_name=form.cleaned_data["name"],
                walk_in_language=form.cleaned_data["language"],
            )
        except InputError as exc:
            form.add_error(None, " ".join(exc.errors.values()))
    if not form.is_valid():
        context = _door_context(request, event, "") | {"walk_in_form": form}
        return TemplateResponse(request, "events/event_door.html", context, status=400)
    return _back_to_door(request, event)


def _back_to_door(request: HttpRequest, event: Event) -> HttpResponse:
    query = request.POST.get("q", "")[:100]
    url = reverse("events:door", kwargs={"event_id": event.pk})
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("bad id") from None


# --- The family's page -----------------------------------------------------------------------

LABELS = (
    "learning", "time", "yes", "no", "maybe", "childcare", "ride", "interpreter", "send",
    "saved", "waitlist",
)  # fmt: skip


def _label(key: str, language: str, policy: pipeline.TranslationPolicy) -> str:
    rendition = pipeline.render_template(f"event.page_{key}", language, {}, district_policy=policy)
    return rendition.text


def _family_context(
    caregiver: Caregiver, event: Event, form: RsvpForm | None = None
) -> dict[str, Any]:
    policy = pipeline.TranslationPolicy.for_district(event.district_id)
    language = registry.normalize(caregiver.preferred_language)
    context = event_contexts(event, [language], policy=policy)[language]
    invitation = pipeline.fill(
        pipeline.prepare_template("event.invitation", language, district_policy=policy), context
    )
    statement = pipeline.translate(
        event.learning_statement,
        source=event.source_language,
        target=language,
        district_policy=policy,
    )
    rsvp = Rsvp.objects.filter(event=event, caregiver=caregiver).first()
    labels = {key: _label(key, language, policy) for key in LABELS}
    offered = [
        _label(f"offer_{name}", language, policy)
        for name, on in (
            ("childcare", event.childcare),
            ("transport", event.transport),
            ("food", event.food),
            ("stipend", event.stipend),
            ("interpretation", bool(event.interpretation_languages)),
        )
        if on
    ]
    interpreter_choices = [
        (tag, registry.get(tag).native_name) for tag in event.interpretation_languages
    ]
    return {
        "event": event,
        "caregiver": caregiver,
        "language": language,
        "rtl": registry.get(language).rtl,
        "invitation": pipeline.text_to_send(invitation),
        "title": context["event"].text
        if isinstance(context["event"], pipeline.Rendition)
        else context["event"],
        "statement": pipeline.text_to_send(statement),
        "options": [
            (option, option_label(option, event, language))
            for option in event.time_options.order_by("starts_at", "pk")
        ],
        "rsvp": rsvp,
        "labels": labels,
        "interpreter_choices": interpreter_choices,
        "offered": offered,
        "offered_label": _label("offered", language, policy) if offered else "",
        "form": form,
        "open": event.status == Event.Status.PUBLISHED,
    }


@require_http_methods(["GET", "POST"])
@family_required
def family_event(request: HttpRequest, event_id: int) -> HttpResponse:
    caregiver = current_caregiver(request)
    assert caregiver is not None  # noqa: S101 - family_required
    event = queries.family_event(caregiver, event_id)
    form = None
    if request.method == "POST":
        form = RsvpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            option = None
            if data["time_option"]:
                option = event.time_options.filter(pk=data["time_option"]).first()
            try:
                actions.do_record_rsvp(
                    caregiver=caregiver,
                    event=event,
                    answer=data["answer"],
                    time_option=option,
                    childcare_children=data["childcare_children"] or 0,
                    needs_ride=data["needs_ride"],
                    interpreter_language=data["interpreter_language"],
                    channel=Rsvp.Channel.PORTAL,
                )
            except InputError as exc:
                for name, error in exc.errors.items():
                    form.add_error(name if name in form.fields else None, error)
            else:
                return redirect(f"{request.path}?saved=1")
    context = _family_context(caregiver, event, form) | {"saved": "saved" in request.GET}
    status = 400 if form is not None and form.errors else 200
    # The page around the invitation speaks the family's language too (the portal's words).
    return family_page(
        request, "events/family_event.html", context, of_caregiver(caregiver), status=status
    )


@require_GET
@family_required
def family_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    caregiver = current_caregiver(request)
    assert caregiver is not None  # noqa: S101 - family_required
    return _ics_response(request, queries.family_event(caregiver, event_id))
