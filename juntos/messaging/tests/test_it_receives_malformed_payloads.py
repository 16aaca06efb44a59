"""Malformed inbound SMS get a 4xx or wait in triage: never a 500, never lost once signed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from conftest import World
from juntos.messaging import actions
from juntos.messaging.inbound import MAX_BODY_BYTES
from juntos.messaging.models import InboundPayload, Message
from juntos.people import models as m
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio

TOKEN = TWILIO_TOKEN
BASE = "http://testserver"
PATH = "/messaging/twilio/sms/"


@pytest.fixture
def signed(settings: Any, world: World) -> Any:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = ""
    m.ContactPoint.objects.create(caregiver=world.north_family, kind="phone", value="+15555550101")
    return settings


def post(body: bytes, signed_params: dict[str, str]) -> Any:
    """POST ``body`` as it is, signed over ``signed_params`` (what Django will parse it to)."""
    return post_twilio(PATH, signed_params, body=body)


def post_params(params: dict[str, str]) -> Any:
    return post(urlencode(params).encode(), params)


@pytest.mark.parametrize(
    "params",
    [
        {"To": "+15005550006", "Body": "Hola"},
        {"From": "+15555550101", "To": "+15005550006"},
        {},
    ],
)
def test_missing_fields_are_stored_and_answered_400(signed: Any, params: dict[str, str]) -> None:
    response = post_params(params)
    assert response.status_code == 400
    payload = InboundPayload.objects.get()
    assert (payload.outcome, payload.payload) == ("malformed", params)
    assert not Message.objects.exists()


def test_an_oversized_body_is_refused_before_it_is_stored(signed: Any) -> None:
    params = {"From": "+15555550101", "Body": "x" * (1024 * 1024)}
    response = post_params(params)
    assert response.status_code == 413
    assert not InboundPayload.objects.exists()


def test_a_body_just_under_the_limit_is_accepted(signed: Any) -> None:
    head = urlencode({"From": "+15555550101", "Body": ""})
    params = {"From": "+15555550101", "Body": "a" * (MAX_BODY_BYTES - len(head))}
    assert len(urlencode(params)) == MAX_BODY_BYTES
    assert post_params(params).status_code == 200


@pytest.mark.parametrize("sender", ["+15555550199", "not a number", ""])
def test_an_unknown_sender_waits_in_triage(signed: Any, sender: str) -> None:
    params = {"From": sender, "To": "+15005550006", "Body": "Who is this? My son is sick."}
    response = post_params(params)
    assert response.status_code == 200
    message = Message.objects.get()
    assert (message.conversation, message.direction, message.body) == (
        None,
        "in",
        "Who is this? My son is sick.",
    )
    assert message.from_address == sender
    assert message.detected_language == "en"
    assert InboundPayload.objects.get().outcome == "triage"


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        # Percent-encoded bytes that are not UTF-8: replacement characters.
        (b"caf%E9 ma%F1ana %FF", "caf\ufffd ma\ufffdana \ufffd"),
        # Raw bytes that are not UTF-8: Django's form parser reads them as Latin-1; the stored
        # raw body keeps replacement characters, so what arrived stays visible.
        (b"caf\xe9 ma\xf1ana \xff", "caf\xe9 ma\xf1ana \xff"),
    ],
)
def test_bytes_that_are_not_utf8_are_kept_and_processed(
    signed: Any, raw: bytes, parsed: str
) -> None:
    body = b"From=%2B15555550101&To=%2B15005550006&Body=" + raw
    response = post(body, {"From": "+15555550101", "To": "+15005550006", "Body": parsed})
    assert response.status_code == 200
    payload = InboundPayload.objects.get()
    assert payload.outcome == "reply"
    assert payload.raw_body == body.decode("utf-8", errors="replace")
    assert Message.objects.get().body == parsed


def test_a_processing_error_is_recorded_and_answered_200(signed: Any, monkeypatch: Any) -> None:
    def broken(**kwargs: Any) -> Message:
        raise RuntimeError("detector crashed")

    monkeypatch.setattr(actions, "thread_family_message", broken)
    response = post_params({"From": "+15555550101", "Body": "Hola, ¿cómo está?"})
    assert response.status_code == 200
    assert b"<Message>" not in response.content
    payload = InboundPayload.objects.get()
    assert (payload.outcome, payload.error) == ("error", "RuntimeError: detector crashed")
    assert payload.payload["Body"] == "Hola, ¿cómo está?"


def test_a_nul_character_is_kept_visible_not_a_500(signed: Any) -> None:
    # PostgreSQL text and jsonb refuse U+0000: it is stored as U+FFFD, and the reply threads.
    response = post_params({"From": "+15555550101", "To": "+15005550006", "Body": "Hola\x00mundo"})
    assert response.status_code == 200
    payload = InboundPayload.objects.get()
    assert payload.outcome == "reply"
    assert payload.payload["Body"] == "Hola\ufffdmundo"
    assert "\x00" not in payload.raw_body
    assert Message.objects.get().body == "Hola\ufffdmundo"
