"""Per caregiver: was this school year's first personal contact good news, and what is the
balance of positive notes to concerns? (juntos.messaging.positivity)"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import World
from juntos.messaging import positivity
from juntos.messaging.models import Announcement, Conversation, Delivery, Message
from juntos.people import models as m

CHICAGO = ZoneInfo("America/Chicago")  # the district's time zone (the factory's default)
Kind = Message.Kind


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CHICAGO)


def teacher(world: World) -> m.Staff:
    return m.Staff.objects.get(user=world.personas["teacher"])


def contact(
    world: World,
    kind: str,
    when: datetime,
    *,
    caregiver: m.Caregiver | None = None,
    status: str = Delivery.Status.DELIVERED,
    direction: str = Message.Direction.OUT,
) -> Message:
    caregiver = caregiver or world.north_family
    conversation, _ = Conversation.objects.get_or_create(
        caregiver=caregiver, student=world.north_student, school=world.north,
        defaults={"owner": teacher(world)},
    )  # fmt: skip
    message = Message.objects.create(
        conversation=conversation, direction=direction, kind=kind, author=teacher(world),
        body="…", language="en", created_at=when,
    )  # fmt: skip
    if direction == Message.Direction.OUT:
        Delivery.objects.create(
            message=message, caregiver=caregiver, channel="sms", language="es", status=status,
            idempotency_key=f"m{message.pk}", created_at=when,
        )  # fmt: skip
    return message


def year_of(world: World, today: date) -> positivity.SchoolYear:
    return positivity.school_year(world.district, today=today)


def of(world: World, today: date) -> positivity.CaregiverPositivity:
    year = year_of(world, today)
    return positivity.for_caregivers([world.north_family.pk], year)[world.north_family.pk]


def test_a_positive_first_contact_is_recorded_with_the_balance(world: World) -> None:
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 3))
    contact(world, Kind.PROGRESS_CONCERN, at(2026, 10, 1))
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 10, 2))
    contact(world, Kind.REPLY, at(2026, 10, 3))

    result = of(world, date(2026, 11, 25))

    assert result.first_contact_positive is True
    assert result.first_contact_at == at(2026, 9, 3)
    assert (result.balance.positive, result.balance.concern) == (2, 1)
    assert result.balance.label == "2:1"
    assert result.balance.ratio == 2.0


def test_a_concern_first_is_not_a_positive_first_contact(world: World) -> None:
    contact(world, Kind.PROGRESS_CONCERN, at(2026, 9, 3))
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 4))

    result = of(world, date(2026, 11, 25))

    assert result.first_contact_positive is False
    assert result.first_contact_kind == Kind.PROGRESS_CONCERN


def test_a_staff_reply_first_is_a_contact_that_was_not_good_news(world: World) -> None:
    # The family wrote first (inbound: not a contact from school), then the teacher answered.
    contact(world, Kind.REPLY, at(2026, 9, 1), direction=Message.Direction.IN)
    contact(world, Kind.REPLY, at(2026, 9, 2))
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 3))

    assert of(world, date(2026, 11, 25)).first_contact_positive is False


def test_announcements_are_not_personal_contact(world: World) -> None:
    announcement = Announcement.objects.create(
        district=world.district, author=teacher(world), audience_kind="school",
        body="Welcome back!", status="sent",
    )  # fmt: skip
    welcome = Message.objects.create(
        announcement=announcement, direction="out", kind=Kind.ANNOUNCEMENT, author=teacher(world),
        body="Welcome back!", language="en", created_at=at(2026, 8, 20),
    )  # fmt: skip
    Delivery.objects.create(
        message=welcome, caregiver=world.north_family, channel="sms", language="es",
        status="delivered", idempotency_key="welcome",
    )  # fmt: skip

    assert of(world, date(2026, 9, 1)).first_contact_positive is None

    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 3))
    assert of(world, date(2026, 9, 5)).first_contact_positive is True


def test_a_note_that_never_reached_the_family_does_not_count(world: World) -> None:
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 1), status=Delivery.Status.SKIPPED)
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 2), status=Delivery.Status.FAILED)
    contact(world, Kind.PROGRESS_CONCERN, at(2026, 9, 3), status=Delivery.Status.PENDING)

    result = of(world, date(2026, 11, 25))

    # The concern is on its way (waiting for the family's contact window): it counts.
    assert result.first_contact_positive is False
    assert (result.balance.positive, result.balance.concern) == (0, 1)


def test_without_a_roster_year_the_school_year_starts_on_august_first(world: World) -> None:
    contact(world, Kind.PROGRESS_CONCERN, at(2026, 7, 31, hour=23))  # last evening of the year

    with time_machine.travel(at(2026, 7, 31, hour=23), tick=False):
        year = positivity.school_year(world.district)
        assert (year.start, year.end, year.from_roster) == (
            date(2025, 8, 1), date(2026, 7, 31), False,
        )  # fmt: skip
        assert of_now(world).first_contact_kind == Kind.PROGRESS_CONCERN

    # Midnight in Chicago (05:00 UTC): a new year, and a clean slate.
    with time_machine.travel(at(2026, 8, 1, hour=0), tick=False):
        year = positivity.school_year(world.district)
        assert (year.start, year.end) == (date(2026, 8, 1), date(2027, 7, 31))
        assert of_now(world).first_contact_positive is None


def of_now(world: World) -> positivity.CaregiverPositivity:
    year = positivity.school_year(world.district)
    return positivity.for_caregivers([world.north_family.pk], year)[world.north_family.pk]


def test_the_rosters_school_year_sets_the_boundaries(world: World) -> None:
    m.AcademicSession.objects.create(
        district=world.district, title="2026-2027", kind="schoolYear",
        start_date=date(2026, 8, 17), end_date=date(2027, 6, 4), school_year=2027,
    )  # fmt: skip
    contact(world, Kind.PROGRESS_CONCERN, at(2026, 8, 14))  # summer, before the year began
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 8, 17, hour=0))  # its first minute

    with time_machine.travel(at(2026, 9, 1), tick=False):
        year = positivity.school_year(world.district)
        assert (year.start, year.end, year.from_roster) == (
            date(2026, 8, 17), date(2027, 6, 4), True,
        )  # fmt: skip
        result = of_now(world)
        assert result.first_contact_positive is True
        assert (result.balance.positive, result.balance.concern) == (1, 0)

    # In the summer gap no roster year contains today: the August 1 rule applies.
    with time_machine.travel(at(2027, 6, 20), tick=False):
        assert positivity.school_year(world.district).from_roster is False


def test_teachers_and_schools_have_a_balance(world: World) -> None:
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 1))
    contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 2), caregiver=world.north_family_2)
    contact(world, Kind.PROGRESS_CONCERN, at(2026, 9, 3))
    contact(world, Kind.REPLY, at(2026, 9, 4))
    year = year_of(world, date(2026, 11, 25))

    assert positivity.teacher_balance(teacher(world).pk, year) == positivity.Balance(2, 1)
    assert positivity.school_balance(world.north.pk, year) == positivity.Balance(2, 1)
    assert positivity.school_balance(world.south.pk, year) == positivity.Balance(0, 0)
    assert positivity.Balance(3, 0).ratio is None


def test_summarize_breaks_ties_in_time_by_the_message_written_first() -> None:
    when = at(2026, 9, 1)
    rows = [(7, Kind.PROGRESS_CONCERN, when, 12), (7, Kind.PROGRESS_POSITIVE, when, 11)]

    result = positivity.summarize(rows)

    assert result[7].first_contact_positive is True
    assert result[7].balance == positivity.Balance(1, 1)


@pytest.mark.parametrize("heard_by", ["rosa", "nobody"])
def test_a_student_is_without_positive_until_a_contactable_caregiver_hears_good_news(
    world: World, heard_by: str
) -> None:
    father = m.Caregiver.objects.create(
        district=world.district, given_name="Luis", preferred_language="es"
    )
    m.CaregiverLink.objects.create(
        caregiver=father, student=world.north_student, relationship="father"
    )
    if heard_by == "rosa":
        contact(world, Kind.PROGRESS_POSITIVE, at(2026, 9, 1))
    year = year_of(world, date(2026, 11, 25))

    without = positivity.students_without_positive(
        [world.north_student.pk, world.north_student_2.pk], year
    )

    assert (world.north_student.pk in without) is (heard_by == "nobody")
    assert world.north_student_2.pk in without
