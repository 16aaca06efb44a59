"""An app that asked a question may claim a text that answers it; other texts reach the inbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.messaging import replies
from juntos.messaging.models import InboundPayload, Message
from juntos.people import models as m
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio

PHONE = "+15555550101"


@pytest.fixture
def asked(settings: Any, world: World) -> Iterator[list[replies.Reply]]:
    """A handler that takes a lone "1" or "2" from a known family and answers in Spanish."""
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = ""
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=PHONE, sms_capable=True
    )
    seen: list[replies.Reply] = []

    def handler(reply: replies.Reply) -> replies.Handled | None:
        seen.append(reply)
        if reply.body.strip() in ("1", "2"):
            return replies.Handled(by="rsvp", answer="¡Gracias! Le esperamos.")
        return None

    replies.register_reply_handler(handler)
    yield seen
    replies.unregister_reply_handler(handler)


def sms(body: str) -> Any:
    params = {"MessageSid": "SM1", "From": PHONE, "To": "+15005550006", "Body": body}
    return post_twilio("/messaging/twilio/sms/", params, client=Client())


def test_a_claimed_answer_is_answered_and_kept_out_of_the_inbox(
    asked: list[replies.Reply], world: World
) -> None:
    response = sms("1")
    assert response.status_code == 200
    assert "¡Gracias! Le esperamos." in response.content.decode()
    assert InboundPayload.objects.get().outcome == "rsvp"
    assert not Message.objects.exists()
    assert [c.pk for c in asked[0].caregivers] == [world.north_family.pk]
    assert asked[0].phone == PHONE


def test_a_sentence_goes_to_the_inbox(asked: list[replies.Reply]) -> None:
    sms("Sí, vamos los dos, pero llegaremos un poco tarde por el trabajo.")
    assert InboundPayload.objects.get().outcome == "reply"
    assert Message.objects.get(direction="in").language == "es"


def test_keywords_come_before_any_handler(asked: list[replies.Reply]) -> None:
    sms("STOP")
    assert InboundPayload.objects.get().outcome == "opt_out"
    assert asked == []


def test_a_number_two_apps_wait_for_goes_to_a_person(asked: list[replies.Reply]) -> None:
    # An event invitation and a conference offer both wait: "1" could answer either.
    def conference(reply: replies.Reply) -> replies.Handled | None:
        return replies.Handled(by="conference") if reply.body.strip() == "1" else None

    def event(reply: replies.Reply) -> replies.Handled | None:
        return replies.Handled(by="event") if reply.body.strip() == "1" else None

    replies.register_reply_handler(conference, awaits=lambda reply: True)
    replies.register_reply_handler(event, awaits=lambda reply: True)
    try:
        sms("1")
    finally:
        replies.unregister_reply_handler(conference)
        replies.unregister_reply_handler(event)
    assert InboundPayload.objects.get().outcome == "reply"
    assert Message.objects.get(direction="in").body == "1"


def test_one_app_waiting_keeps_its_answers(asked: list[replies.Reply]) -> None:
    def conference(reply: replies.Reply) -> replies.Handled | None:
        return replies.Handled(by="conference") if reply.body.strip() == "3" else None

    replies.register_reply_handler(conference, awaits=lambda reply: True)
    try:
        sms("3")
    finally:
        replies.unregister_reply_handler(conference)
    assert InboundPayload.objects.get().outcome == "conference"
