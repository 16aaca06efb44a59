"""Booking through the action: who may book what, and the clear refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from juntos.conferences import actions
from juntos.conferences.models import Booking, ConferenceSlot
from juntos.conferences.tests.helpers import slot, staff_of, tomorrow_at


def test_a_taken_slot_is_refused_with_the_teachers_other_open_times(world: Any) -> None:
    teacher = staff_of(world, "teacher")
    first = slot(teacher, world.north, tomorrow_at(15))
    second = slot(teacher, world.north, tomorrow_at(15, 20))
    Booking.objects.create(
        slot=first, caregiver=world.north_family_2, student=world.north_student_2,
        starts_at=first.starts_at, ends_at=first.ends_at, created_via="staff",
    )  # fmt: skip
    with pytest.raises(actions.SlotTakenError) as refused:
        actions.do_book_slot(
            caregiver=world.north_family, slot_id=first.pk,
            student_id=world.north_student.pk, via="portal",
        )  # fmt: skip
    assert [s.pk for s in refused.value.others] == [second.pk]
    assert Booking.objects.count() == 1


def test_a_family_books_only_their_childs_teachers_and_once_per_teacher(world: Any) -> None:
    teacher = staff_of(world, "teacher")
    first = slot(teacher, world.north, tomorrow_at(15))
    second = slot(teacher, world.north, tomorrow_at(16))
    south = slot(staff_of(world, "other_teacher"), world.south, tomorrow_at(15))
    with pytest.raises(actions.ConferenceError, match="does not teach"):
        actions.do_book_slot(
            caregiver=world.north_family, slot_id=south.pk,
            student_id=world.north_student.pk, via="portal",
        )  # fmt: skip
    with pytest.raises(actions.ConferenceError, match="not linked"):
        actions.do_book_slot(
            caregiver=world.south_family, slot_id=first.pk,
            student_id=world.north_student.pk, via="portal",
        )  # fmt: skip
    actions.do_book_slot(
        caregiver=world.north_family, slot_id=first.pk,
        student_id=world.north_student.pk, via="portal",
    )  # fmt: skip
    with pytest.raises(actions.ConferenceError, match="already has a meeting"):
        actions.do_book_slot(
            caregiver=world.north_family, slot_id=second.pk,
            student_id=world.north_student.pk, via="portal",
        )  # fmt: skip


def test_cancelling_opens_the_slot_again(world: Any) -> None:
    wanted = slot(staff_of(world, "teacher"), world.north, tomorrow_at(15))
    booking = actions.do_book_slot(
        caregiver=world.north_family, slot_id=wanted.pk,
        student_id=world.north_student.pk, via="portal",
    )  # fmt: skip
    actions.do_cancel_booking(booking=booking)
    actions.do_cancel_booking(booking=booking)
    assert booking.status == Booking.Status.CANCELLED
    again = actions.do_book_slot(
        caregiver=world.north_family, slot_id=wanted.pk,
        student_id=world.north_student.pk, via="sms",
    )  # fmt: skip
    assert again.status == Booking.Status.BOOKED


def test_publishing_refuses_overlaps_and_saves_nothing(world: Any) -> None:
    teacher = staff_of(world, "teacher")
    start = tomorrow_at(15)
    plans = actions.plan_day(
        day=start.date(), start=start.time(), end=(start + timedelta(hours=1)).time(),
        minutes=20, time_zone="America/Chicago",
    )  # fmt: skip
    assert len(plans) == 3
    actions.do_publish_slots(by=teacher, school=world.north, plans=plans, place="Room 4")
    later = actions.plan_day(
        day=start.date(), start=(start + timedelta(minutes=50)).time(),
        end=(start + timedelta(hours=2)).time(), minutes=30, time_zone="America/Chicago",
    )  # fmt: skip
    with pytest.raises(actions.ConferenceError, match="already have a meeting time"):
        actions.do_publish_slots(by=teacher, school=world.north, plans=later)
    assert ConferenceSlot.objects.filter(teacher=teacher).count() == 3
    with pytest.raises(actions.ConferenceError, match="between 5 and 240"):
        actions.plan_day(
            day=start.date(), start=start.time(), end=start.time(), minutes=2,
            time_zone="America/Chicago",
        )  # fmt: skip
