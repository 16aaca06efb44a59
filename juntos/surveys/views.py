"""Survey pages. Staff (English and Spanish): the list and creation, a survey's waves and
results, the paper codes to print and the paper form to type in, the CSV of the aggregates.
Families: ``/surveys/t/<token>/``, no sign-in (the link is the key), in the family's language
(family_survey.html, in every demo language). Every page works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.language import registry
from juntos.people.models import Staff
from juntos.people.queries import scope_for
from juntos.people.views import staff_required
from juntos.portal import language as portal_language
from juntos.surveys import actions, queries
from juntos.surveys.forms import PaperForm, SurveyForm, WaveForm
from juntos.surveys.instruments import Instrument, instrument, parse_answers, posted_keys
from juntos.surveys.models import Survey, Wave


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    assert staff is not None  # noqa: S101 - staff_required let the request in
    return staff


def _managed(request: HttpRequest, survey_id: int) -> Survey:
    survey = queries.access_survey(request.user, survey_id)
    if not queries.can_manage(request.user, survey):
        raise PermissionDenied
    return survey


def form_sections(
    form: Instrument,
    language: str,
    chosen: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The instrument as the page shows it in ``language``: sections, questions, options."""
    chosen = chosen or {}
    errors = errors or {}
    sections = []
    for section in form.sections:
        questions = []
        for question in section.questions:
            picked = chosen.get(question.id, [])
            options = [
                {
                    "key": option.key,
                    "label": option.label(language),
                    "checked": option.key in picked,
                    "lang": "" if question.kind != "language" else option.key,
                }
                for option in question.options
            ]
            questions.append(
                {
                    "id": question.id,
                    "kind": question.kind,
                    "text": question.text(language),
                    "options": options,
                    "skipped": not picked,
                    "error": form.word("error.choose", language) if question.id in errors else "",
                }
            )
        sections.append({"id": section.id, "name": section.name(language), "questions": questions})
    return sections


# --- Staff -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def survey_list(request: HttpRequest) -> HttpResponse:
    schools = queries.manageable_schools(request.user)
    may_create = schools.exists()
    form = SurveyForm(request.POST or None, schools=schools)
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied
        if form.is_valid():
            try:
                survey = actions.do_create_survey(
                    by=_staff(request),
                    school=form.cleaned_data["school"],
                    instrument_key=form.cleaned_data["instrument"],
                    title=form.cleaned_data["title"],
                )
            except actions.SurveyError as error:
                for name, message in error.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                return redirect("surveys:detail", survey_id=survey.pk)
    context = {
        "surveys": queries.surveys_for(request.user),
        "may_create": may_create,
        "form": form,
    }
    status = 400 if form.errors else 200
    return TemplateResponse(request, "surveys/survey_list.html", context, status=status)


@require_GET
@staff_required
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = queries.access_survey(request.user, survey_id)
    wave = queries.chosen_wave(survey, request.GET.get("wave"))
    found = queries.results(survey, wave)
    language = translation.get_language() or "en"
    context = {
        "survey": survey,
        "instrument_title": found.instrument.title(language),
        "may_manage": queries.can_manage(request.user, survey),
        "waves": list(survey.waves.order_by("number")),
        "open_wave": queries.open_wave(survey),
        "wave": wave,
        "wave_form": WaveForm(),
        "results": found,
        "sections": [(s.id, s.name(language)) for s in found.instrument.sections],
        "language_names": {tag: registry.get(tag).english_name for tag in found.scales.by_language},
        "counts": [
            {
                "text": c.question.text(language),
                "answered": c.answered,
                "options": [(o.label(language), c.cells[o.key]) for o in c.question.options],
            }
            for c in found.counts
        ],
    }
    return TemplateResponse(request, "surveys/survey_detail.html", context)


@require_POST
@staff_required
def wave_open(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed(request, survey_id)
    form = WaveForm(request.POST)
    if form.is_valid():
        try:
            opened = actions.do_open_wave(
                by=_staff(request),
                survey=survey,
                name=form.cleaned_data["name"],
                base_url=request.build_absolute_uri("/"),
            )
        except actions.SurveyError as error:
            for message in error.errors.values():
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Wave opened: %(count)s families were sent a link.")
                % {"count": len(opened.tokens)},
            )
    else:
        messages.error(request, _('Name the wave, for example "Fall 2026".'))
    return redirect("surveys:detail", survey_id=survey.pk)


@require_POST
@staff_required
def wave_close(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _managed(request, survey_id)
    wave = queries.open_wave(survey)
    if wave is not None:
        actions.do_close_wave(by=_staff(request), wave=wave)
        messages.success(request, _("Wave closed: its links no longer work."))
    return redirect("surveys:detail", survey_id=survey.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def paper_codes(request: HttpRequest, survey_id: int) -> HttpResponse:
    """GET explains; POST issues a fresh code for each family that has not answered and shows
    the sheet to print (printing again reissues them: docs/surveys.md)."""
    survey = _managed(request, survey_id)
    wave = queries.open_wave(survey)
    codes: list[actions.PaperCode] = []
    if request.method == "POST" and wave is not None:
        codes = actions.do_issue_paper_codes(by=_staff(request), wave=wave)
    context = {"survey": survey, "wave": wave, "codes": codes, "issued": request.method == "POST"}
    return TemplateResponse(request, "surveys/paper_codes.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def paper_entry(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Type in a paper form: its code, the language it was answered in, the answers."""
    survey = _managed(request, survey_id)
    form = PaperForm(request.POST or None)
    shown = instrument(survey.instrument)
    language = translation.get_language() or "en"
    chosen: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        data = dict(request.POST.lists())
        if form.is_valid():
            try:
                actions.do_submit_response(
                    code=form.cleaned_data["code"],
                    data=data,
                    language=form.cleaned_data["language"],
                )
            except actions.SurveyError as error:
                errors = error.errors
                problem = errors.get("token")
                if problem == "unknown":
                    form.add_error("code", _("No family of this survey has this code."))
                elif problem == "used":
                    form.add_error("code", _("This code was already used."))
                elif problem == "closed":
                    form.add_error("code", _("This wave is closed."))
            else:
                messages.success(request, _("Paper answers saved."))
                return redirect("surveys:paper", survey_id=survey.pk)
        answers, _errors = parse_answers(shown, data)
        chosen = posted_keys(shown, answers)
        status = 400
    context = {
        "survey": survey,
        "form": form,
        "sections": form_sections(shown, language, chosen, errors),
        "skip_label": shown.word("skip", language),
    }
    return TemplateResponse(request, "surveys/paper_entry.html", context, status=status)


@require_GET
@staff_required
def results_export(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = queries.access_survey(request.user, survey_id)
    wave = queries.chosen_wave(survey, request.GET.get("wave"))
    body = queries.results_csv(survey, queries.results(survey, wave))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-results.csv"'
    return response


# --- Families --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def family_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time survey link: no sign-in, the link is the key. The page speaks the family's
    language; an unknown link answers in the browser's."""
    found = actions.find_token(token=token)
    if found is None:
        return portal_language.render(
            request,
            "surveys/family_survey.html",
            {"state": "unknown"},
            portal_language.negotiate(request),
            status=404,
        )
    language = (
        portal_language.of_caregiver(found.caregiver)
        if found.caregiver is not None
        else portal_language.negotiate(request)
    )
    shown = portal_language.page_language(language)
    survey = found.wave.survey
    form = instrument(survey.instrument)
    state = "open"
    if found.used:
        state = "used"
    elif found.wave.status != Wave.Status.OPEN:
        state = "closed"
    status = 200
    chosen: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    named = False
    if request.method == "POST" and state == "open":
        data = dict(request.POST.lists())
        named = request.POST.get("named") == "yes"
        try:
            actions.do_submit_response(token=token, data=data, language=shown, named=named)
        except actions.SurveyError as error:
            problem = error.errors.get("token")
            if problem in ("used", "closed", "unknown"):
                state = "used" if problem != "closed" else "closed"
            else:
                errors = error.errors
                state, status = "invalid", 400
                answers, _errors = parse_answers(form, data)
                chosen = posted_keys(form, answers)
        else:
            state = "thanks_named" if named and form.updates_preferences else "thanks"
    context = {
        "state": state,
        "survey": survey,
        "title": form.title(shown),
        "intro": form.intro(shown),
        "sections": form_sections(form, shown, chosen, errors),
        "skip_label": form.word("skip", shown),
        "offers_name": form.updates_preferences,
        "named": named,
    }
    return portal_language.render(
        request, "surveys/family_survey.html", context, language, status=status
    )
