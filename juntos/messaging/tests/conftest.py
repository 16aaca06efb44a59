"""Local protocol servers standing in for the paid providers (the only thing the tests fake)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from juntos.testing.smtp_sink import SmtpSink
from juntos.testing.twilio_sink import TwilioSink

FROM_NUMBER = "+15005550006"


@pytest.fixture
def twilio_sink() -> Iterator[TwilioSink]:
    with TwilioSink() as sink:
        yield sink


@pytest.fixture
def twilio_settings(settings: Any, twilio_sink: TwilioSink) -> Any:
    """Settings of a district that sends through Twilio, pointed at the local sink."""
    settings.TWILIO_ACCOUNT_SID = twilio_sink.account_sid
    settings.TWILIO_AUTH_TOKEN = twilio_sink.auth_token
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE = twilio_sink.base_url
    settings.TWILIO_TIMEOUT_SECONDS = 5
    return settings


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink
