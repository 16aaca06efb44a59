"""With REDIS_URL set, an announcement is sent by a real Celery worker to the provider sinks.

The worker is its own process, with its own settings: Twilio pointed at the Twilio sink and
email at the SMTP sink (each also its own process), and the test's PostgreSQL database.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from conftest import World
from juntos.celery import app as celery_app
from juntos.language import actions as language_actions
from juntos.language.models import Method, Status
from juntos.messaging import actions
from juntos.messaging.models import Delivery, MessageRendition
from juntos.people import models as m
from juntos.testing.processes import stop
from juntos.testing.worker_env import worker_env

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("REDIS_URL", "")
BODY = "The book fair starts Monday."
SPANISH = "La feria del libro empieza el lunes."

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def address(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().rsplit(" ", 1)[-1].strip()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in reversed(started):
        stop(process)


def test_an_announcement_reaches_both_sinks_once_in_each_language(
    world: World, settings: Any, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share with the test")
    twilio = start(["juntos.testing.twilio_sink", "--port", "0"])
    processes.append(twilio)
    twilio_url = address(twilio)
    smtp = start(["juntos.testing.smtp_sink", "--port", "0", "--dump-dir", str(tmp_path)])
    processes.append(smtp)
    smtp_url = address(smtp)

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = worker_env(queue=queue, redis_url=REDIS_URL, twilio_url=twilio_url, email_url=smtp_url)
    worker = start(
        ["celery", "-A", "juntos", "worker", "--pool", "solo", "--without-heartbeat",
         "--without-mingle", "--without-gossip", "-l", "warning"],
        env,
    )  # fmt: skip
    processes.append(worker)

    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value="+15555550101", sms_capable=True
    )
    m.ContactPoint.objects.create(
        caregiver=world.north_family_2, kind="email", value="lan@example.org"
    )
    m.ContactPoint.objects.create(  # South is not in the audience
        caregiver=world.south_family, kind="phone", value="+15555550199", sms_capable=True
    )
    language_actions.do_remember_translation(
        district_id=world.district.pk, source_language="en", target_language="es",
        source_text=BODY, target_text=SPANISH, method=Method.HUMAN, status=Status.REVIEWED,
    )  # fmt: skip
    settings.JUNTOS_TASK_RUNNER = "celery"
    previous = celery_app.conf.task_default_queue, celery_app.conf.broker_url
    celery_app.conf.update(task_default_queue=queue, broker_url=REDIS_URL)
    try:
        leader = m.Staff.objects.get(user=world.personas["school_leader"])
        announcement = actions.do_send_announcement(
            by=leader, audience_kind="school", audience_ref={"ids": [world.north.pk]},
            body=BODY, subject="Book fair", source_language="en", school=world.north,
        )  # fmt: skip
        deliveries = Delivery.objects.filter(message__announcement=announcement)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not deliveries.filter(status__in=["pending", "sending"]).exists():
                break
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            time.sleep(0.2)
    finally:
        celery_app.conf.update(task_default_queue=previous[0], broker_url=previous[1])

    rows = {d.caregiver_id: d for d in deliveries}
    assert set(rows) == {world.north_family.pk, world.north_family_2.pk}
    assert {d.status for d in rows.values()} == {"sent"}
    with urllib.request.urlopen(f"{twilio_url}/_sink/messages") as response:  # noqa: S310
        texts = json.load(response)
    assert [(t["to"], t["body"]) for t in texts] == [("+15555550101", SPANISH)]
    assert rows[world.north_family.pk].provider_id == texts[0]["sid"]

    vietnamese = MessageRendition.objects.get(message__announcement=announcement, language="vi")
    [dumped] = sorted(tmp_path.glob("*.eml"))
    mail = email.message_from_bytes(dumped.read_bytes(), policy=email.policy.default)
    assert mail["To"] == "Lan Tran <lan@example.org>"
    plain = mail.get_body(("plain",))
    assert plain is not None
    # Line endings and trailing spaces are the mail format's, not ours.
    assert plain.get_content().split() == vietnamese.text.split()
    assert BODY in vietnamese.text  # no translation yet: the offer of an interpreter, then this
