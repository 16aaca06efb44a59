"""The life of an event after the invitations: a family moved up from the waiting list is told,
families who said yes are reminded the day before (once), and a cancelled event is announced to
every invited family who had not said no — each in their language, through the reach pipeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.events.actions import (
    do_cancel_event,
    do_record_rsvp,
    do_send_event_reminders,
)
from juntos.events.models import Rsvp
from juntos.events.tests.helpers import (
    START,
    TITLE_ES,
    invite_class,
    make_event,
    remember_spanish,
    sms_phone,
    staff,
)
from juntos.messaging.actions import InputError
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m
from juntos.testing import factories as f
from juntos.worker import SWEEPERS

ROSA = "+15555550101"
MARTA = "+15555550177"


def marta(world: World) -> m.Caregiver:
    caregiver = f.caregiver(district=world.district, given_name="Marta", preferred_language="es")
    f.link(caregiver, world.north_student)
    sms_phone(caregiver, MARTA)
    return caregiver


def test_a_freed_place_goes_to_the_first_family_waiting_who_is_told(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    remember_spanish(world)
    sms_phone(world.north_family, ROSA)
    waiting = marta(world)
    event = make_event(world, capacity=1)
    invite_class(world, event)
    do_record_rsvp(caregiver=world.north_family, event=event, answer="yes", channel="portal")
    assert do_record_rsvp(caregiver=waiting, event=event, answer="yes", channel="sms").waitlisted
    OutboxEntry.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        do_record_rsvp(caregiver=world.north_family, event=event, answer="no", channel="portal")
    assert not Rsvp.objects.get(caregiver=waiting).waitlisted
    told = OutboxEntry.objects.get(to=MARTA)
    assert told.language == "es"
    assert told.body.startswith(f"Buenas noticias: se abrió un lugar para {TITLE_ES}")
    assert not OutboxEntry.objects.filter(to=ROSA).exists()


def test_families_who_said_yes_are_reminded_once_the_day_before(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    remember_spanish(world)
    sms_phone(world.north_family, ROSA)
    event = make_event(world)
    invite_class(world, event)
    do_record_rsvp(caregiver=world.north_family, event=event, answer="yes", channel="portal")
    OutboxEntry.objects.all().delete()
    assert do_send_event_reminders(now=START - timedelta(days=3)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert do_send_event_reminders(now=START - timedelta(hours=20)) == 1
        assert do_send_event_reminders(now=START - timedelta(hours=19)) == 0
    reminder = OutboxEntry.objects.get(to=ROSA)
    assert reminder.body.startswith(f"Recordatorio: {TITLE_ES} es el ")
    assert "Biblioteca de la escuela" in reminder.body
    assert "juntos.events.actions.do_send_event_reminders" in SWEEPERS


def test_cancelling_tells_invited_families_and_stops_answers(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    remember_spanish(world)
    sms_phone(world.north_family, ROSA)
    event = make_event(world)
    invite_class(world, event)
    OutboxEntry.objects.all().delete()
    client = Client()
    client.force_login(world.personas["school_leader"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{event.pk}/cancel/", {"reason": ""})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "cancelled"
    cancelled = OutboxEntry.objects.get(to=ROSA)
    assert cancelled.body.startswith(f"Lo sentimos: {TITLE_ES} en North Elementary el ")
    with pytest.raises(InputError):
        do_record_rsvp(caregiver=world.north_family, event=event, answer="yes", channel="portal")
    with pytest.raises(InputError):
        do_cancel_event(by=staff(world, "school_leader"), event=event)
    # A teacher does not cancel the school's events.
    teacher = Client()
    teacher.force_login(world.personas["teacher"])
    assert teacher.post(f"/events/{event.pk}/cancel/").status_code in (403, 404)
