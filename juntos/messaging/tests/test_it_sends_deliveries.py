"""Workers claim deliveries, send them once, back off, fall back, and honour opt-outs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from conftest import World
from juntos.messaging import actions
from juntos.messaging.channels.base import OutboundMessage, Outcome, SendResult
from juntos.messaging.models import Delivery, OutboxEntry
from juntos.people import models as m


class ScriptedAdapter:
    """Answers each send with the next outcome of its script, and records what it got."""

    name = "scripted"

    def __init__(self, outcomes: list[Outcome]) -> None:
        self.outcomes = outcomes
        self.sent: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> SendResult:
        self.sent.append(message)
        outcome = self.outcomes.pop(0) if self.outcomes else Outcome.SENT
        return SendResult(outcome=outcome, provider_id=f"P{len(self.sent)}", error=str(outcome))


@pytest.fixture
def rosa(world: World) -> m.Caregiver:
    """A Spanish-speaking family reachable by SMS, then email."""
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value="+15555550101", sms_capable=True
    )
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="email", value="rosa@example.org"
    )
    return world.north_family


@pytest.fixture
def pending(world: World, rosa: m.Caregiver) -> Iterator[Delivery]:
    """Rosa's SMS delivery of an announcement to her child's class, not yet sent (the test
    transaction never commits, so the fan-out's tasks do not run)."""
    leader = m.Staff.objects.get(user=world.personas["teacher"])
    announcement = actions.do_send_announcement(
        by=leader,
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        body="Picture day is Friday.",
        source_language="en",
    )
    yield Delivery.objects.get(message__announcement=announcement)


def script(monkeypatch: Any, outcomes: list[Outcome]) -> ScriptedAdapter:
    adapter = ScriptedAdapter(outcomes)
    monkeypatch.setattr(actions, "adapter_for", lambda channel: adapter)
    return adapter


def test_it_sends_through_the_local_outbox_once(pending: Delivery) -> None:
    assert actions.do_send_deliveries(ids=[pending.pk]) == {"delivered": 1}
    assert actions.do_send_deliveries(ids=[pending.pk]) == {}
    pending.refresh_from_db()
    entry = OutboxEntry.objects.get()
    assert (pending.status, pending.provider_id) == ("delivered", str(entry.pk))
    assert (entry.channel, entry.to, entry.language) == ("sms", "+15555550101", "es")
    assert entry.idempotency_key == pending.idempotency_key


def test_a_claim_is_exclusive(pending: Delivery) -> None:
    now = timezone.now()
    first = actions._claim([pending.pk], now)
    second = actions._claim([pending.pk], now + timedelta(milliseconds=1))
    assert [d.pk for d in first] == [pending.pk]
    assert second == []
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == ("sending", 1)


def test_a_transient_failure_backs_off_then_fails_over(pending: Delivery, monkeypatch: Any) -> None:
    adapter = script(monkeypatch, [Outcome.RETRY] * 6)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert actions.do_send_deliveries(ids=[pending.pk]) == {"retry": 1}
        pending.refresh_from_db()
        assert pending.status == "pending"
        assert pending.next_attempt_at == start + timedelta(seconds=60)  # 2^1 x 30 s
        # Not due yet: nobody claims it.
        assert actions.do_send_deliveries(ids=[pending.pk]) == {}
        delays = []
        for _ in range(5):
            clock.move_to(pending.next_attempt_at)
            previous = pending.next_attempt_at
            actions.do_send_deliveries(ids=[pending.pk])
            pending.refresh_from_db()
            if pending.next_attempt_at != previous and pending.status == "pending":
                delays.append((pending.next_attempt_at - previous).total_seconds())
    assert delays == [120, 240, 480, 960]
    # The sixth transient failure is final: the family's next channel takes over.
    assert (pending.status, pending.attempts) == ("failed", 6)
    fallback = Delivery.objects.get(fallback_of=pending)
    assert (fallback.channel, fallback.to, fallback.language) == (
        "email",
        "rosa@example.org",
        "es",
    )
    assert len(adapter.sent) == 6


def test_the_backoff_is_capped_at_an_hour() -> None:
    assert actions._backoff(10) == timedelta(hours=1)
    assert actions._backoff(1) == timedelta(seconds=60)


def test_a_permanent_failure_moves_to_the_next_channel(
    pending: Delivery, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    adapter = script(monkeypatch, [Outcome.FAILED, Outcome.SENT])
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_send_deliveries(ids=[pending.pk])
    pending.refresh_from_db()
    assert pending.status == "failed"
    fallback = Delivery.objects.get(fallback_of=pending)
    assert fallback.idempotency_key == f"d{pending.message_id}-{pending.caregiver_id}-email"
    assert (fallback.status, fallback.provider_id) == ("sent", "P2")
    assert [s.to for s in adapter.sent] == ["+15555550101", "rosa@example.org"]
    assert adapter.sent[1].language == "es"


def test_an_opt_out_after_fan_out_is_honoured(
    pending: Delivery, rosa: m.Caregiver, monkeypatch: Any
) -> None:
    adapter = script(monkeypatch, [])
    m.ContactPoint.objects.filter(value="+15555550101").update(opted_out_at=timezone.now())
    assert actions.do_send_deliveries(ids=[pending.pk]) == {"skipped": 1}
    pending.refresh_from_db()
    assert (pending.status, pending.skip_reason) == ("skipped", actions.OPTED_OUT)
    assert [s.to for s in adapter.sent] == []
    # Email was not opted out: it becomes the way to reach her.
    assert Delivery.objects.get(fallback_of=pending).channel == "email"


def test_a_link_closed_after_fan_out_stops_the_send(pending: Delivery, monkeypatch: Any) -> None:
    adapter = script(monkeypatch, [])
    m.CaregiverLink.objects.filter(caregiver_id=pending.caregiver_id).update(may_contact=False)
    assert actions.do_send_deliveries(ids=[pending.pk]) == {"skipped": 1}
    pending.refresh_from_db()
    assert (pending.status, pending.skip_reason) == ("skipped", actions.MAY_NOT_CONTACT)
    assert adapter.sent == []
    assert not Delivery.objects.filter(fallback_of=pending).exists()


def test_an_adapter_that_raises_is_retried(pending: Delivery, monkeypatch: Any) -> None:
    class Broken:
        name = "broken"

        def send(self, message: OutboundMessage) -> SendResult:
            raise ConnectionError("network down")

    monkeypatch.setattr(actions, "adapter_for", lambda channel: Broken())
    assert actions.do_send_deliveries(ids=[pending.pk]) == {"retry": 1}
    pending.refresh_from_db()
    assert (pending.status, pending.error) == ("pending", "ConnectionError")


def test_the_sweeper_reclaims_stuck_rows_and_queues_due_ones(
    pending: Delivery, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        actions._claim([pending.pk], start)  # a worker claims it, then dies
        clock.move_to(start + timedelta(minutes=5))
        assert actions.do_sweep_deliveries() == 0  # still within its deadline
        clock.move_to(start + timedelta(minutes=11))
        with django_capture_on_commit_callbacks(execute=True):
            # Reclaimed, but touched now: queued by a later sweep, not this one.
            assert actions.do_sweep_deliveries() == 1
        pending.refresh_from_db()
        assert pending.status == "pending"
        clock.move_to(start + timedelta(minutes=13))
        with django_capture_on_commit_callbacks(execute=True):
            assert actions.do_sweep_deliveries() == 1
            assert actions.do_sweep_deliveries() == 0  # just queued: left to that task
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == ("delivered", 2)
    assert OutboxEntry.objects.count() == 1


def test_the_sweeper_is_registered() -> None:
    from juntos.worker import SWEEPERS

    assert "juntos.messaging.actions.do_sweep_deliveries" in SWEEPERS


def test_a_fallback_waits_for_the_family_window(
    pending: Delivery, rosa: m.Caregiver, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    adapter = script(monkeypatch, [Outcome.FAILED])
    # Set after fan-out: a window of one minute a week, never now.
    m.ContactWindow.objects.create(caregiver=rosa, weekdays=[7], start="03:00", end="03:01")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_send_deliveries(ids=[pending.pk])
    fallback = Delivery.objects.get(fallback_of=pending)
    assert fallback.status == "pending"
    assert fallback.not_before > timezone.now()
    assert len(adapter.sent) == 1
