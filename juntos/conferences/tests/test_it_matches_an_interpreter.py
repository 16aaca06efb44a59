"""A family who needs an interpreter gets a free liaison of the school who speaks their
language, least booked first; with none free the booking stands, flagged for the school."""

from __future__ import annotations

from typing import Any

import pytest

from juntos.conferences import actions
from juntos.conferences.models import Booking
from juntos.conferences.tests.helpers import (
    slot,
    staff_of,
    tomorrow_at,
    vietnamese_family,
    vietnamese_liaison,
)
from juntos.people import models as m
from juntos.testing import factories as f


def book(world: Any, caregiver: m.Caregiver, student: m.Student, start_hour: int) -> Booking:
    wanted = slot(staff_of(world, "teacher"), world.north, tomorrow_at(start_hour))
    return actions.do_book_slot(
        caregiver=caregiver, slot_id=wanted.pk, student_id=student.pk, via="portal"
    )


def test_a_family_whose_language_the_teacher_speaks_needs_no_interpreter(world: Any) -> None:
    teacher = staff_of(world, "teacher")
    teacher.languages = ["en", "es"]
    teacher.save(update_fields=["languages"])
    booking = book(world, world.north_family, world.north_student, 15)
    assert (booking.interpreter_id, booking.interpreter_language) == (None, "")


def test_a_family_who_asked_for_one_gets_one_even_if_the_teacher_speaks_it(world: Any) -> None:
    teacher = staff_of(world, "teacher")
    teacher.languages = ["es"]
    teacher.save(update_fields=["languages"])
    world.north_family.needs_interpretation = True
    world.north_family.save(update_fields=["needs_interpretation"])
    booking = book(world, world.north_family, world.north_student, 15)
    assert booking.interpreter == staff_of(world, "liaison")
    assert booking.interpreter_language == "es"


def test_it_picks_the_liaison_who_speaks_the_language_and_is_least_booked(world: Any) -> None:
    family = vietnamese_family(world)
    busy = vietnamese_liaison(world, "busy_vi")
    idle = vietnamese_liaison(world, "idle_vi")
    # Another school's Vietnamese liaison is never chosen for North.
    f.staff_with_role(
        m.Role.LIAISON, school=world.south, username="south_vi", district=world.district,
        languages=("vi",),
    )  # fmt: skip
    other = slot(staff_of(world, "other_teacher"), world.north, tomorrow_at(9, days=2))
    Booking.objects.create(
        slot=other, caregiver=world.south_family, student=world.south_student,
        interpreter=busy, interpreter_language="vi", starts_at=other.starts_at,
        ends_at=other.ends_at, created_via="staff",
    )  # fmt: skip
    booking = book(world, family, world.north_student_2, 15)
    assert booking.interpreter == idle
    assert booking.interpreter_language == "vi"


def test_a_liaison_busy_at_that_time_is_skipped_and_none_free_flags_the_booking(
    world: Any,
) -> None:
    family = vietnamese_family(world)
    only = vietnamese_liaison(world)
    elsewhere = slot(staff_of(world, "liaison"), world.north, tomorrow_at(15, 10))
    Booking.objects.create(
        slot=elsewhere, caregiver=world.south_family, student=world.south_student,
        interpreter=only, interpreter_language="vi", starts_at=elsewhere.starts_at,
        ends_at=elsewhere.ends_at, created_via="staff",
    )  # fmt: skip
    booking = book(world, family, world.north_student_2, 15)
    assert booking.interpreter is None
    assert booking.interpreter_language == "vi"
    assert booking.needs_interpreter_flag


def test_a_dari_family_is_not_given_a_persian_speaker(world: Any) -> None:
    world.north_family.preferred_language = "fa-AF"
    world.north_family.save(update_fields=["preferred_language"])
    f.staff_with_role(
        m.Role.LIAISON, school=world.north, username="farsi", district=world.district,
        languages=("fa",),
    )  # fmt: skip
    dari = f.staff_with_role(
        m.Role.LIAISON, school=world.north, username="dari", district=world.district,
        languages=("fa-AF",),
    )  # fmt: skip
    booking = book(world, world.north_family, world.north_student, 15)
    assert booking.interpreter == dari


@pytest.mark.parametrize(
    ("family_language", "teacher_languages", "expected"),
    [("es", [], "es"), ("en", [], ""), ("es-MX", ["es"], ""), ("vi", ["en", "es"], "vi")],
)
def test_it_knows_when_an_interpreter_is_needed(
    world: Any, family_language: str, teacher_languages: list[str], expected: str
) -> None:
    caregiver = m.Caregiver(district=world.district, preferred_language=family_language)
    teacher = m.Staff(district=world.district, languages=teacher_languages)
    assert actions.interpreter_language_for(caregiver, teacher, world.district) == expected
