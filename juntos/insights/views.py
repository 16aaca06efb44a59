"""Insights pages: the leader's first screen, how we count, the CSV export, the worklist.

Function views: parse → queries (scoped) → actions → TemplateResponse. Every figure comes
from metrics.py already suppressed; this module only turns cells into text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from juntos.insights import actions, metrics, queries
from juntos.insights.forms import AssignForm, AttemptForm, ContactForm, WorklistFilterForm
from juntos.insights.metrics import Breakdown, Population, Row
from juntos.insights.suppression import Cell
from juntos.people.models import Caregiver, District, Staff, Student
from juntos.people.queries import scope_for
from juntos.people.views import staff_required

View = Callable[..., HttpResponse]

# A group is marked "behind" when its share is this many points below everyone's.
BEHIND_POINTS = 10

DIMENSIONS = {
    "language": gettext_lazy("Home language"),
    "school": gettext_lazy("School"),
    "grade": gettext_lazy("Grade"),
    "relationship": gettext_lazy("Relationship"),
    "channel": gettext_lazy("Preferred channel"),
}
FLAGS = {
    metrics.DELIVERED: gettext_lazy("Received a delivered message"),
    metrics.TWO_WAY: gettext_lazy("Two-way exchange"),
    metrics.NO_WORKING_CHANNEL: gettext_lazy("No working channel"),
    metrics.NO_CONTACT: gettext_lazy("No phone or email at all"),
    metrics.POSITIVE_FIRST: gettext_lazy("First contact positive"),
    metrics.RSVP_YES: gettext_lazy("Said yes"),
    metrics.ATTENDED: gettext_lazy("Came"),
}


def insights_required(view: View) -> View:
    """District admins, school leaders and liaisons; other staff 403 (queries.py)."""

    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        population = queries.population_for(request.user)
        if population is None:
            raise PermissionDenied
        return view(request, population, *args, **kwargs)

    return wrapper


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    assert staff is not None  # noqa: S101 - insights_required let the request in
    return staff


def _district(population: Population) -> District:
    return District.objects.get(pk=population.district_id)


def cell_text(cell: Cell) -> str:
    if cell.value is None:
        return _("suppressed")
    return str(cell.value)


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def _row(
    row: Row, flags: tuple[str, ...], total: Row, *, behind_flag: str | None
) -> dict[str, Any]:
    behind = None
    if behind_flag is not None:
        mine, everyone = row.shares[behind_flag], total.shares[behind_flag]
        if mine is not None and everyone is not None:
            gap = round((everyone - mine) * 100)
            behind = gap if gap >= BEHIND_POINTS else None
    return {
        "key": row.key,
        "label": row.label,
        "size": cell_text(row.size),
        "size_share": share_text(row.size_share),
        "suppressed": row.size.suppressed,
        "values": [
            {"count": cell_text(row.values[flag]), "share": share_text(row.shares[flag])}
            for flag in flags
        ],
        "behind": behind,
    }


def table(breakdown: Breakdown, *, behind_flag: str | None = None) -> dict[str, Any]:
    return {
        "dimension": breakdown.dimension,
        "dimension_label": DIMENSIONS.get(breakdown.dimension, breakdown.dimension),
        "flags": [FLAGS[flag] for flag in breakdown.flags],
        "rows": [
            _row(row, breakdown.flags, breakdown.total, behind_flag=behind_flag)
            for row in breakdown.rows
        ],
        "total": _row(breakdown.total, breakdown.flags, breakdown.total, behind_flag=None),
    }


def _school_choices(population: Population) -> list[tuple[int, str]]:
    return list(population.schools().order_by("name").values_list("pk", "name"))


def _school_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("school", "")
    return int(raw) if raw.isdigit() else None


@require_GET
@insights_required
def index(request: HttpRequest, population: Population) -> HttpResponse:
    school_id = _school_param(request)
    narrowed = queries.narrowed(population, school_id)
    report = metrics.report(narrowed, _district(population))
    context = {
        "report": report,
        "reach": {
            dimension: table(breakdown, behind_flag=metrics.DELIVERED)
            for dimension, breakdown in report.reach.items()
        },
        "contact_health": table(report.contact_health, behind_flag=None),
        "positive_first": table(report.positive_first.by_language),
        "events": table(report.events),
        "follow_up": {
            "family_messages": cell_text(report.follow_up.family_messages),
            "answered": cell_text(report.follow_up.answered),
            "median": report.follow_up.median,
            "p90": report.follow_up.p90,
            "waiting": cell_text(report.follow_up.waiting_past_target),
        },
        "schools": _school_choices(population),
        "school_id": narrowed.school_ids and school_id,
    }
    return TemplateResponse(request, "insights/index.html", context)


@require_GET
@staff_required
def how_we_count(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "insights/how_we_count.html", {"metrics": metrics.METRICS})


@require_GET
@insights_required
def export_csv(request: HttpRequest, population: Population) -> HttpResponse:
    """The aggregates as CSV: suppressed cells read "suppressed"; never a family's row."""
    narrowed = queries.narrowed(population, _school_param(request))
    report = metrics.report(narrowed, _district(population))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="juntos-insights.csv"'
    writer = csv.writer(response)
    writer.writerow(["metric", "breakdown", "group", "group_size", "group_share", "measure",
                     "count", "share"])  # fmt: skip

    def write(metric: str, breakdown: Breakdown) -> None:
        for row in [*breakdown.rows, breakdown.total]:
            for flag in breakdown.flags:
                writer.writerow([
                    metric, breakdown.dimension, "all" if row is breakdown.total else row.label,
                    _csv_cell(row.size), share_text(row.size_share), flag,
                    _csv_cell(row.values[flag]), share_text(row.shares[flag]),
                ])  # fmt: skip

    for breakdown in report.reach.values():
        write("reach", breakdown)
    write("contact_health", report.contact_health)
    write("positive_first", report.positive_first.by_language)
    write("events", report.events)
    follow = report.follow_up
    for measure, cell in (
        ("family_messages", follow.family_messages),
        ("answered", follow.answered),
        ("waiting_past_target", follow.waiting_past_target),
    ):
        writer.writerow(["follow_up", "", "all", "", "", measure, _csv_cell(cell), ""])
    for measure, value in (("median_seconds", follow.median), ("p90_seconds", follow.p90)):
        seconds = "" if value is None else str(round(value.total_seconds()))
        writer.writerow(["follow_up", "", "all", "", "", measure, seconds, ""])
    for metric in report.unavailable:
        writer.writerow([metric.key, "", "", "", "", "", "no data yet", ""])
    return response


def _csv_cell(cell: Cell) -> str:
    return "suppressed" if cell.value is None else str(cell.value)


# --- The unreached-families worklist ----------------------------------------------------------


@require_GET
@insights_required
def unreached(request: HttpRequest, population: Population) -> HttpResponse:
    data = request.GET.copy()
    if data and not data.get("weeks"):
        data["weeks"] = str(queries.DEFAULT_WEEKS)  # keep the default visible in the form
    form = WorklistFilterForm(
        data or None,
        languages=queries.worklist_languages(population),
        schools=_school_choices(population),
    )
    filters = queries.WorklistFilters()
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = queries.WorklistFilters(
            weeks=cleaned["weeks"] or queries.DEFAULT_WEEKS,
            language=cleaned["language"],
            school_id=cleaned["school"],
        )
    students = queries.unreached(population, filters)
    with metrics.without_jit():
        total = students.count()
        rows = list(students[: queries.WORKLIST_LIMIT])
    return TemplateResponse(
        request,
        "insights/unreached.html",
        {
            "form": form,
            "rows": [
                {
                    "student": student,
                    "language": metrics.language_label(student.home_language),
                    "family": [
                        (
                            link.caregiver.display_name,
                            metrics.language_label(link.caregiver.preferred_language),
                        )
                        for link in student.caregiver_links.all()
                    ],
                }
                for student in rows
            ],
            "total": total,
            "limit": queries.WORKLIST_LIMIT,
            "never": queries.NEVER,
            "weeks": filters.weeks,
        },
    )


def _caregiver_choices(student: Student) -> list[tuple[int, str]]:
    return [
        (link.caregiver_id, f"{link.caregiver.display_name} ({link.get_relationship_display()})")
        for link in student.caregiver_links.select_related("caregiver").order_by("pk")
    ]


def _assign_choices(student: Student) -> list[tuple[int, str]]:
    choices = []
    for staff, speaks in queries.liaison_candidates(student):
        label = staff.display_name
        if speaks:
            label = _("%(name)s (speaks the family's language)") % {"name": label}
        choices.append((staff.pk, label))
    return choices


def _student_page(
    request: HttpRequest,
    student: Student,
    *,
    assign_form: AssignForm | None = None,
    attempt_form: AttemptForm | None = None,
    contact_form: ContactForm | None = None,
    status: int = 200,
) -> HttpResponse:
    caregivers = _caregiver_choices(student)
    context = {
        "student": student,
        "never": queries.NEVER,
        "links": student.caregiver_links.select_related("caregiver")
        .prefetch_related("caregiver__contacts")
        .order_by("pk"),
        "attempts": queries.attempts_of(student),
        "assign_form": assign_form
        or AssignForm(candidates=_assign_choices(student), auto_id="assign_%s"),
        "attempt_form": attempt_form or AttemptForm(caregivers=caregivers, auto_id="attempt_%s"),
        "contact_form": contact_form or ContactForm(caregivers=caregivers, auto_id="contact_%s"),
        "family_languages": [metrics.language_label(c) for c in queries.family_languages(student)],
    }
    return TemplateResponse(request, "insights/student.html", context, status=status)


def _student(request: HttpRequest, student_id: int) -> Student:
    return queries.access_worklist_student(request.user, student_id, context=request.path)


@require_GET
@insights_required
def unreached_student(
    request: HttpRequest, population: Population, student_id: int
) -> HttpResponse:
    return _student_page(request, _student(request, student_id))


def _add_errors(form: Any, exc: actions.InputError) -> None:
    for name, error in exc.errors.items():
        form.add_error(name if name in form.fields else None, error)


@require_POST
@insights_required
def assign(request: HttpRequest, population: Population, student_id: int) -> HttpResponse:
    student = _student(request, student_id)
    form = AssignForm(request.POST, candidates=_assign_choices(student), auto_id="assign_%s")
    if form.is_valid():
        assignee = Staff.objects.get(pk=form.cleaned_data["assignee"])
        try:
            actions.do_assign_student(by=_staff(request), student=student, assignee=assignee)
        except actions.InputError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(student)s's family is assigned to %(name)s.")
                % {"student": student.display_name, "name": assignee.display_name},
            )
            return redirect("insights:unreached_student", student_id=student.pk)
    return _student_page(request, student, assign_form=form, status=400)


def _caregiver(student: Student, caregiver_id: int | None) -> Caregiver | None:
    if caregiver_id is None:
        return None
    return Caregiver.objects.filter(pk=caregiver_id, links__student=student).first()


@require_POST
@insights_required
def attempt(request: HttpRequest, population: Population, student_id: int) -> HttpResponse:
    student = _student(request, student_id)
    form = AttemptForm(request.POST, caregivers=_caregiver_choices(student), auto_id="attempt_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_attempt(
                by=_staff(request),
                student=student,
                caregiver=_caregiver(student, data["caregiver"]),
                method=data["method"],
                outcome=data["outcome"],
                note=data["note"],
            )
        except actions.InputError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The attempt is recorded."))
            return redirect("insights:unreached_student", student_id=student.pk)
    return _student_page(request, student, attempt_form=form, status=400)


@require_POST
@insights_required
def contact(request: HttpRequest, population: Population, student_id: int) -> HttpResponse:
    student = _student(request, student_id)
    form = ContactForm(request.POST, caregivers=_caregiver_choices(student), auto_id="contact_%s")
    if form.is_valid():
        data = form.cleaned_data
        caregiver = _caregiver(student, data["caregiver"])
        try:
            if caregiver is None:
                raise actions.InputError(
                    {"caregiver": _("Choose an adult of this student's family.")}
                )
            actions.do_correct_family_contact(
                by=_staff(request),
                student=student,
                caregiver=caregiver,
                phone=data["phone"],
                sms_capable=data["sms_capable"],
                email=data["email"],
                language=data["language"],
            )
        except actions.InputError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s's contact details are updated; the next message uses them.")
                % {"name": caregiver.display_name},
            )
            return redirect("insights:unreached_student", student_id=student.pk)
    return _student_page(request, student, contact_form=form, status=400)
