"""The database refuses events without a learning statement, backwards times and duplicates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from conftest import World
from juntos.events.models import Attendance, Event, Invitation, Rsvp, TimeOption
from juntos.events.tests.helpers import START, make_event, staff
from juntos.messaging.actions import InputError


def test_an_event_must_say_how_it_supports_learning(world: World) -> None:
    with pytest.raises(InputError) as caught:
        make_event(world, learning_statement="   ")
    assert "learning_statement" in caught.value.errors
    event = make_event(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(learning_statement="  \n ")


def test_a_time_option_ends_after_it_starts(world: World) -> None:
    event = make_event(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeOption.objects.create(event=event, starts_at=START, ends_at=START)
    with pytest.raises(InputError) as caught:
        make_event(world, options=0)
    assert "time_options" in caught.value.errors


def test_one_invitation_one_answer_and_one_attendance_per_family(world: World) -> None:
    event = make_event(world)
    family = world.north_family
    Invitation.objects.create(event=event, caregiver=family)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(event=event, caregiver=family)
    Rsvp.objects.create(event=event, caregiver=family, answer="yes", channel="staff")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.create(event=event, caregiver=family, answer="no", channel="staff")
    leader = staff(world, "school_leader")
    Attendance.objects.create(event=event, caregiver=family, recorded_by=leader)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(event=event, caregiver=family, recorded_by=leader)
    # Walk-ins have no caregiver: any number of them, but each with a name.
    Attendance.objects.create(event=event, walk_in_name="Luis", recorded_by=leader)
    Attendance.objects.create(event=event, walk_in_name="Luis", recorded_by=leader)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(event=event, recorded_by=leader)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.filter(event=event).update(childcare_children=-1)
    assert START + timedelta(minutes=90) == event.time_options.get().ends_at
