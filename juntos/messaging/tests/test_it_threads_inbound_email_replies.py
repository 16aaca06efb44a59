"""Inbound email (SendGrid Inbound Parse): authenticated by a shared secret, stored first,
decoded with its charsets, quoted text removed, threaded like an SMS reply or kept in triage."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.messaging.models import InboundPayload, Message
from juntos.people import models as m

SECRET = "s3cret-parse-token"
PATH = "/messaging/email/inbound/"
BOUNDARY = "xYzZY"
SPANISH_REPLY = (
    "Buenas tardes maestra, mi hijo no podrá ir a la excursión del viernes porque tiene una "
    "cita con el dentista.\n\n"
    "El mar, 24 nov 2026 a las 18:05, Ana García <agarcia@riverside.k12.us> escribió:\n"
    "> Estimadas familias, la excursión es el viernes.\n"
)


@pytest.fixture
def inbound(settings: Any) -> Any:
    settings.INBOUND_EMAIL_SECRET = SECRET
    return settings


@pytest.fixture
def rosa(world: World) -> m.Caregiver:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="email", value="rosa.lopez@example.com"
    )
    return world.north_family


def multipart(fields: dict[str, str | bytes]) -> bytes:
    """A body as SendGrid builds it: one form-data part per field, bytes as given."""
    parts = []
    for name, value in fields.items():
        data = value if isinstance(value, bytes) else value.encode("utf-8")
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def email_fields(text: str | bytes, *, sender: str = "Rosa Lopez <Rosa.Lopez@Example.com>",
                 charsets: dict[str, str] | None = None) -> dict[str, str | bytes]:  # fmt: skip
    return {
        "headers": "Received: by mx.sendgrid.net\nSubject: Re: Excursión\n",
        "from": sender,
        "to": "room4@reply.riverside.k12.us",
        "subject": "Re: Excursión",
        "text": text,
        "envelope": json.dumps(
            {"to": ["room4@reply.riverside.k12.us"], "from": "rosa.lopez@example.com"}
        ),
        "charsets": json.dumps(
            charsets or {"to": "UTF-8", "from": "UTF-8", "subject": "UTF-8", "text": "UTF-8"}
        ),
        "SPF": "pass",
    }


def post(body: bytes, *, query: str = f"?token={SECRET}", **extra: Any) -> Any:
    return Client().generic(
        "POST",
        PATH + query,
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **extra,
    )


def test_a_spanish_email_from_a_known_caregiver_joins_their_conversation(
    inbound: Any, world: World, rosa: m.Caregiver
) -> None:
    response = post(multipart(email_fields(SPANISH_REPLY)))
    assert response.status_code == 200
    message = Message.objects.get(direction="in")
    assert message.body.startswith("Buenas tardes maestra")
    assert "escribió" not in message.body and "Estimadas" not in message.body
    assert (message.language, message.detected_language) == ("es", "es")
    assert message.conversation is not None
    assert message.conversation.caregiver == rosa
    assert message.conversation.owner == m.Staff.objects.get(user=world.personas["teacher"])
    assert message.conversation.unanswered_since == message.created_at
    payload = InboundPayload.objects.get()
    assert (payload.kind, payload.outcome, payload.message_id) == ("email", "reply", message.pk)
    assert payload.payload["from"] == "Rosa Lopez <Rosa.Lopez@Example.com>"


def test_basic_auth_with_the_secret_is_accepted(inbound: Any, rosa: m.Caregiver) -> None:
    credentials = base64.b64encode(f"parse:{SECRET}".encode()).decode()
    response = post(
        multipart(email_fields(SPANISH_REPLY)), query="", HTTP_AUTHORIZATION=f"Basic {credentials}"
    )
    assert response.status_code == 200
    assert Message.objects.filter(direction="in").count() == 1


@pytest.mark.parametrize("query", ["", "?token=wrong", f"?token={SECRET}x"])
def test_a_request_without_the_secret_is_refused_and_not_stored(
    inbound: Any, rosa: m.Caregiver, query: str
) -> None:
    assert post(multipart(email_fields(SPANISH_REPLY)), query=query).status_code == 403
    wrong = base64.b64encode(b"parse:nope").decode()
    refused = post(multipart(email_fields("x")), query="", HTTP_AUTHORIZATION=f"Basic {wrong}")
    assert refused.status_code == 403
    assert not InboundPayload.objects.exists() and not Message.objects.exists()


def test_without_a_configured_secret_the_endpoint_does_not_exist(
    settings: Any, rosa: m.Caregiver
) -> None:
    settings.INBOUND_EMAIL_SECRET = ""
    assert post(multipart(email_fields(SPANISH_REPLY)), query="?token=").status_code == 404
    assert not InboundPayload.objects.exists()


def test_an_unknown_sender_waits_in_triage(inbound: Any, world: World) -> None:
    response = post(multipart(email_fields("Hello, who should I talk to about the bus?",
                                           sender="stranger@example.net")))  # fmt: skip
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.conversation is None
    assert message.from_address == "stranger@example.net"
    assert InboundPayload.objects.get().outcome == "triage"


def test_the_declared_charset_is_respected(inbound: Any, rosa: m.Caregiver) -> None:
    text = "Gracias, mañana llegaré temprano a la reunión con la señora Núñez."
    fields = email_fields(
        text.encode("iso-8859-1"), charsets={"text": "iso-8859-1", "from": "UTF-8"}
    )
    assert post(multipart(fields)).status_code == 200
    assert Message.objects.get(direction="in").body == text


def test_text_that_does_not_decode_goes_to_triage_not_a_500(
    inbound: Any, rosa: m.Caregiver
) -> None:
    fields = email_fields("mañana llegaré".encode("iso-8859-1"), charsets={"text": "utf-8"})
    response = post(multipart(fields))
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.conversation is None and message.from_address == "rosa.lopez@example.com"
    assert "\ufffd" in message.body
    payload = InboundPayload.objects.get()
    assert payload.outcome == "triage"
    assert payload.payload["_juntos_charset_errors"] == ["text"]


def test_a_message_without_a_sender_is_kept_and_answered_400(inbound: Any, db: Any) -> None:
    fields = email_fields("Hola")
    fields["from"] = "undisclosed-recipients:;"
    fields["envelope"] = "{}"
    assert post(multipart(fields)).status_code == 400
    assert InboundPayload.objects.get().outcome == "malformed"
    assert not Message.objects.exists()


def test_a_body_that_is_not_a_form_is_a_400(inbound: Any, db: Any) -> None:
    response = Client().generic(
        "POST", PATH + f"?token={SECRET}", b"\x00\xff garbage", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert InboundPayload.objects.get().outcome == "malformed"


def test_a_megabyte_or_more_is_refused_unstored(inbound: Any, rosa: m.Caregiver) -> None:
    big = multipart(email_fields("a" * (1024 * 1024)))
    assert post(big).status_code == 413
    assert not InboundPayload.objects.exists()


def test_a_nul_character_is_kept_visible_not_a_500(inbound: Any, rosa: m.Caregiver) -> None:
    response = post(multipart(email_fields("Gracias maestra,\x00 nos vemos el lunes.")))
    assert response.status_code == 200
    assert Message.objects.get(direction="in").body == "Gracias maestra,\ufffd nos vemos el lunes."
