"""JSON API for insights (django-ninja): the suppressed aggregates and the worklist.

The same scope as the pages (queries.population_for): the district admin, school leaders and
liaisons; other staff 403. Figures are exactly the page's, already suppressed: a suppressed
count is ``null``. The worklist lists students (the roles that may see it may see them); every
student listed is written to the audit trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from juntos.insights import metrics, queries
from juntos.insights.metrics import Breakdown, Population, Row
from juntos.people import actions as people_actions
from juntos.people.models import AuditEntry, District

router = Router(tags=["insights"], auth=django_auth)


class RowOut(Schema):
    key: str
    label: str
    size: int | None
    size_share: float | None
    counts: dict[str, int | None]
    shares: dict[str, float | None]


class BreakdownOut(Schema):
    dimension: str
    measures: list[str]
    rows: list[RowOut]
    total: RowOut


class FollowUpOut(Schema):
    family_messages: int | None
    answered: int | None
    median_seconds: float | None
    p90_seconds: float | None
    waiting_past_target: int | None


class MetricsOut(Schema):
    period_start: datetime
    period_end: datetime
    reach: dict[str, BreakdownOut]
    follow_up: FollowUpOut
    contact_health: BreakdownOut
    positive_first: BreakdownOut
    events: BreakdownOut
    no_data_yet: list[str]


class WorklistRowOut(Schema):
    student_id: int
    student_name: str
    home_language: str
    school_ids: list[int]
    last_two_way_contact: datetime | None
    assignee_id: int | None


def _population(request: HttpRequest) -> Population:
    population = queries.population_for(request.user)
    if population is None:
        raise HttpError(403, "Only district admins, school leaders and liaisons see insights.")
    return population


def _row(row: Row) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "size": row.size.value,
        "size_share": row.size_share,
        "counts": {flag: cell.value for flag, cell in row.values.items()},
        "shares": row.shares,
    }


def _breakdown(breakdown: Breakdown) -> dict[str, Any]:
    return {
        "dimension": breakdown.dimension,
        "measures": list(breakdown.flags),
        "rows": [_row(row) for row in breakdown.rows],
        "total": _row(breakdown.total),
    }


@router.get("/insights/metrics", response=MetricsOut, url_name="insights_metrics")
def insights_metrics(request: HttpRequest, school: int | None = None) -> dict[str, Any]:
    population = queries.narrowed(_population(request), school)
    report = metrics.report(population, District.objects.get(pk=population.district_id))
    follow = report.follow_up
    return {
        "period_start": report.period.start,
        "period_end": report.period.end,
        "reach": {key: _breakdown(value) for key, value in report.reach.items()},
        "follow_up": {
            "family_messages": follow.family_messages.value,
            "answered": follow.answered.value,
            "median_seconds": None if follow.median is None else follow.median.total_seconds(),
            "p90_seconds": None if follow.p90 is None else follow.p90.total_seconds(),
            "waiting_past_target": follow.waiting_past_target.value,
        },
        "contact_health": _breakdown(report.contact_health),
        "positive_first": _breakdown(report.positive_first.by_language),
        "events": _breakdown(report.events),
        "no_data_yet": [metric.key for metric in report.unavailable],
    }


@router.get("/insights/unreached", response=list[WorklistRowOut], url_name="insights_unreached")
def insights_unreached(
    request: HttpRequest,
    weeks: int = queries.DEFAULT_WEEKS,
    language: str = "",
    school: int | None = None,
) -> list[dict[str, Any]]:
    if not 1 <= weeks <= 52:
        raise HttpError(422, "weeks must be from 1 to 52.")
    filters = queries.WorklistFilters(weeks=weeks, language=language, school_id=school)
    with metrics.without_jit():
        students = list(queries.unreached(_population(request), filters)[: queries.WORKLIST_LIMIT])
    people_actions.do_record_access_many(
        actor=request.user,
        action=AuditEntry.Action.SEARCH,
        object_type="student",
        ids=[student.pk for student in students],
        context=f"api insights unreached language={language[:35]}",
    )
    rows = []
    for student in students:
        last = getattr(student, "last_contact", None)
        assignment = getattr(student, "outreach_assignment", None)
        rows.append(
            {
                "student_id": student.pk,
                "student_name": student.display_name,
                "home_language": student.home_language,
                "school_ids": [school.pk for school in student.schools.all()],
                "last_two_way_contact": None if last == queries.NEVER else last,
                "assignee_id": assignment.assignee_id if assignment is not None else None,
            }
        )
    return rows
