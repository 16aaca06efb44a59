"""A Celery worker SIGKILLed in the middle of a 5,000-family fan-out loses no text and sends none
twice: every delivery ends sent, and the Twilio sink counts each (To, Body) exactly once.

The kill is made deterministic rather than lucky: after the 2,000th message, the sink records
each message and then holds its answer. Each of the worker's two processes is then waiting for
Twilio's answer to a message Twilio already took, and the kill leaves those rows "in doubt"
(``sending``, send begun, no provider id): exactly the rows a blind resend would duplicate. The
rest of the two claimed batches waited their turn and never reached Twilio, and the rest of the
two running tasks' ids were never claimed (the tasks die with the worker). A new worker and
``manage.py sweep_deliveries --stuck-after 5 --requeue-after 5`` must record the first from
Twilio's message list, and send the others, once.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from juntos.celery import app as celery_app
from juntos.messaging import actions
from juntos.messaging.models import Delivery
from juntos.people import models as m
from juntos.testing import factories as f
from juntos.testing.processes import stop
from juntos.testing.twilio_sink import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN
from juntos.testing.worker_env import worker_env

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("REDIS_URL", "")
FAMILIES = 5_000
HOLD_AFTER = 2_000  # the sink holds its answers from here on: the kill comes at 40 %
FROM_NUMBER = "+15005550006"
BODY = "School is closed tomorrow: the heating failed."
SWEEP = re.compile(r"waited (\d+) adopted (\d+) resent (\d+) undecided (\d+) queued (\d+)")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]


def phone(index: int) -> str:
    return f"+1555{index:07d}"


class Sink:
    """The Twilio sink in its own process, read and steered over HTTP."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self.url = process.stdout.readline().rsplit(" ", 1)[-1].strip()

    def get(self, action: str) -> Any:
        with urllib.request.urlopen(f"{self.url}/_sink/{action}", timeout=30) as response:  # noqa: S310
            return json.load(response)

    def post(self, action: str, **form: str) -> Any:
        data = urllib.parse.urlencode(form).encode()
        with urllib.request.urlopen(f"{self.url}/_sink/{action}", data, timeout=30) as response:  # noqa: S310
            return json.load(response)

    def count(self) -> int:
        return int(self.get("count")["messages"])


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in reversed(started):
        stop(process)
        # A worker leads its own process group: make sure no pool process outlives the test.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(process.pid) == process.pid:
                os.killpg(process.pid, signal.SIGKILL)


def school_of_families() -> tuple[m.Staff, m.School]:
    """One school, 5,000 families, each reachable by SMS only at a number of its own (so that
    a duplicate shows at the sink as a (To, Body) pair counted twice). Bulk inserts."""
    district = f.district(slug="kill", name="Kill Test Unified")
    school = f.school(district=district, name="Big School", slug="big")
    leader = f.staff(district=district)
    students = m.Student.objects.bulk_create(
        m.Student(district=district, given_name=f"Kid{i}", family_name="Test", grade="03")
        for i in range(FAMILIES)
    )
    m.StudentSchool.objects.bulk_create(m.StudentSchool(student=s, school=school) for s in students)
    caregivers = m.Caregiver.objects.bulk_create(
        m.Caregiver(
            district=district,
            given_name=f"Parent{i}",
            family_name="Test",
            preferred_language="en",
            channel_preferences=["sms"],
        )
        for i in range(FAMILIES)
    )
    m.CaregiverLink.objects.bulk_create(
        m.CaregiverLink(caregiver=c, student=s, relationship=m.Relationship.MOTHER)
        for c, s in zip(caregivers, students, strict=True)
    )
    m.ContactPoint.objects.bulk_create(
        m.ContactPoint(caregiver=c, kind="phone", value=phone(i), sms_capable=True)
        for i, c in enumerate(caregivers)
    )
    return leader, school


def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(
    settings: Any, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes need a database server they can share with the test")
    started = time.monotonic()
    sink_process = subprocess.Popen(
        [sys.executable, "-m", "juntos.testing.twilio_sink", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    processes.append(sink_process)
    sink = Sink(sink_process)
    sink.post("hold", after=str(HOLD_AFTER))

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = worker_env(
        queue=queue,
        redis_url=REDIS_URL,
        twilio_url=sink.url,
        TWILIO_FROM_NUMBER=FROM_NUMBER,
        # Longer than the test waits before the kill: the held answers must not time out.
        TWILIO_TIMEOUT_SECONDS="60",
    )

    def start_worker(name: str) -> subprocess.Popen[str]:
        log = (tmp_path / f"{name}.log").open("w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "juntos", "worker", "--pool", "prefork",
             "--concurrency", "2", "--without-heartbeat", "--without-mingle",
             "--without-gossip", "-l", "warning", "-n", f"{name}-{queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # its own process group, so the kill takes the pool too
        )  # fmt: skip
        processes.append(worker)
        return worker

    # The sweeper runs here, in the test's process, as an operator would run the command.
    settings.JUNTOS_TASK_RUNNER = "celery"
    settings.TWILIO_ACCOUNT_SID = DEFAULT_ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = DEFAULT_AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE = sink.url
    settings.TWILIO_TIMEOUT_SECONDS = 15
    previous = celery_app.conf.task_default_queue, celery_app.conf.broker_url
    celery_app.conf.update(task_default_queue=queue, broker_url=REDIS_URL)
    try:
        leader, school = school_of_families()
        first = start_worker("first")
        print(f"\nfamilies written after {time.monotonic() - started:.1f} s")
        announcement = actions.do_send_announcement(
            by=leader, audience_kind="school", audience_ref={"ids": [school.pk]}, body=BODY,
            source_language="en", school=school, emergency=True,
        )  # fmt: skip
        deliveries = Delivery.objects.filter(message__announcement=announcement)
        assert deliveries.count() == FAMILIES

        # Both pool processes end up waiting on a held answer: HOLD_AFTER + 2 messages.
        deadline = time.monotonic() + 60
        while sink.count() < HOLD_AFTER + 2:
            assert time.monotonic() < deadline, (
                sink.count(),
                Counter(deliveries.values_list("status", flat=True)),
                (tmp_path / "first.log").read_text()[-3000:],
            )
            assert first.poll() is None, (tmp_path / "first.log").read_text()
            time.sleep(0.1)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()

        at_kill = sink.get("messages")
        assert len(at_kill) == HOLD_AFTER + 2
        sending = deliveries.filter(status="sending")
        in_doubt = sending.filter(to__in=[message["to"] for message in at_kill], provider_id="")
        # The numbers the issue asks for, in the test's output (pytest -s shows them).
        print(
            f"\nat the kill: {len(at_kill)} texts at the sink, {sending.count()} rows in "
            f"sending, {in_doubt.count()} of them taken by Twilio but not recorded"
        )
        doubtful, waiting = in_doubt.count(), sending.count() - in_doubt.count()
        assert doubtful == 2  # one per pool process: the test exercises reconciliation

        sink.post("release")
        start_worker("second")
        totals = Counter[str]()
        deadline = time.monotonic() + 75
        while deliveries.filter(status__in=["pending", "sending"]).exists():
            assert time.monotonic() < deadline, (tmp_path / "second.log").read_text()
            out = io.StringIO()
            call_command(
                "sweep_deliveries", "--stuck-after", "5", "--requeue-after", "5", stdout=out
            )
            match = SWEEP.search(out.getvalue())
            assert match is not None, out.getvalue()
            for key, value in zip(
                ("waited", "adopted", "resent", "undecided", "queued"), match.groups(), strict=True
            ):
                totals[key] += int(value)
            time.sleep(1)
    finally:
        celery_app.conf.update(task_default_queue=previous[0], broker_url=previous[1])

    print(
        f"recovery: {totals['adopted']} in doubt and adopted from Twilio's list, "
        f"{totals['resent']} in doubt and sent again, {totals['waited']} never begun and sent "
        f"by the new worker, {totals['undecided']} undecided; "
        f"killed after {killed_at - started:.1f} s, {time.monotonic() - started:.1f} s in all"
    )
    statuses = Counter(deliveries.values_list("status", flat=True))
    assert statuses == {"sent": FAMILIES}
    texts = sink.get("messages")
    at_sink = Counter((t["to"], t["body"]) for t in texts)
    assert len(texts) == FAMILIES
    assert set(at_sink) == {(phone(i), BODY) for i in range(FAMILIES)}
    assert max(at_sink.values()) == 1
    assert set(deliveries.values_list("provider_id", flat=True)) == {t["sid"] for t in texts}
    # Every row in doubt was found in Twilio's list; none had to be sent on a guess. (More
    # than these only if a send of the new worker took over 5 s: still found, not resent.)
    assert totals["adopted"] >= doubtful
    assert totals["resent"] == 0
    # The dead batches' rows that waited their turn, and maybe some of the new worker's: with
    # a 5 s deadline on a loaded machine, a row of a live batch can be taken back unsent.
    assert totals["waited"] >= waiting
