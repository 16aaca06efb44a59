"""It stores what would have been sent in a local outbox when no provider is configured."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from juntos.messaging.channels.base import OutboundMessage, Outcome
from juntos.messaging.channels.email import DjangoEmailAdapter
from juntos.messaging.channels.outbox import OutboxAdapter
from juntos.messaging.channels.registry import UnknownChannel, adapter_for
from juntos.messaging.channels.sms import TwilioSmsAdapter
from juntos.messaging.channels.voice import TwilioVoiceAdapter
from juntos.messaging.models import OutboxEntry

pytestmark = pytest.mark.django_db


def message(key: str = "delivery-1", **kwargs: Any) -> OutboundMessage:
    defaults: dict[str, Any] = {
        "idempotency_key": key,
        "to": "+15551230001",
        "language": "vi",
        "body": "Họp phụ huynh vào thứ Năm lúc 6 giờ tối.",
        "recipient_name": "Trần Thị Lan",
        "metadata": {"reply_to": "lee@lincoln.example.org"},
    }
    return OutboundMessage(**(defaults | kwargs))


def test_it_stores_the_message_and_reports_it_delivered() -> None:
    result = OutboxAdapter("sms").send(message())

    entry = OutboxEntry.objects.get()
    assert result.outcome == Outcome.DELIVERED
    assert result.provider_id == str(entry.pk)
    assert result.segments == 1
    assert (entry.channel, entry.to, entry.language) == ("sms", "+15551230001", "vi")
    assert entry.body == "Họp phụ huynh vào thứ Năm lúc 6 giờ tối."
    assert entry.recipient_name == "Trần Thị Lan"
    assert entry.metadata == {"reply_to": "lee@lincoln.example.org"}
    assert entry.created_at.tzinfo is not None


def test_a_call_in_a_language_with_no_voice_fails_as_the_provider_would() -> None:
    # Somali has no text-to-speech voice: the call goes to a liaison's call list instead.
    result = OutboxAdapter("voice").send(message(language="so", body="Kulanka waa Khamiista."))
    assert (result.outcome, result.error) == (Outcome.FAILED, "no_tts_for_language")
    assert not OutboxEntry.objects.exists()
    assert OutboxAdapter("voice").send(message(key="d2")).outcome == Outcome.DELIVERED


def test_it_stores_a_delivery_once_however_often_it_is_sent() -> None:
    first = OutboxAdapter("email").send(message(subject="Reunión"))
    again = OutboxAdapter("email").send(message(subject="Reunión"))
    other = OutboxAdapter("email").send(message("delivery-2", subject="Reunión"))

    assert first == again
    assert first.provider_id != other.provider_id
    assert first.segments is None
    assert OutboxEntry.objects.count() == 2


def test_it_uses_the_outbox_for_every_channel_when_nothing_is_configured(settings: Any) -> None:
    settings.TWILIO_ACCOUNT_SID = ""
    settings.EMAIL_URL = ""

    adapters = {name: adapter_for(name) for name in ("sms", "voice", "email")}

    assert all(isinstance(a, OutboxAdapter) for a in adapters.values())
    assert {name: a.channel for name, a in adapters.items()} == {  # type: ignore[attr-defined]
        "sms": "sms",
        "voice": "voice",
        "email": "email",
    }


def test_it_uses_the_providers_once_they_are_configured(settings: Any) -> None:
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    settings.EMAIL_URL = "smtp://mail.example.org"

    assert isinstance(adapter_for("sms"), TwilioSmsAdapter)
    assert isinstance(adapter_for("voice"), TwilioVoiceAdapter)
    assert isinstance(adapter_for("email"), DjangoEmailAdapter)


def test_it_keeps_voice_in_the_outbox_without_a_number_to_call_from(settings: Any) -> None:
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = ""
    settings.TWILIO_VOICE_FROM_NUMBER = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32

    assert isinstance(adapter_for("sms"), TwilioSmsAdapter)
    assert isinstance(adapter_for("voice"), OutboxAdapter)


def test_it_uses_django_email_when_an_email_backend_is_set() -> None:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert isinstance(adapter_for("email"), DjangoEmailAdapter)


def test_it_refuses_a_channel_it_does_not_know() -> None:
    with pytest.raises(UnknownChannel, match="pigeon"):
        adapter_for("pigeon")


@pytest.mark.django_db(transaction=True)
def test_it_stores_one_entry_when_two_workers_send_the_same_delivery_at_once() -> None:
    # Four threads, each with its own database connection, released together.
    barrier = Barrier(4)

    def send() -> str:
        try:
            barrier.wait(timeout=10)
            return OutboxAdapter("sms").send(message("delivery-race")).provider_id
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda _: send(), range(4)))

    assert len(set(ids)) == 1
    assert OutboxEntry.objects.count() == 1
