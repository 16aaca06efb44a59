"""Insights reads, already scoped to the signed-in staff member.

Who may see insights (docs/insights.md, "Who sees what"):

* the district admin: the whole district;
* school leaders and community liaisons: the schools where they hold that role;
* teachers and counselors: not at all (403). A teacher's view of their own families is the
  family list and the "no positive note yet" list; a school-wide table of reach by language
  is for the people who plan outreach, and a teacher's class is usually too small to show
  anything but suppressed cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import (
    DateTimeField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from juntos.insights.metrics import Population
from juntos.insights.models import Attempt
from juntos.language import registry
from juntos.messaging.announcement_queries import CALL_PREFIX
from juntos.messaging.models import Delivery, Message
from juntos.people import actions as people_actions
from juntos.people.models import (
    AuditEntry,
    CaregiverLink,
    Role,
    School,
    Staff,
    StaffRole,
    Student,
    StudentSchool,
)
from juntos.people.queries import scope_for

INSIGHT_ROLES = (Role.SCHOOL_LEADER, Role.LIAISON)
# "Never contacted" sorts before every real date.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_WEEKS = 4
WORKLIST_LIMIT = 200


def population_for(user: Any) -> Population | None:
    """The students whose figures ``user`` may see, or None (no insights for this person)."""
    scope = scope_for(user)
    if scope.staff is None or scope.district_id is None:
        return None
    if scope.is_district_admin:
        return Population(scope.district_id, None)
    school_ids = frozenset(
        StaffRole.objects.filter(
            staff=scope.staff, role__in=INSIGHT_ROLES, school__isnull=False
        ).values_list("school_id", flat=True)
    )
    if not school_ids:
        return None
    return Population(scope.district_id, school_ids)


def narrowed(population: Population, school_id: int | None) -> Population:
    """The population limited to one of its schools (ignored when outside it)."""
    if school_id is None:
        return population
    if population.school_ids is not None and school_id not in population.school_ids:
        return population
    if not population.schools().filter(pk=school_id).exists():
        return population
    return Population(population.district_id, frozenset({school_id}))


def last_two_way_contact() -> Any:
    """The latest two-way contact with the family of the student at ``OuterRef("pk")``: a
    family message, a reached call from the call list, or a reached worklist attempt
    (``NEVER`` when none)."""
    never = Value(NEVER, output_field=DateTimeField())
    reply = (
        Message.objects.filter(
            direction=Message.Direction.IN,
            conversation__caregiver__links__student_id=OuterRef("pk"),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    call = (
        Delivery.objects.filter(
            caregiver__links__student_id=OuterRef("pk"),
            status=Delivery.Status.DELIVERED,
            provider_id__startswith=CALL_PREFIX,
        )
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    attempt = (
        Attempt.objects.filter(student_id=OuterRef("pk"), outcome=Attempt.Outcome.REACHED)
        .order_by("-at")
        .values("at")[:1]
    )
    return Greatest(
        Coalesce(Subquery(reply), never),
        Coalesce(Subquery(call), never),
        Coalesce(Subquery(attempt), never),
        output_field=DateTimeField(),
    )


@dataclass(frozen=True)
class WorklistFilters:
    weeks: int = DEFAULT_WEEKS
    language: str = ""
    school_id: int | None = None


def unreached(
    population: Population, filters: WorklistFilters, *, now: datetime | None = None
) -> QuerySet[Student]:
    """Students whose families had no two-way contact in ``filters.weeks`` weeks, never
    contacted first, then the longest since the last contact."""
    now = now or timezone.now()
    students = narrowed(population, filters.school_id).students()
    if filters.language:
        students = students.filter(home_language=filters.language)
    return (
        students.annotate(last_contact=last_two_way_contact())
        .filter(last_contact__lt=now - timedelta(weeks=filters.weeks))
        .select_related("outreach_assignment__assignee")
        .prefetch_related(
            Prefetch(
                "caregiver_links",
                queryset=CaregiverLink.objects.select_related("caregiver").order_by("pk"),
            ),
            Prefetch("schools", queryset=School.objects.order_by("name")),
        )
        .order_by("last_contact", "family_name", "given_name", "pk")
    )


def worklist_languages(population: Population) -> list[tuple[str, str]]:
    codes = (
        population.students()
        .exclude(home_language="")
        .order_by()
        .values_list("home_language", flat=True)
        .distinct()
    )
    choices = []
    for code in set(codes):
        try:
            choices.append((code, registry.get(code).english_name))
        except registry.InvalidLanguage:
            choices.append((code, code))
    return sorted(choices, key=lambda choice: choice[1])


def access_worklist_student(user: Any, student_id: int, *, context: str) -> Student:
    """A student of the worklist (404 outside the user's insights scope), audited."""
    population = population_for(user)
    if population is None:
        raise Http404("No such student")
    student = (
        population.students()
        .filter(pk=student_id)
        .annotate(last_contact=last_two_way_contact())
        .select_related("outreach_assignment__assignee")
        .first()
    )
    if student is None:
        raise Http404("No such student")
    people_actions.do_record_access(
        actor=user, action=AuditEntry.Action.VIEW, obj=student, context=context
    )
    return student


def family_languages(student: Student) -> list[str]:
    languages = [student.home_language] if student.home_language else []
    for code in student.caregivers.values_list("preferred_language", flat=True):
        languages.append(code)
    normalized: list[str] = []
    for code in languages:
        tag = registry.normalize(code)
        if tag not in normalized:
            normalized.append(tag)
    return normalized


def speaks(staff: Staff, languages: list[str]) -> bool:
    spoken = {registry.normalize(str(code)) for code in staff.languages or []}
    return bool(spoken.intersection(languages))


def liaison_candidates(student: Student) -> list[tuple[Staff, bool]]:
    """The liaisons of the student's schools, those who speak the family's language first."""
    schools = StudentSchool.objects.filter(student=student).values("school_id")
    liaisons = Staff.objects.filter(
        is_active=True, roles__role=Role.LIAISON, roles__school_id__in=schools
    ).distinct()
    languages = family_languages(student)
    ranked = [(staff, speaks(staff, languages)) for staff in liaisons]
    return sorted(ranked, key=lambda item: (not item[1], item[0].display_name))


def attempts_of(student: Student) -> QuerySet[Attempt]:
    return Attempt.objects.filter(student=student).select_related("by", "caregiver")
