"""The day before a meeting the family is reminded once, in their language."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from juntos.conferences import actions
from juntos.conferences.models import Booking
from juntos.conferences.tests.helpers import slot, staff_of
from juntos.messaging.models import Delivery, MessageRendition
from juntos.people import models as m
from juntos.worker import SWEEPERS

CHICAGO = ZoneInfo("America/Chicago")
MEETING = datetime(2026, 12, 3, 15, 0, tzinfo=CHICAGO)


def test_it_reminds_the_day_before_and_only_once(world: Any) -> None:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value="+15555550124", sms_capable=True
    )
    with time_machine.travel(MEETING - timedelta(days=3), tick=False):
        wanted = slot(staff_of(world, "teacher"), world.north, MEETING)
        actions.do_book_slot(
            caregiver=world.north_family, slot_id=wanted.pk,
            student_id=world.north_student.pk, via="portal",
        )  # fmt: skip
        assert actions.do_send_conference_reminders() == 0
    with time_machine.travel(MEETING - timedelta(hours=20), tick=False):
        assert actions.do_send_conference_reminders() == 1
        assert actions.do_send_conference_reminders() == 0
    with time_machine.travel(MEETING - timedelta(hours=2), tick=False):
        assert actions.do_send_conference_reminders() == 0
    rendition = MessageRendition.objects.get(language="es")
    assert rendition.text.startswith("Recordatorio: su reunión con Staff")
    assert "3 de diciembre de 2026" in rendition.text
    assert "Room 4" in rendition.text
    assert Delivery.objects.get().channel == "sms"
    assert Booking.objects.get().reminded_at == MEETING - timedelta(hours=20)


def test_cancelled_meetings_are_not_reminded(world: Any) -> None:
    with time_machine.travel(MEETING - timedelta(days=3), tick=False):
        wanted = slot(staff_of(world, "teacher"), world.north, MEETING)
        booking = actions.do_book_slot(
            caregiver=world.north_family, slot_id=wanted.pk,
            student_id=world.north_student.pk, via="portal",
        )  # fmt: skip
        actions.do_cancel_booking(booking=booking)
    with time_machine.travel(MEETING - timedelta(hours=20), tick=False):
        assert actions.do_send_conference_reminders() == 0


def test_the_embedded_worker_sends_reminders() -> None:
    assert "juntos.conferences.actions.do_send_conference_reminders" in SWEEPERS
