"""A scheduled announcement stays a draft until its time, then the minute task sends it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import World
from juntos.celery import app
from juntos.messaging import actions
from juntos.messaging.models import Announcement, Delivery
from juntos.messaging.tests.announcement_world import client_as, room4_family
from juntos.people.models import StaffRole


def schedule(world: World, persona: str, at: Any) -> Announcement:
    local = at.astimezone(ZoneInfo(world.district.time_zone)).strftime("%Y-%m-%dT%H:%M")
    response = client_as(world, persona).post(
        reverse("messaging:announcement_new"),
        {"audience": f"section:{world.north_class.pk}", "body": "Early release Friday.",
         "source_language": "en", "when": "later", "scheduled_for": local},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    return Announcement.objects.get()


def test_it_sends_a_scheduled_announcement_when_due(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    room4_family(world, "Rosa", "es", phone="+15555550501")
    at = (timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    announcement = schedule(world, "school_leader", at)
    leader = client_as(world, "school_leader")
    page = leader.get(reverse("messaging:announcement_detail", args=[announcement.pk]))
    assert "Scheduled for" in page.content.decode()
    assert "Keep it scheduled" in page.content.decode()

    # The button keeps it scheduled: nothing is sent before its time.
    leader.post(reverse("messaging:announcement_send", args=[announcement.pk]))
    assert actions.do_send_due_announcements() == 0
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT
    assert not Delivery.objects.exists()

    with time_machine.travel(at + timedelta(seconds=30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert actions.do_send_due_announcements() == 1
        assert actions.do_send_due_announcements() == 0  # once
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered", "skipped"}
    assert "messaging.send_due_announcements" in app.tasks


def test_it_does_not_send_for_someone_who_lost_the_right(world: World) -> None:
    at = timezone.now() + timedelta(hours=1)
    announcement = schedule(world, "teacher", at)
    StaffRole.objects.filter(staff__user=world.personas["teacher"]).delete()
    world.personas["teacher"].staff.assignments.all().delete()
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assert actions.do_send_due_announcements() == 0
    announcement.refresh_from_db()
    assert (announcement.status, announcement.scheduled_for) == ("draft", None)
    assert not Delivery.objects.exists()
