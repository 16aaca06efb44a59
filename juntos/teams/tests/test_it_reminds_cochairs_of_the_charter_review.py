"""When the charter's review date comes, the cochairs are reminded once: a family cochair in
her language through the reach pipeline, staff by email; the charter page shows it is due."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.core import mail
from django.test import Client

from conftest import World
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m
from juntos.teams.actions import do_remind_charter_reviews, do_set_charter
from juntos.teams.tests.helpers import room
from juntos.worker import SWEEPERS

T0 = datetime(2026, 10, 6, 23, 0, tzinfo=UTC)


def test_cochairs_are_reminded_once_per_review_date(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    m.ContactPoint.objects.create(caregiver=world.north_family, kind="phone",
                                  value="+15555550101", sms_capable=True)  # fmt: skip
    r = room(world, T0)  # Rosa is a cochair
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    leader.email = "leader@north.example.org"
    leader.save(update_fields=["email"])
    do_set_charter(team=r.team, mission="Every family a partner", review_on=date(2027, 1, 15))

    assert do_remind_charter_reviews(today=date(2027, 1, 14)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert do_remind_charter_reviews(today=date(2027, 1, 15)) == 1
    rosa = OutboxEntry.objects.get(to="+15555550101")
    assert rosa.language == "es"
    assert rosa.body.startswith("Recordatorio para quienes copresiden North partnership team")
    assert "15 de enero de 2027" in rosa.body
    assert [e.to for e in mail.outbox] == [["leader@north.example.org"]]

    # Run again (another sweeper, the next hour): nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert do_remind_charter_reviews(today=date(2027, 1, 16)) == 0
    assert OutboxEntry.objects.filter(to="+15555550101").count() == 1
    # A new review date reminds again when it comes.
    do_set_charter(team=r.team, mission="Every family a partner", review_on=date(2027, 6, 1))
    assert do_remind_charter_reviews(today=date(2027, 6, 1)) == 1
    assert "juntos.teams.actions.do_remind_charter_reviews" in SWEEPERS


def test_the_charter_page_says_the_review_is_due(world: World) -> None:
    r = room(world, T0)
    client = Client()
    client.force_login(world.personas["school_leader"])
    do_set_charter(team=r.team, mission="M", review_on=date(2030, 1, 1))
    assert 'id="review-due"' not in client.get(f"/teams/{r.team.pk}/charter/").content.decode()
    do_set_charter(team=r.team, mission="M", review_on=date(2020, 1, 1))
    assert 'id="review-due"' in client.get(f"/teams/{r.team.pk}/charter/").content.decode()
