"""Listening-session pages: staff (list, set-up, results, the facilitator's capture screen,
run sheets, the protocol library) and the families' public answer page.

Function views: parse → access_* → do_* → TemplateResponse (sessions.py). Staff of a school
see its sessions and results; its leaders, liaisons and the district admin set them up;
they and the session's facilitators capture. The family page needs no sign-in: the token in
the link is the key, and nothing about who answered is kept.
"""

from __future__ import annotations

from typing import Any

import weasyprint
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from weasyprint.urls import URLFetcher

from juntos.insights.suppression import MINIMUM
from juntos.language import registry
from juntos.listening import queries as exchange_queries
from juntos.listening import sessions
from juntos.listening.models import ListeningSession, SpeakerRole
from juntos.listening.session_forms import NoteForm, SessionForm
from juntos.messaging.actions import InputError
from juntos.people.models import Staff
from juntos.people.queries import scope_for
from juntos.people.views import staff_required
from juntos.portal import language as portal_language

STAFF_LANGUAGE = "en"


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    assert staff is not None  # noqa: S101 - staff_required let the request in
    return staff


def _language_arg(raw: str, allowed: list[str], default: str) -> str:
    try:
        tag = registry.normalize(raw) if raw else default
    except Exception:
        return default
    return tag if tag in allowed else default


@require_GET
@staff_required
def session_list(request: HttpRequest) -> HttpResponse:
    found = sessions.sessions_for(request.user).select_related("school", "protocol")
    context = {
        "sessions": found,
        "may_create": exchange_queries.manageable_schools(request.user).exists(),
    }
    return TemplateResponse(request, "listening/session_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def session_new(request: HttpRequest) -> HttpResponse:
    schools = exchange_queries.manageable_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    staff = _staff(request)
    sessions.do_load_shipped_protocols()
    candidates = sessions.facilitator_candidates(schools)
    form_args: dict[str, Any] = {
        "schools": schools,
        "protocols": sessions.protocols_for(request.user),
        "staff": candidates,
    }
    suggested: list[Staff] = []
    if request.method == "POST" and "suggest" not in request.POST:
        form = SessionForm(request.POST, **form_args)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = sessions.do_create_session(
                    by=staff,
                    school=data["school"],
                    title=data["title"],
                    on=data["date"],
                    modality=data["modality"],
                    languages=data["languages"],
                    facilitators=list(data["facilitators"]),
                    protocol=data["protocol"],
                )
            except InputError as exc:
                for name, error in exc.errors.items():
                    form.add_error(name if name in form.fields else None, error)
            else:
                return redirect("listening:session_detail", session_id=session.pk)
        status = 400
    else:
        # The first visit, or "Suggest facilitators": the families' languages and the staff
        # who speak them, checked in a new form (the page works without JavaScript).
        school = schools.filter(pk=request.POST.get("school") or 0).first() or schools.first()
        assert school is not None  # noqa: S101 - schools is not empty
        languages = request.POST.getlist("languages") or sessions.family_languages(school)
        suggested = sessions.suggest_facilitators(school, languages)
        initial = {
            "school": school.pk,
            "title": request.POST.get("title", ""),
            "date": request.POST.get("date", ""),
            "modality": request.POST.get("modality", ListeningSession.Modality.IN_PERSON),
            "protocol": request.POST.get("protocol", ""),
            "languages": languages,
            "facilitators": [s.pk for s in suggested],
        }
        form = SessionForm(initial=initial, **form_args)
        status = 200
    context = {"form": form, "suggested": suggested}
    return TemplateResponse(request, "listening/session_new.html", context, status=status)


@require_GET
@staff_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = sessions.access_session(request.user, session_id)
    capture = sessions.can_capture(request.user, session)
    link = request.build_absolute_uri(reverse("listening:family_session", args=[session.token]))
    spoken = {code for s in session.facilitators.all() for code in s.languages}
    uncovered = [
        registry.get(code).english_name
        for code in session.languages
        if code != STAFF_LANGUAGE and not any(code.split("-")[0] == s.split("-")[0] for s in spoken)
    ]
    context = {
        "session": session,
        "results": sessions.results(session),
        "may_capture": capture,
        "family_link": link if capture else "",
        "languages": [(code, registry.get(code).english_name) for code in session.languages],
        "facilitators": session.facilitators.all(),
        "uncovered": uncovered,
        "minimum": MINIMUM,
    }
    return TemplateResponse(request, "listening/session_detail.html", context)


def _capturer(request: HttpRequest, session_id: int) -> ListeningSession:
    session = sessions.access_session(request.user, session_id)
    if not sessions.can_capture(request.user, session):
        raise PermissionDenied
    return session


def _capture_url(session: ListeningSession, position: int, language: str) -> str:
    base = reverse("listening:session_capture", args=[session.pk])
    query: dict[str, str] = {"q": str(position), "lang": language}
    return f"{base}?{urlencode(query)}"


@require_http_methods(["GET", "POST"])
@staff_required
def session_capture(request: HttpRequest, session_id: int) -> HttpResponse:
    """One question at a time, for a phone: quick notes and a tally of who spoke by role."""
    session = _capturer(request, session_id)
    questions = list(session.protocol.questions.all())
    try:
        position = int(request.GET.get("q", "1"))
    except ValueError:
        position = 1
    position = min(max(position, 1), len(questions))
    question = questions[position - 1]
    allowed = [*session.languages, *([] if STAFF_LANGUAGE in session.languages else ["en"])]
    mine = [c for c in _staff(request).languages if c in allowed]
    language = _language_arg(request.GET.get("lang", ""), allowed, (mine or allowed)[0])
    note_form = NoteForm(languages=allowed, initial={"language": language, "role": "family"})
    status, problem = 200, ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "count":
                sessions.do_count_speaker(
                    session=session,
                    question_id=question.pk,
                    role=request.POST.get("role", ""),
                )
                messages.success(request, _("Counted."))
                return redirect(_capture_url(session, position, language))
            note_form = NoteForm(request.POST, languages=allowed)
            if note_form.is_valid():
                sessions.do_add_note(
                    session=session,
                    question_id=question.pk,
                    text=note_form.cleaned_data["text"],
                    language=note_form.cleaned_data["language"],
                    role=note_form.cleaned_data["role"],
                )
                messages.success(request, _("Note saved."))
                return redirect(_capture_url(session, position, language))
            status = 400
        except InputError as exc:
            problem = "; ".join(exc.errors.values())
            status = 400
    shown = sessions.question_texts([question], language, district_id=session.district_id)[0]
    context = {
        "session": session,
        "question": shown,
        "position": position,
        "count": len(questions),
        "language": language,
        "languages": [(code, registry.get(code).native_name) for code in allowed],
        "note_form": note_form,
        "problem": problem,
        "tally": [
            (role, label, sessions.raw_tally(session, question)[role])
            for role, label in SpeakerRole.choices
        ],
        "previous": _capture_url(session, position - 1, language) if position > 1 else "",
        "next": _capture_url(session, position + 1, language) if position < len(questions) else "",
        "rtl": registry.get(shown.language).rtl,
    }
    return TemplateResponse(request, "listening/session_capture.html", context, status=status)


@require_GET
@staff_required
def session_sheet(request: HttpRequest, session_id: int) -> HttpResponse:
    """The printable run sheet in one of the session's languages (PDF)."""
    session = sessions.access_session(request.user, session_id)
    language = _language_arg(request.GET.get("lang", ""), session.languages, session.languages[0])
    questions = list(session.protocol.questions.all())
    context = {
        "session": session,
        "protocol_title": sessions.protocol_title(session.protocol, language),
        "questions": sessions.question_texts(questions, language, district_id=session.district_id),
        "language": language,
        "rtl": registry.get(language).rtl,
    }
    shown = portal_language.page_language(language)
    with translation.override(shown):
        context["modality"] = str(session.get_modality_display())
        html = render_to_string("listening/session_sheet.html", context, request=request)
    fetcher = URLFetcher(allowed_protocols=frozenset({"data"}), fail_on_errors=True)
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"listening-session-{session.pk}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- The protocol library --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def session_protocols(request: HttpRequest) -> HttpResponse:
    """The shipped protocols and the district's own; a POST copies one for editing."""
    if not exchange_queries.manageable_schools(request.user).exists():
        raise PermissionDenied
    sessions.do_load_shipped_protocols()
    if request.method == "POST":
        try:
            chosen = int(request.POST.get("protocol", ""))
        except ValueError:
            chosen = 0
        protocol = sessions.access_protocol(request.user, chosen)
        copy = sessions.do_copy_protocol(by=_staff(request), protocol=protocol)
        messages.success(request, _("A copy was made: edit its questions."))
        return redirect("listening:session_protocol", protocol_id=copy.pk)
    protocols = sessions.protocols_for(request.user).prefetch_related("questions")
    return TemplateResponse(request, "listening/session_protocols.html", {"protocols": protocols})


@require_http_methods(["GET", "POST"])
@staff_required
def session_protocol(request: HttpRequest, protocol_id: int) -> HttpResponse:
    if not exchange_queries.manageable_schools(request.user).exists():
        raise PermissionDenied
    protocol = sessions.access_protocol(request.user, protocol_id)
    editable = protocol.district_id == _staff(request).district_id
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        texts: dict[int, str] = {}
        for question in protocol.questions.all():
            texts[question.pk] = request.POST.get(f"question_{question.pk}", question.text)
        try:
            sessions.do_edit_protocol(
                by=_staff(request),
                protocol=protocol,
                title=request.POST.get("title", ""),
                texts=texts,
                new_text=request.POST.get("new_text", ""),
            )
        except InputError as exc:
            errors, status = exc.errors, 400
        else:
            messages.success(request, _("The protocol was saved."))
            return redirect("listening:session_protocol", protocol_id=protocol.pk)
    context = {
        "protocol": protocol,
        "questions": list(protocol.questions.all()),
        "editable": editable,
        "errors": errors,
    }
    return TemplateResponse(request, "listening/session_protocol.html", context, status=status)


# --- Families --------------------------------------------------------------------------------

FAMILY_ROLES = (SpeakerRole.FAMILY.value, SpeakerRole.COMMUNITY.value)


@require_http_methods(["GET", "POST"])
def family_session(request: HttpRequest, token: str) -> HttpResponse:
    """The session's public page: no sign-in, the link is the key, and nothing says who
    answered. It speaks the language picked with ?lang=, else the browser's."""
    language = portal_language.negotiate(request)
    session = sessions.session_by_token(token)
    if session is None:
        return portal_language.render(
            request, "listening/family_session.html", {"state": "unknown"}, language, status=404
        )
    shown = portal_language.page_language(language)
    questions = list(session.protocol.questions.all())
    state, status = "open", 200
    posted: dict[int, str] = {}
    role = SpeakerRole.FAMILY.value
    if request.method == "POST":
        posted = {q.pk: request.POST.get(f"question_{q.pk}", "") for q in questions}
        chosen_role = request.POST.get("role", role)
        role = chosen_role if chosen_role in FAMILY_ROLES else role
        try:
            sessions.do_submit_family_answers(
                session=session, answers=posted, language=shown, role=role
            )
        except InputError:
            state, status = "empty", 400
        else:
            state = "thanks"
    texts = sessions.question_texts(questions, shown, district_id=session.district_id)
    context = {
        "state": state,
        "session": session,
        "title": sessions.protocol_title(session.protocol, shown),
        "questions": [(item, posted.get(item.question.pk, "")) for item in texts],
        "role": role,
    }
    response = portal_language.render(
        request, "listening/family_session.html", context, language, status=status
    )
    portal_language.remember(request, response, language)
    return response
