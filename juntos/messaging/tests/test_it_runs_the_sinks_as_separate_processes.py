"""The provider sinks also run as their own processes, as a Celery worker's tests need."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from juntos.messaging.channels.base import OutboundMessage, Outcome
from juntos.messaging.channels.email import DjangoEmailAdapter, email_settings_from_url
from juntos.messaging.channels.sms import TwilioSmsAdapter
from juntos.testing.twilio_sink import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN

ROOT = Path(__file__).resolve().parents[3]


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line.rsplit(" ", 1)[-1].strip()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def test_it_sends_sms_to_a_sink_in_another_process(
    settings: Any, processes: list[subprocess.Popen[str]]
) -> None:
    process, base_url = start("juntos.testing.twilio_sink", "--port", "0")
    processes.append(process)
    settings.TWILIO_ACCOUNT_SID = DEFAULT_ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = DEFAULT_AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.TWILIO_API_BASE = base_url
    throttle = urllib.request.Request(f"{base_url}/_sink/fail", data=b"count=1&status=429")  # noqa: S310
    urllib.request.urlopen(throttle).close()  # noqa: S310 - the sink on loopback
    adapter = TwilioSmsAdapter()
    text = OutboundMessage(idempotency_key="d-1", to="+15551230001", language="en", body="Hi")

    throttled = adapter.send(text)
    sent = adapter.send(text)

    with urllib.request.urlopen(f"{base_url}/_sink/messages") as response:  # noqa: S310
        recorded = json.load(response)
    assert throttled.outcome == Outcome.RETRY
    assert sent.outcome == Outcome.SENT
    assert [(m["sid"], m["body"]) for m in recorded] == [(sent.provider_id, "Hi")]


def test_it_sends_email_to_a_sink_in_another_process(
    settings: Any, processes: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    process, url = start("juntos.testing.smtp_sink", "--port", "0", "--dump-dir", str(tmp_path))
    processes.append(process)
    for name, value in email_settings_from_url(url).items():
        setattr(settings, name, value)

    result = DjangoEmailAdapter().send(
        OutboundMessage(
            idempotency_key="d-1", to="lan@example.com", language="vi", subject="Họp phụ huynh",
            body="Thứ Năm lúc 6 giờ.",
        )
    )  # fmt: skip

    assert result.outcome == Outcome.SENT
    [dumped] = sorted(tmp_path.glob("*.eml"))
    assert result.provider_id.encode() in dumped.read_bytes()
