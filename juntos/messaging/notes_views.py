"""Progress-note pages: the phone-first composer, its live preview, and "no positive note yet".

Thin views: parse → scoped queries → ``notes.do_send_progress_notes`` → template. The composer
works without JavaScript (the preview button posts the whole form back); with htmx the preview
follows each change. After sending, the browser is redirected (post/redirect/get) to the
composer showing the confirmation, so that reloading the page never sends the notes twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.language import registry
from juntos.messaging import notes, positivity
from juntos.messaging.models import Delivery
from juntos.messaging.queries import deliveries_for
from juntos.people import actions as people_actions
from juntos.people.models import AuditEntry, CaregiverLink, Section, Staff, Student
from juntos.people.queries import Scope, schools_for, scope_for, sections_for, students_for
from juntos.people.views import staff_required

SESSION_KEY = "juntos.notes.last_batch"


OUTSIDE_SCOPE = gettext_lazy("You can only write notes about students in your classes.")


class StudentIdsField(forms.Field):
    """The ticked students' ids (the template renders the checkboxes from the class list)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return [int(item) for item in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(OUTSIDE_SCOPE, code="invalid") from None


class NoteForm(forms.Form):
    students = StudentIdsField(required=False)
    kind = forms.ChoiceField(
        choices=[
            (notes.POSITIVE, gettext_lazy("Positive note")),
            (notes.CONCERN, gettext_lazy("Concern")),
        ],
        initial=notes.POSITIVE,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a positive note or a concern."),
            "invalid_choice": gettext_lazy("Choose a positive note or a concern."),
        },
    )
    # Length is checked by notes.clean_sentence (one message for the view and the action);
    # the textarea's maxlength stops typing past it.
    sentence = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    section = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _staff(request: HttpRequest) -> tuple[Scope, Staff]:
    scope = scope_for(request.user)
    if scope.staff is None:  # staff_required let in only staff: never reached
        raise PermissionDenied
    return scope, scope.staff


def _sections(request: HttpRequest, scope: Scope) -> QuerySet[Section]:
    """The classes to pick from: the person's own classes, else every class they can see."""
    visible = sections_for(request.user).select_related("school")
    own = visible.filter(pk__in=scope.section_ids)
    return (own if own.exists() else visible).order_by("school__name", "title", "pk")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _pick_section(
    sections: QuerySet[Section], section_id: int | None, student_id: int | None
) -> Section | None:
    if section_id is not None:
        # A class outside the list is ignored rather than refused: the list is the scope.
        chosen = sections.filter(pk=section_id).first()
        if chosen is not None:
            return chosen
    if student_id is not None:
        chosen = sections.filter(enrollments__student_id=student_id).first()
        if chosen is not None:
            return chosen
    return sections.first()


def _student_rows(
    request: HttpRequest, section: Section | None, year: positivity.SchoolYear, checked: set[int]
) -> list[dict[str, Any]]:
    if section is None:
        return []
    students = list(
        students_for(request.user)
        .filter(enrollments__section=section, is_active=True)
        .order_by("given_name", "family_name", "pk")
        .distinct()
    )
    without = positivity.students_without_positive([s.pk for s in students], year)
    contactable = set(
        CaregiverLink.objects.filter(
            student__in=students, may_contact=True, caregiver__is_active=True
        ).values_list("student_id", flat=True)
    )
    return [
        {
            "student": student,
            "checked": student.pk in checked,
            "no_positive": student.pk in without,
            "unreachable": student.pk not in contactable,
        }
        for student in students
    ]


def conversation_url(conversation_id: int | None) -> str:
    """The conversation page, once it exists (another part of the inbox work builds it)."""
    if conversation_id is None:
        return ""
    try:
        return reverse("messaging:conversation", args=[conversation_id])
    except NoReverseMatch:
        return ""


def _confirmation(request: HttpRequest) -> dict[str, Any] | None:
    """The last batch this person sent (kept in their session), with fresh delivery states."""
    batch = request.session.get(SESSION_KEY)
    if not batch:
        return None
    try:
        sent = [notes.NoteOutcome(**row) for row in batch["sent"]]
        not_written = [notes.NoteOutcome(**row) for row in batch["not_written"]]
    except (KeyError, TypeError):
        return None  # written by another version of this page: nothing to confirm
    deliveries = {
        d.pk: d
        for d in deliveries_for(request.user).filter(
            pk__in=[o.delivery_id for o in sent if o.delivery_id]
        )
    }
    channels: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    unreached: list[dict[str, Any]] = [{"outcome": o, "reason": o.reason} for o in not_written]
    rows = []
    for outcome in sent:
        delivery = deliveries.get(outcome.delivery_id or 0)
        if delivery is None:
            continue  # no longer visible to this person
        if delivery.status in (Delivery.Status.SKIPPED, Delivery.Status.FAILED):
            reason = delivery.skip_reason or delivery.error or delivery.get_status_display()
            unreached.append({"outcome": outcome, "reason": reason})
        else:
            channels[(delivery.language, delivery.channel)][delivery.get_status_display()] += 1
        rows.append(
            {
                "outcome": outcome,
                "delivery": delivery,
                "conversation_url": conversation_url(outcome.conversation_id),
            }
        )
    per_channel = [
        {
            "language": registry.get(language),
            "channel": channel,
            "total": sum(states.values()),
            "states": sorted(states.items()),
        }
        for (language, channel), states in sorted(channels.items())
    ]
    return {
        "kind": batch["kind"],
        "rows": rows,
        "per_channel": per_channel,
        "unreached": unreached,
        "reached": sum(item["total"] for item in per_channel),
    }


def _page(
    request: HttpRequest,
    *,
    form: NoteForm,
    section: Section | None,
    checked: set[int],
    previews: list[notes.LanguagePreview] | None = None,
    preview_error: str = "",
    confirmation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    scope, staff = _staff(request)
    year = positivity.school_year(staff.district)
    return {
        "form": form,
        "sections": _sections(request, scope),
        "section": section,
        "rows": _student_rows(request, section, year, checked),
        "previews": previews,
        "preview_error": preview_error,
        "balance": positivity.teacher_balance(staff.pk, year),
        "year": year,
        "confirmation": confirmation,
        "sentence_max": notes.SENTENCE_MAX,
    }


@require_http_methods(["GET", "POST"])
@staff_required
def note_new(request: HttpRequest) -> HttpResponse:
    scope, staff = _staff(request)
    sections = _sections(request, scope)
    template = "messaging/note_new.html"
    if request.method == "GET":
        student_id = _int(request.GET.get("student"))
        section = _pick_section(sections, _int(request.GET.get("section")), student_id)
        form = NoteForm(
            initial={"kind": notes.POSITIVE, "section": section.pk if section else None}
        )
        confirmation = _confirmation(request) if request.GET.get("sent") else None
        checked = {student_id} if student_id is not None else set()
        context = _page(
            request, form=form, section=section, checked=checked, confirmation=confirmation
        )
        return TemplateResponse(request, template, context)

    form = NoteForm(request.POST)
    valid = form.is_valid()
    ids: list[int] = form.cleaned_data.get("students") or []
    section = _pick_section(sections, _int(request.POST.get("section")), None)
    previewing = request.POST.get("action") == "preview"
    if valid:
        kind, sentence = form.cleaned_data["kind"], form.cleaned_data["sentence"]
        try:
            if previewing:
                previews = notes.preview_notes(
                    by=staff, student_ids=ids, kind=kind, sentence=sentence
                )
                context = _page(
                    request, form=form, section=section, checked=set(ids), previews=previews
                )
                return TemplateResponse(request, template, context)
            summary = notes.do_send_progress_notes(
                by=staff, student_ids=ids, kind=kind, sentence=sentence
            )
        except notes.NoteError as error:
            form.add_error(error.field or None, str(error))
        else:
            request.session[SESSION_KEY] = {
                "kind": kind,
                "sent": [asdict(o) for o in summary.sent],
                "not_written": [asdict(o) for o in summary.not_written],
            }
            query = f"?sent=1&section={section.pk}" if section else "?sent=1"
            return redirect(reverse("messaging:note_new") + query)
    context = _page(request, form=form, section=section, checked=set(ids))
    return TemplateResponse(request, template, context, status=400)


@require_POST
@staff_required
def note_preview(request: HttpRequest) -> HttpResponse:
    """The preview fragment (htmx): the note in each language the chosen families read."""
    _scope, staff = _staff(request)
    form = NoteForm(request.POST)
    previews: list[notes.LanguagePreview] | None = None
    error = ""
    if not form.is_valid():
        error = str(next(iter(form.errors.values()))[0])
    elif not form.cleaned_data["students"] or not form.cleaned_data["sentence"].strip():
        error = ""  # nothing chosen or written yet: the hint is shown
    else:
        try:
            previews = notes.preview_notes(
                by=staff,
                student_ids=form.cleaned_data["students"],
                kind=form.cleaned_data["kind"],
                sentence=form.cleaned_data["sentence"],
            )
        except notes.NoteError as failure:
            error = str(failure)
    context = {"previews": previews, "preview_error": error}
    return TemplateResponse(request, "messaging/note_new.html#preview", context)


# --- Families with no positive note yet ------------------------------------------------------


class NoPositiveFilter(forms.Form):
    section = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(required=False)

    def __init__(self, data: Any, *, sections: Sequence[Section], languages: Sequence[str]) -> None:
        super().__init__(data)
        self.fields["section"].choices = [("", _("All classes"))] + [  # type: ignore[attr-defined]
            (s.pk, f"{s.title} · {s.school.name}") for s in sections
        ]
        self.fields["language"].choices = [("", _("All languages"))] + [  # type: ignore[attr-defined]
            (code, f"{registry.get(code).english_name} ({registry.get(code).native_name})")
            for code in languages
        ]


@require_GET
@staff_required
def no_positive(request: HttpRequest) -> HttpResponse:
    """Students the person can see whose contactable caregivers have had no positive note
    this school year, filterable by class and language, each with a link to the composer."""
    scope, staff = _staff(request)
    year = positivity.school_year(staff.district)
    sections = list(
        sections_for(request.user)
        .select_related("school")
        .annotate(
            mine=Case(
                When(pk__in=scope.section_ids, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("mine", "school__name", "title", "pk")
    )
    students = students_for(request.user).filter(is_active=True)
    links = list(
        CaregiverLink.objects.filter(
            student__in=students, may_contact=True, caregiver__is_active=True
        )
        .select_related("caregiver")
        .order_by("caregiver__given_name", "pk")
    )
    languages = sorted({registry.normalize(link.caregiver.preferred_language) for link in links})
    form = NoPositiveFilter(request.GET or None, sections=sections, languages=languages)
    section_id: int | None = None
    language = ""
    if form.is_valid():
        section_id = form.cleaned_data["section"]
        language = form.cleaned_data["language"]
    if section_id is not None:
        students = students.filter(enrollments__section_id=section_id)
    family: dict[int, list[CaregiverLink]] = defaultdict(list)
    for link in links:
        family[link.student_id].append(link)
    student_ids = set(students.values_list("pk", flat=True))
    without = positivity.students_without_positive(student_ids, year)
    unreachable = len(student_ids - set(family))
    if language:
        without = {
            pk
            for pk in without
            if any(
                registry.normalize(link.caregiver.preferred_language) == language
                for link in family[pk]
            )
        }
    listed = Student.objects.filter(pk__in=without).order_by("family_name", "given_name", "pk")
    page = Paginator(listed, 100).get_page(request.GET.get("page"))
    rows = [{"student": s, "links": family[s.pk]} for s in page.object_list]
    people_actions.do_record_access_many(
        actor=request.user,
        action=AuditEntry.Action.SEARCH,
        object_type="caregiver",
        ids=sorted({link.caregiver_id for row in rows for link in row["links"]}),
        context=request.path,
    )
    school_ids = (
        set(schools_for(request.user).values_list("pk", flat=True))
        if scope.is_district_admin
        else set(scope.family_school_ids)
    )
    balances = [
        {"school": school, "balance": positivity.school_balance(school.pk, year)}
        for school in schools_for(request.user).filter(pk__in=school_ids).order_by("name")
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "year": year,
        "unreachable": unreachable,
        "balances": balances,
        "own_balance": positivity.teacher_balance(staff.pk, year),
        "query": query.urlencode(),
        "section_id": section_id,
    }
    return TemplateResponse(request, "messaging/no_positive.html", context)
