"""The fan-out's shortcuts give what the one-family path gives.

``do_send_announcement`` reads the audience in one pass (first usable channel chosen from the
rows, one choice per pattern), computes each distinct (windows, time zone) once, writes the rows
under ids reserved beforehand (PostgreSQL) and queues those ids without reading them back, and
sends all its chunks through one commit hook. Each shortcut is checked against the plain way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import World
from juntos import tasks
from juntos.messaging import actions, fanout
from juntos.messaging import audience as aud
from juntos.messaging.models import Announcement, Delivery, Message
from juntos.messaging.windows import SendTimes, Window, next_send_time
from juntos.people import models as m
from juntos.testing import factories as f


def contact(caregiver: m.Caregiver, kind: str, value: str, **fields: Any) -> None:
    m.ContactPoint.objects.create(caregiver=caregiver, kind=kind, value=value, **fields)


def varied_families(world: World) -> list[m.Caregiver]:
    """North families whose first usable channel is easy to get wrong."""
    families: list[m.Caregiver] = []

    def family(name: str, channels: list[str], **fields: Any) -> m.Caregiver:
        caregiver = f.caregiver(
            district=world.district, given_name=name, channel_preferences=channels, **fields
        )
        f.link(caregiver, world.north_student, m.Relationship.OTHER)
        families.append(caregiver)
        return caregiver

    landline_first = family("Landline", ["sms", "voice"])
    contact(landline_first, "phone", "+15555550201")  # cannot take texts: voice on it
    contact(landline_first, "phone", "+15555550202", sms_capable=True)  # the texts go here
    stopped = family("Stopped", ["sms", "email"])
    contact(stopped, "phone", "+15555550203", sms_capable=True, opted_out_at=timezone.now())
    contact(stopped, "email", "stopped@example.org")
    everything_stopped = family("All stopped", ["sms", "email"])
    contact(everything_stopped, "phone", "+15555550204", sms_capable=True,
            opted_out_at=timezone.now())  # fmt: skip
    contact(everything_stopped, "email", "gone@example.org", opted_out_at=timezone.now())
    two_emails = family("Two emails", ["email"])
    contact(two_emails, "email", "first@example.org")
    contact(two_emails, "email", "second@example.org")
    family("No preference", [])
    portal = family("Portal", ["portal", "paper"])
    contact(portal, "email", "portal@example.org")
    voice = family("Voice", ["voice"], time_zone="Asia/Tokyo")
    contact(voice, "phone", "+15555550205", sms_capable=True)
    m.ContactWindow.objects.create(caregiver=voice, weekdays=[1, 2], start="09:00", end="12:00")
    m.ContactWindow.objects.create(caregiver=voice, weekdays=[6], start="10:00", end="11:00")
    contact(world.north_family, "phone", "+15555550101", sms_capable=True)
    return families


def recorder(queued: list[int]) -> Any:
    """Stands for ``actions._enqueue_sends``: keeps the ids instead of queueing them."""

    def record(ids: list[int]) -> int:
        queued.extend(ids)
        return 0

    return record


@pytest.mark.django_db
def test_targets_choose_the_channel_the_one_family_path_chooses(world: World) -> None:
    families = varied_families(world)
    targets = aud.resolve_targets(
        district_id=world.district.pk, kind="school", ref={"ids": [world.north.pk]}
    )

    assert [t.caregiver_id for t in targets] == sorted(t.caregiver_id for t in targets)
    assert {t.caregiver_id for t in targets} >= {c.pk for c in families}
    for target in targets:
        recipient = aud.recipient_for(target.caregiver_id)
        assert recipient is not None
        usable = aud.usable_channels(recipient)
        expected = usable[0] if usable else ((recipient.channel_preferences or ["none"])[0], "")
        assert (target.channel, target.to) == expected, recipient.name
        assert target.reachable == bool(usable)
        assert target.language == recipient.language
        assert target.time_zone == recipient.time_zone
        assert sorted(target.windows, key=repr) == sorted(recipient.windows, key=repr)
    by_name = {c.given_name: c.pk for c in families}
    chosen = {t.caregiver_id: (t.channel, t.to, t.reachable) for t in targets}
    assert chosen[by_name["Landline"]] == ("sms", "+15555550202", True)
    assert chosen[by_name["Stopped"]] == ("email", "stopped@example.org", True)
    assert chosen[by_name["All stopped"]] == ("sms", "", False)
    assert chosen[by_name["Two emails"]] == ("email", "first@example.org", True)
    assert chosen[by_name["No preference"]] == ("none", "", False)
    assert chosen[by_name["Portal"]] == ("paper", "", True)


@pytest.mark.django_db
def test_an_emergency_reads_no_windows(world: World) -> None:
    varied_families(world)
    targets = aud.resolve_targets(
        district_id=world.district.pk,
        kind="school",
        ref={"ids": [world.north.pk]},
        with_windows=False,
    )
    assert all(t.windows == () for t in targets)


WINDOWS = st.builds(
    Window,
    st.lists(st.integers(1, 7), max_size=3, unique=True).map(tuple),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 59])),
)
ZONES = st.sampled_from(["", "America/Chicago", "Asia/Tokyo", "Europe/Madrid", "Mars/Olympus"])


@settings(max_examples=60, deadline=None)
@given(
    families=st.lists(st.tuples(st.lists(WINDOWS, max_size=2).map(tuple), ZONES), max_size=12),
    now=st.datetimes(  # hypothesis takes naive bounds and adds the zone itself
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    emergency=st.booleans(),
)
def test_one_computation_per_window_set_gives_each_familys_time(
    families: list[tuple[tuple[Window, ...], str]], now: datetime, emergency: bool
) -> None:
    send_time = SendTimes(district_time_zone="America/Chicago", now=now, emergency=emergency)
    # Twice over: the second pass is answered from what the first computed.
    for windows, zone in [*families, *reversed(families)]:
        expected = (
            now
            if emergency or not windows
            else next_send_time(
                windows, time_zone=zone, district_time_zone="America/Chicago", now=now
            )
        )
        assert send_time(windows, zone) == expected


@pytest.mark.django_db
def test_the_rows_get_the_reserved_ids_and_only_due_rows_are_queued(
    world: World, monkeypatch: Any
) -> None:
    families = varied_families(world)
    voice = next(c for c in families if c.given_name == "Voice")
    queued: list[int] = []
    monkeypatch.setattr(actions, "_enqueue_sends", recorder(queued))
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    announcement = actions.do_send_announcement(
        by=leader,
        audience_kind="school",
        audience_ref={"ids": [world.north.pk]},
        body="The book fair starts Monday.",
        source_language="en",
        school=world.north,
    )

    rows = Delivery.objects.filter(message__announcement=announcement)
    due = rows.filter(status="pending", not_before__lte=announcement.sent_at).exclude(
        channel__in=actions.NOT_SENT_BY_WORKERS
    )
    assert sorted(queued) == sorted(due.values_list("pk", flat=True))
    assert len(queued) == len(set(queued))
    # The family with windows waits for them, exactly as computed for them alone.
    waiting = rows.get(caregiver=voice)
    assert waiting.pk not in queued
    recipient = aud.recipient_for(voice.pk)
    assert recipient is not None
    assert waiting.not_before == next_send_time(
        recipient.windows,
        time_zone=voice.time_zone,
        district_time_zone=world.district.time_zone,
        now=announcement.sent_at or timezone.now(),
    )
    skipped = set(rows.filter(status="skipped").values_list("caregiver__given_name", flat=True))
    assert skipped == {"All stopped", "No preference", "Lan"}  # Lan has no contact point here


@pytest.mark.django_db
def test_written_rows_carry_the_ids_returned(world: World) -> None:
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    message = Message.objects.create(
        direction=Message.Direction.OUT, kind=Message.Kind.ANNOUNCEMENT, author=leader, body="x"
    )
    now = timezone.now()
    caregivers = [world.north_family, world.north_family_2, world.south_family]
    rows = [
        (message.pk, c.pk, "sms", f"+1555555010{i}", "es", "pending", "", now, 0, "", "",
         f"test-{message.pk}-{c.pk}", now, now)
        for i, c in enumerate(caregivers)
    ]  # fmt: skip
    with transaction.atomic():
        ids = fanout.write_deliveries(iter(rows), count=len(rows))
    assert len(ids) == len(set(ids)) == 3
    stored = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "caregiver_id"))
    assert [stored[pk] for pk in ids] == [c.pk for c in caregivers]
    # The sequence moved past the reserved ids: the next row does not collide with them.
    later = Delivery.objects.create(
        message=message, caregiver=world.north_family, channel="email", to="a@example.org",
        language="es", not_before=now, idempotency_key="test-later",
    )  # fmt: skip
    assert later.pk not in ids


class RecordingTask:
    name = "test.recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], Any]] = []

    def delay(self, *args: Any) -> None:
        self.calls.append(("delay", args, None))

    def run(self, *args: Any) -> None:
        self.calls.append(("run", args, None))

    def apply_async(self, args: tuple[Any, ...] | None = None, **options: Any) -> None:
        self.calls.append(("apply_async", args or (), options))


@pytest.mark.django_db(transaction=True)
def test_many_tasks_wait_for_commit_and_keep_their_order(settings: Any) -> None:
    settings.JUNTOS_TASK_RUNNER = "sync"
    task = RecordingTask()
    with transaction.atomic():
        tasks.enqueue_many(task, [([1, 2],), ([3],)])
        assert task.calls == []
    assert task.calls == [("run", ([1, 2],), None), ("run", ([3],), None)]
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue_many(task, [([4],)])
        raise RuntimeError("rolled back")
    assert len(task.calls) == 2
    with pytest.raises(TypeError):
        tasks.enqueue_many(task, [(object(),)])


@pytest.mark.django_db(transaction=True)
def test_many_celery_tasks_share_one_producer(settings: Any, monkeypatch: Any) -> None:
    from juntos.celery import app

    settings.JUNTOS_TASK_RUNNER = "celery"
    producer = object()
    acquired: list[object] = []

    @contextlib.contextmanager
    def one_producer(_: Any = None) -> Iterator[object]:
        acquired.append(producer)
        yield producer

    monkeypatch.setattr(app, "producer_or_acquire", one_producer)
    task = RecordingTask()
    chunks = [[1, 2, 3], [4, 5], [6]]
    with transaction.atomic():
        tasks.enqueue_many(task, [(chunk,) for chunk in chunks])
        assert acquired == []
    assert acquired == [producer]
    assert [(kind, args) for kind, args, _ in task.calls] == [
        ("apply_async", (chunk,)) for chunk in chunks
    ]
    assert all(options["producer"] is producer for _, _, options in task.calls)
    assert all(len(options["argsrepr"]) < 100 for _, _, options in task.calls)


def test_a_fan_out_sends_its_ids_in_chunks(monkeypatch: Any) -> None:
    calls: list[list[tuple[Any, ...]]] = []
    monkeypatch.setattr(tasks, "enqueue_many", lambda task, batch: calls.append(list(batch)))
    ids = list(range(1, 1202))
    assert actions._enqueue_sends(ids) == 3
    [batch] = calls
    assert [len(chunk) for (chunk,) in batch] == [actions.CHUNK, actions.CHUNK, 201]
    assert [pk for (chunk,) in batch for pk in chunk] == ids


@pytest.mark.django_db
def test_a_scheduled_announcement_queues_nothing_before_its_time(
    world: World, monkeypatch: Any
) -> None:
    contact(world.north_family, "phone", "+15555550101", sms_capable=True)
    queued: list[int] = []
    monkeypatch.setattr(actions, "_enqueue_sends", recorder(queued))
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    later = timezone.now() + timedelta(hours=2)
    announcement = actions.do_send_announcement(
        by=leader,
        audience_kind="school",
        audience_ref={"ids": [world.north.pk]},
        body="The book fair starts Monday.",
        source_language="en",
        school=world.north,
        scheduled_for=later,
    )
    assert announcement.status == Announcement.Status.SENT
    row = Delivery.objects.get(message__announcement=announcement, caregiver=world.north_family)
    assert (row.status, row.not_before) == ("pending", later)
    assert queued == []
