"""No double booking of a slot, a teacher or an interpreter: the database refuses it.

PostgreSQL only: the exclusion constraints do not exist on SQLite (docs/conferences.md).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from juntos.conferences import actions
from juntos.conferences.models import Booking, ConferenceSlot
from juntos.conferences.tests.helpers import slot, staff_of, tomorrow_at, vietnamese_liaison
from juntos.people import models as m
from juntos.testing import factories as f

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="exclusion constraints need PostgreSQL"
)

PARALLEL = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_bookings_of_one_slot_make_exactly_one(world: Any) -> None:
    teacher = staff_of(world, "teacher")
    wanted = slot(teacher, world.north, tomorrow_at(15))
    families = []
    for n in range(PARALLEL):
        student = f.student(district=world.district, given_name=f"Kid{n}")
        f.enroll(student, world.north_class)
        caregiver = f.caregiver(district=world.district, preferred_language="en")
        f.link(caregiver, student)
        families.append((caregiver, student.pk))
    barrier = threading.Barrier(PARALLEL)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(caregiver: m.Caregiver, student_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            actions.do_book_slot(
                caregiver=caregiver, slot_id=wanted.pk, student_id=student_id, via="portal"
            )
            outcome = "booked"
        except actions.SlotTakenError:
            outcome = "taken"
        except Exception as exc:  # reported in the assertion below
            outcome = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()  # each thread had its own connection
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=family) for family in families]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["booked"] + ["taken"] * (PARALLEL - 1)
    assert Booking.objects.filter(slot=wanted, status="booked").count() == 1


@pytest.mark.django_db
def test_overlapping_slots_of_one_teacher_are_refused_even_without_the_action(
    world: Any,
) -> None:
    teacher = staff_of(world, "teacher")
    slot(teacher, world.north, tomorrow_at(15), minutes=30)
    # Back to back is fine: the range is half-open.
    slot(teacher, world.north, tomorrow_at(15, 30))
    # Another teacher at the same time is fine too.
    slot(staff_of(world, "other_teacher"), world.south, tomorrow_at(15))
    with (
        pytest.raises(IntegrityError, match="conference_slot_teacher_no_overlap"),
        transaction.atomic(),
    ):
        slot(teacher, world.north, tomorrow_at(15, 10))
    assert ConferenceSlot.objects.filter(teacher=teacher).count() == 2


@pytest.mark.django_db
def test_a_second_active_booking_of_a_slot_is_refused_but_a_cancelled_one_is_not(
    world: Any,
) -> None:
    teacher = staff_of(world, "teacher")
    wanted = slot(teacher, world.north, tomorrow_at(15))
    fields = {
        "slot": wanted,
        "caregiver": world.north_family,
        "student": world.north_student,
        "starts_at": wanted.starts_at,
        "ends_at": wanted.ends_at,
        "created_via": "staff",
    }
    Booking.objects.create(**fields, status="cancelled")
    Booking.objects.create(**fields)
    with (
        pytest.raises(IntegrityError, match="conference_booking_one_per_slot"),
        transaction.atomic(),
    ):
        Booking.objects.create(**fields)


@pytest.mark.django_db
def test_an_interpreter_cannot_be_in_two_overlapping_meetings(world: Any) -> None:
    interpreter = vietnamese_liaison(world)
    first = slot(staff_of(world, "teacher"), world.north, tomorrow_at(15), minutes=30)
    second_teacher = f.staff_with_role(
        m.Role.TEACHER, school=world.north, username="t2", district=world.district
    )
    second = slot(second_teacher, world.north, tomorrow_at(15, 15), minutes=30)

    def booking(on: ConferenceSlot, **extra: Any) -> Booking:
        return Booking.objects.create(
            slot=on,
            caregiver=world.north_family_2,
            student=world.north_student_2,
            starts_at=on.starts_at,
            ends_at=on.ends_at,
            created_via="staff",
            interpreter_language="vi",
            **extra,
        )

    booking(first, interpreter=interpreter)
    with (
        pytest.raises(IntegrityError, match="conference_interpreter_no_overlap"),
        transaction.atomic(),
    ):
        booking(second, interpreter=interpreter)
    # Without an interpreter (flagged for the school) it fits; once the first meeting is
    # cancelled the interpreter is free for the second.
    second_booking = booking(second, interpreter=None)
    Booking.objects.filter(slot=first).update(status="cancelled")
    Booking.objects.filter(pk=second_booking.pk).update(interpreter=interpreter)
    assert list(
        Booking.objects.filter(interpreter=interpreter, status="booked").values_list(
            "slot", flat=True
        )
    ) == [second.pk]
