"""Reads of conferences, already scoped.

Staff: a teacher sees their own slots and bookings; a school leader, counselor or liaison also
sees every slot of their schools; a district admin every slot of the district. A booking outside
that scope is a 404. A liaison sees the meetings they interpret. Families (a portal session)
see the open times of their own children's teachers and their own bookings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from juntos.conferences.actions import open_slots, teachers_of
from juntos.conferences.models import Booking, ConferenceSlot
from juntos.people.actions import do_record_access_many
from juntos.people.models import AuditEntry, Caregiver, CaregiverLink, Staff, Student
from juntos.people.queries import scope_for


def slots_for(user: Any) -> QuerySet[ConferenceSlot]:
    scope = scope_for(user)
    if scope.staff is None:
        return ConferenceSlot.objects.none()
    base = ConferenceSlot.objects.filter(school__district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(Q(teacher=scope.staff) | Q(school_id__in=scope.family_school_ids))


def upcoming_slots(user: Any, *, context: str, now: datetime | None = None) -> list[ConferenceSlot]:
    """The visible slots from today on, each with ``active`` (its booking or None); the
    families shown are recorded in the audit trail."""
    now = now or timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    slots: list[ConferenceSlot] = list(
        slots_for(user)
        .filter(ends_at__gt=start_of_day)
        .select_related("teacher", "school")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(status=Booking.Status.BOOKED).select_related(
                    "caregiver", "student", "interpreter"
                ),
                to_attr="active_bookings",
            )
        )
        .order_by("starts_at", "teacher__family_name", "pk")[:500]
    )
    for slot in slots:
        slot.active = slot.active_bookings[0] if slot.active_bookings else None  # type: ignore[attr-defined]
    do_record_access_many(
        actor=user,
        action=AuditEntry.Action.SEARCH,
        object_type="caregiver",
        ids=[s.active.caregiver_id for s in slots if s.active],  # type: ignore[attr-defined]
        context=context,
    )
    return slots


def access_booking(user: Any, booking_id: int) -> Booking:
    booking = (
        Booking.objects.filter(pk=booking_id, slot__in=slots_for(user))
        .select_related("slot", "caregiver", "student")
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    return booking


def interpreting_for(user: Any, *, now: datetime | None = None) -> QuerySet[Booking]:
    """The meetings the signed-in staff member interprets, from now on."""
    scope = scope_for(user)
    if scope.staff is None:
        return Booking.objects.none()
    return (
        Booking.objects.filter(
            interpreter=scope.staff,
            status=Booking.Status.BOOKED,
            ends_at__gt=now or timezone.now(),
        )
        .select_related("slot__teacher", "slot__school", "caregiver", "student")
        .order_by("starts_at")
    )


def offerable_families(user: Any) -> list[tuple[Caregiver, Student]]:
    """The families of the students in the signed-in staff member's own classes."""
    scope = scope_for(user)
    if scope.staff is None:
        return []
    links = (
        CaregiverLink.objects.filter(
            student__enrollments__section_id__in=scope.section_ids,
            may_contact=True,
            caregiver__is_active=True,
        )
        .select_related("caregiver", "student")
        .order_by("student__family_name", "student__given_name", "caregiver__given_name")
        .distinct()
    )
    return [(link.caregiver, link.student) for link in links[:500]]


@dataclass
class FamilyChoice:
    """One child and one of their teachers: the teacher's open times, or the booking."""

    student: Student
    teacher: Staff
    slots: list[ConferenceSlot] = field(default_factory=list)
    booking: Booking | None = None


def family_choices(caregiver: Caregiver, *, now: datetime | None = None) -> list[FamilyChoice]:
    now = now or timezone.now()
    choices: list[FamilyChoice] = []
    links = (
        CaregiverLink.objects.filter(caregiver=caregiver, student__is_active=True)
        .select_related("student")
        .order_by("student__given_name", "student_id")
    )
    for link in links:
        teacher_ids = teachers_of(link.student_id)
        bookings = {
            b.slot.teacher_id: b
            for b in Booking.objects.filter(
                student_id=link.student_id, status=Booking.Status.BOOKED, ends_at__gt=now
            ).select_related("slot__teacher", "slot__school", "student")
        }
        for teacher in Staff.objects.filter(pk__in=teacher_ids, is_active=True).order_by("pk"):
            booking = bookings.get(teacher.pk)
            slots = [] if booking else open_slots(teacher_id=teacher.pk, now=now)
            if booking or slots:
                choices.append(FamilyChoice(link.student, teacher, slots, booking))
    return choices


def upcoming_for_caregiver(caregiver: Caregiver, *, now: datetime | None = None) -> list[Booking]:
    """The caregiver's booked conferences that have not ended, soonest first."""
    return list(
        Booking.objects.filter(
            caregiver=caregiver, status=Booking.Status.BOOKED, ends_at__gt=now or timezone.now()
        )
        .select_related("slot__teacher", "slot__school", "student")
        .order_by("starts_at", "pk")[:20]
    )
