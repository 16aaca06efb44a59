"""A family message unanswered past the school's follow-up target is flagged to its owner,
and after twice the target to the school leader; a staff reply clears the flags."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from conftest import World
from juntos.messaging import actions
from juntos.messaging.inbox_actions import do_flag_unanswered
from juntos.messaging.models import Conversation
from juntos.messaging.tests.inbox_helpers import (
    client_as,
    conversation_of,
    give_phone,
    sign,
    staff,
    text_in,
)
from juntos.people import models as m

CHICAGO = ZoneInfo("America/Chicago")
FRIDAY_3PM = datetime(2026, 11, 20, 15, 0, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def fresh_notices() -> None:
    """Staff notices remember what they sent in the cache (one email per message and person);
    on SQLite a rolled-back test's ids come back, so each test starts with nothing sent."""
    cache.clear()


@pytest.fixture
def waiting(settings: Any, world: World) -> Conversation:
    """Rosa texted on Friday at 15:00; her conversation belongs to Room 4's teacher."""
    sign(settings)
    give_phone(world.north_family)
    with time_machine.travel(FRIDAY_3PM, tick=False):
        return conversation_of(text_in())


def sweep(at: datetime, capture: Any) -> int:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return do_flag_unanswered()


def test_the_owner_then_the_leader_are_told_counting_school_days_only(
    world: World, waiting: Conversation, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    # Monday 15:00: one school day (Friday evening and Monday); the weekend does not count.
    assert sweep(FRIDAY_3PM + timedelta(days=3), capture) == 0
    assert sweep(FRIDAY_3PM + timedelta(days=4), capture) == 0  # Tuesday 15:00: exactly two
    tuesday_later = FRIDAY_3PM + timedelta(days=4, minutes=30)
    assert sweep(tuesday_later, capture) == 1
    waiting.refresh_from_db()
    assert waiting.flagged_owner_at == tuesday_later and waiting.flagged_leader_at is None
    assert [message.to for message in mail.outbox] == [[world.personas["teacher"].email]]
    assert mail.outbox[0].subject == "A family is waiting for your answer"
    assert "more than 2 school days" in mail.outbox[0].body
    # A second sweep tells nobody again.
    assert sweep(tuesday_later + timedelta(minutes=5), capture) == 0
    assert len(mail.outbox) == 1
    # Thursday 15:30: four school days and a half-hour — twice the target: the leader hears.
    assert sweep(FRIDAY_3PM + timedelta(days=6, minutes=30), capture) == 1
    waiting.refresh_from_db()
    assert waiting.flagged_leader_at is not None
    assert mail.outbox[1].to == [world.personas["school_leader"].email]
    assert "The conversation's owner is" in mail.outbox[1].body
    assert "médico" not in mail.outbox[1].body


def test_the_flags_show_in_the_inbox_and_a_reply_clears_them(
    world: World, waiting: Conversation, django_capture_on_commit_callbacks: Any
) -> None:
    sweep(FRIDAY_3PM + timedelta(days=7), django_capture_on_commit_callbacks)
    page = client_as(world, "teacher").get(reverse("messaging:inbox")).content.decode()
    assert "Flagged to the school leader" in page
    actions.do_send_conversation_message(
        by=staff(world, "teacher"), conversation=waiting, body="I am sorry for the delay."
    )
    waiting.refresh_from_db()
    assert (waiting.flagged_owner_at, waiting.flagged_leader_at) == (None, None)
    page = client_as(world, "teacher").get(reverse("messaging:inbox")).content.decode()
    assert "Flagged" not in page and "Past the follow-up target</strong>" not in page


def test_a_school_with_a_one_day_target_flags_sooner(
    world: World, waiting: Conversation, django_capture_on_commit_callbacks: Any
) -> None:
    m.School.objects.filter(pk=world.north.pk).update(follow_up_school_days=1)
    assert sweep(FRIDAY_3PM + timedelta(days=3, minutes=1), django_capture_on_commit_callbacks)
    waiting.refresh_from_db()
    assert waiting.flagged_owner_at is not None and waiting.flagged_leader_at is None


def test_a_conversation_nobody_owns_goes_to_the_leaders_at_once(
    world: World, waiting: Conversation, django_capture_on_commit_callbacks: Any
) -> None:
    Conversation.objects.filter(pk=waiting.pk).update(owner=None)
    sweep(FRIDAY_3PM + timedelta(days=5), django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [[world.personas["school_leader"].email]]
    assert mail.outbox[0].subject == "A family is waiting for your answer"


def test_closed_and_answered_conversations_are_never_flagged(
    world: World, waiting: Conversation, django_capture_on_commit_callbacks: Any
) -> None:
    Conversation.objects.filter(pk=waiting.pk).update(status="closed")
    assert sweep(FRIDAY_3PM + timedelta(days=14), django_capture_on_commit_callbacks) == 0
    assert not mail.outbox


def test_with_no_mail_server_configured_the_flag_is_the_notice(
    world: World,
    waiting: Conversation,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The embedded default: no EMAIL_URL, Django's SMTP backend pointed at nothing.
    settings.EMAIL_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = 1  # a connection attempt would fail and be logged as an error
    with caplog.at_level("INFO", logger="juntos.messaging.inbox_actions"):
        assert sweep(FRIDAY_3PM + timedelta(days=5), django_capture_on_commit_callbacks) == 1
    assert "not emailed" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    waiting.refresh_from_db()
    assert waiting.flagged_owner_at is not None
