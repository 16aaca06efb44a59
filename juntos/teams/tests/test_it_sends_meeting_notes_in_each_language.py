"""After a meeting the notes go to every family member of the team, each in their language:
the template's words from the library, the staff's own words through the translation pipeline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from conftest import World
from juntos.language.actions import do_remember_translation
from juntos.language.models import Method, Status
from juntos.messaging.models import Delivery, OutboxEntry
from juntos.people import models as m
from juntos.teams.actions import TeamError, do_end_meeting, do_send_minutes, do_start_meeting
from juntos.teams.tests.helpers import room, staff

T0 = datetime(2026, 10, 6, 23, 0, tzinfo=UTC)  # 18:00 in Chicago
NOTES = "We chose Saturday mornings for family nights."
NOTES_ES = "Elegimos los sábados por la mañana para las noches familiares."


def test_notes_reach_each_family_member_in_their_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    m.ContactPoint.objects.create(caregiver=world.north_family, kind="phone",
                                  value="+15555550101", sms_capable=True)  # fmt: skip
    m.ContactPoint.objects.create(caregiver=world.north_family_2, kind="phone",
                                  value="+15555550102", sms_capable=True)  # fmt: skip
    do_remember_translation(
        district_id=world.district.pk, source_language="en", target_language="es",
        source_text=NOTES, target_text=NOTES_ES, method=Method.HUMAN, status=Status.REVIEWED,
    )  # fmt: skip
    r = room(world, T0)
    leader = staff(world, "school_leader")
    do_start_meeting(meeting=r.meeting, now=T0)
    with pytest.raises(TeamError) as early:
        do_send_minutes(meeting=r.meeting, by=leader, text=NOTES)
    assert early.value.code == "not_ended"
    do_end_meeting(meeting=r.meeting, now=T0)

    with django_capture_on_commit_callbacks(execute=True):
        assert do_send_minutes(meeting=r.meeting, by=leader, text=NOTES) == 2
    r.meeting.refresh_from_db()
    assert r.meeting.minutes == NOTES

    rosa = OutboxEntry.objects.get(to="+15555550101")
    assert rosa.language == "es"
    assert rosa.body.startswith("Notas de la reunión de North partnership team del 6 de octubre")
    assert NOTES_ES in rosa.body
    # No Vietnamese translation of the staff's words exists and no machine is configured: the
    # delivery to Lan waits for a person (the translation queue) or goes out with the notice,
    # by the district's policy; either way it is recorded, never silently dropped.
    lan = Delivery.objects.get(caregiver=world.north_family_2)
    assert lan.language in {"vi", "en"}
    assert Delivery.objects.filter(caregiver__isnull=False).count() == 2
