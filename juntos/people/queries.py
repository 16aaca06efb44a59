"""Reads of people, already scoped to what the signed-in staff member may see.

Every read of family or student data goes through this module:

* district admin: everyone in the district;
* school leader, counselor, community liaison: the students of their schools and those
  students' caregivers;
* teacher: the students of their sections and those students' caregivers.

A person with several roles sees the union. Anyone else (no staff record, inactive staff) sees
nothing. ``access_*`` helpers raise 404 for rows outside the scope (never 403, so that the
existence of a family is not revealed) and write an audit entry for every record shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from juntos.people import actions
from juntos.people.models import (
    AuditEntry,
    Caregiver,
    CaregiverLink,
    ImportRun,
    Role,
    School,
    Section,
    Staff,
    Student,
    StudentEnrollment,
    StudentSchool,
)

SCHOOL_WIDE_ROLES = frozenset({Role.SCHOOL_LEADER, Role.COUNSELOR, Role.LIAISON})

AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Scope:
    """What one staff member may see. Computed once per request."""

    staff: Staff | None
    district_id: int | None
    is_district_admin: bool
    roles: frozenset[str]
    # Schools where a role gives sight of every family (leader, counselor, liaison).
    family_school_ids: frozenset[int]
    # Schools where the person holds any role (teachers included).
    school_ids: frozenset[int]
    section_ids: frozenset[int]

    @property
    def is_staff_member(self) -> bool:
        return self.staff is not None

    def has_role(self, *roles: str) -> bool:
        return self.is_district_admin or bool(self.roles.intersection(roles))


EMPTY_SCOPE = Scope(None, None, False, frozenset(), frozenset(), frozenset(), frozenset())


def scope_for(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_juntos_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    staff = Staff.objects.filter(user=user, is_active=True).first()
    if staff is None:
        scope = EMPTY_SCOPE
    else:
        roles = list(staff.roles.values_list("role", "school_id"))
        role_names = frozenset(role for role, _ in roles)
        section_ids = frozenset(
            staff.assignments.filter(section__is_active=True).values_list("section_id", flat=True)
        )
        scope = Scope(
            staff=staff,
            district_id=staff.district_id,
            is_district_admin=Role.DISTRICT_ADMIN in role_names,
            roles=role_names,
            family_school_ids=frozenset(
                school for role, school in roles if role in SCHOOL_WIDE_ROLES and school
            ),
            school_ids=frozenset(school for _, school in roles if school),
            section_ids=section_ids,
        )
    user._juntos_scope = scope
    return scope


def _student_visible(scope: Scope, student_ref: str) -> Exists:
    """The student at ``OuterRef(student_ref)`` is in one of the scope's schools or classes."""
    in_school = Exists(
        StudentSchool.objects.filter(
            student=OuterRef(student_ref), school_id__in=scope.family_school_ids
        )
    )
    in_section = Exists(
        StudentEnrollment.objects.filter(
            student=OuterRef(student_ref), section_id__in=scope.section_ids
        )
    )
    return in_school | in_section  # type: ignore[return-value]


def students_for(user: Any) -> QuerySet[Student]:
    scope = scope_for(user)
    if scope.staff is None:
        return Student.objects.none()
    base = Student.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(_student_visible(scope, "pk"))


def caregivers_for(user: Any) -> QuerySet[Caregiver]:
    scope = scope_for(user)
    if scope.staff is None:
        return Caregiver.objects.none()
    base = Caregiver.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    visible_link = CaregiverLink.objects.filter(caregiver=OuterRef("pk")).filter(
        _student_visible(scope, "student")
    )
    return base.filter(Exists(visible_link))


def schools_for(user: Any) -> QuerySet[School]:
    scope = scope_for(user)
    if scope.staff is None:
        return School.objects.none()
    base = School.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(Q(pk__in=scope.school_ids) | Q(sections__in=scope.section_ids)).distinct()


def sections_for(user: Any) -> QuerySet[Section]:
    scope = scope_for(user)
    if scope.staff is None:
        return Section.objects.none()
    base = Section.objects.filter(school__district_id=scope.staff.district_id, is_active=True)
    if scope.is_district_admin:
        return base
    return base.filter(Q(school_id__in=scope.family_school_ids) | Q(pk__in=scope.section_ids))


def search_caregivers(user: Any, query: str, *, limit: int = 50) -> QuerySet[Caregiver]:
    """Caregivers in scope whose name, student's name, phone or email matches ``query``."""
    qs = caregivers_for(user)
    text = query.strip()
    if text:
        terms = Q()
        for word in text.split()[:5]:
            terms &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(students__given_name__icontains=word)
                | Q(students__family_name__icontains=word)
                | Q(contacts__value__icontains=word)
            )
        qs = qs.filter(pk__in=Caregiver.objects.filter(terms).values("pk"))
    return qs.order_by("family_name", "given_name", "pk")[:limit]


def find_caregivers(user: Any, query: str, *, context: str, limit: int = 50) -> Sequence[Caregiver]:
    """Search caregivers in scope and record the listing in the audit trail.

    Each caregiver carries ``visible_links``: links to the students the user may see only (a
    caregiver of two schools must not reveal the other school's child in a list).
    """
    families = list(
        search_caregivers(user, query, limit=limit).prefetch_related(
            Prefetch(
                "links",
                queryset=CaregiverLink.objects.filter(student__in=students_for(user))
                .select_related("student")
                .order_by("student__family_name", "student__given_name"),
                to_attr="visible_links",
            )
        )
    )
    actions.do_record_access_many(
        actor=user,
        action=AuditEntry.Action.SEARCH,
        object_type="caregiver",
        ids=[family.pk for family in families],
        context=f"{context} q={query[:80]}",
    )
    return families


def access_caregiver(user: Any, caregiver_id: int, *, context: str) -> Caregiver:
    caregiver = caregivers_for(user).filter(pk=caregiver_id).first()
    if caregiver is None:
        raise Http404("No such family")
    actions.do_record_access(
        actor=user, action=AuditEntry.Action.VIEW, obj=caregiver, context=context
    )
    return caregiver


def access_student(user: Any, student_id: int, *, context: str) -> Student:
    student = students_for(user).filter(pk=student_id).first()
    if student is None:
        raise Http404("No such student")
    actions.do_record_access(
        actor=user, action=AuditEntry.Action.VIEW, obj=student, context=context
    )
    return student


def access_section(user: Any, section_id: int) -> Section:
    section = sections_for(user).filter(pk=section_id).select_related("school").first()
    if section is None:
        raise Http404("No such class")
    return section


def links_visible_to(user: Any, caregiver: Caregiver) -> QuerySet[CaregiverLink]:
    """The caregiver's links to students the user may see (a teacher sees only their own)."""
    return (
        caregiver.links.filter(student__in=students_for(user))
        .select_related("student")
        .order_by("student__family_name", "student__given_name")
    )


def imports_for(user: Any) -> QuerySet[ImportRun]:
    scope = scope_for(user)
    if scope.staff is None or not scope.is_district_admin:
        return ImportRun.objects.none()
    return ImportRun.objects.filter(district_id=scope.staff.district_id)


def access_import(user: Any, run_id: int) -> ImportRun:
    run = imports_for(user).filter(pk=run_id).first()
    if run is None:
        raise Http404("No such import")
    return run


def households(district_id: int) -> list[set[int]]:
    """Caregiver ids grouped into households: caregivers who share a student, transitively.

    Households are derived, never stored: a mother and a grandmother linked to the same child
    are one household; if the grandmother also cares for a cousin whose father is linked to
    that cousin, the father joins the same household. Caregivers with no student are alone.
    Steps: one query for every (caregiver, student) link of the district, then union-find.
    """
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    first_caregiver_of: dict[int, int] = {}
    links = CaregiverLink.objects.filter(caregiver__district_id=district_id).values_list(
        "caregiver_id", "student_id"
    )
    for caregiver_id, student_id in links.iterator(chunk_size=10_000):
        find(caregiver_id)
        other = first_caregiver_of.setdefault(student_id, caregiver_id)
        parent[find(caregiver_id)] = find(other)
    for caregiver_id in Caregiver.objects.filter(district_id=district_id).values_list(
        "pk", flat=True
    ):
        find(caregiver_id)
    groups: dict[int, set[int]] = {}
    for node in parent:
        groups.setdefault(find(node), set()).add(node)
    return sorted(groups.values(), key=min)


def household_of(user: Any, caregiver: Caregiver) -> list[Caregiver]:
    """The other caregivers of the students this caregiver is linked to, as far as the user
    may see them (one step: the people a staff member would call about the same child)."""
    students = caregiver.links.values("student_id")
    return list(
        caregivers_for(user)
        .filter(links__student_id__in=students)
        .exclude(pk=caregiver.pk)
        .distinct()
        .order_by("family_name", "given_name")
    )


# Leaders and liaisons run a school's outreach: events, idea exchanges, surveys, commitments.
OUTREACH_ROLES = (Role.SCHOOL_LEADER, Role.LIAISON)


def schools_run_by(user: Any) -> QuerySet[School]:
    """Schools where ``user`` runs outreach (creates events, exchanges, surveys, commitments):
    every school of the district for a district admin, else those where they are the leader or
    a liaison."""
    scope = scope_for(user)
    if scope.staff is None:
        return School.objects.none()
    if scope.is_district_admin:
        return schools_for(user)
    return School.objects.filter(
        pk__in=scope.staff.roles.filter(role__in=OUTREACH_ROLES, school__isnull=False).values(
            "school_id"
        )
    )
