"""A family's SMS reply lands, in its language, in a conversation a named person owns."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.messaging.models import Conversation, InboundPayload, Message
from juntos.people import models as m
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio

TOKEN = TWILIO_TOKEN
BASE = "https://juntos.example.org"
PATH = "/messaging/twilio/sms/"
ROSA_PHONE = "+15555550101"


@pytest.fixture
def signed(settings: Any) -> Any:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = BASE
    return settings


def post_sms(client: Client, params: dict[str, str]) -> Any:
    return post_twilio(PATH, params, origin=BASE, client=client)


@pytest.fixture
def rosa(world: World) -> m.Caregiver:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=ROSA_PHONE, sms_capable=True
    )
    return world.north_family


def sms(body: str, sender: str = "(555) 555-0101") -> dict[str, str]:
    # Twilio sends E.164; a national form checks that the sender is normalised all the same.
    return {"MessageSid": "SM1", "From": sender, "To": "+15005550006", "Body": body}


def test_a_spanish_reply_lands_in_a_conversation_with_an_owner(
    signed: Any, world: World, rosa: m.Caregiver
) -> None:
    body = "Hola maestra, mi hija no podrá ir a la escuela mañana porque tiene cita con el médico."
    response = post_sms(Client(), sms(body))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Message>" not in response.content
    message = Message.objects.get(direction="in")
    assert (message.body, message.kind, message.language) == (body, "reply", "es")
    assert message.detected_language == "es"
    assert message.detection_confidence is not None and message.detection_confidence > 0.5
    conversation = message.conversation
    assert conversation is not None and conversation.caregiver == rosa
    # Ana's teacher (Room 4) owns it.
    assert conversation.owner == m.Staff.objects.get(user=world.personas["teacher"])
    assert conversation.last_family_message_at == message.created_at
    assert conversation.unanswered_since == message.created_at
    # The teacher reads English; with no translation provider the rendition says so.
    rendition = message.renditions.get()
    assert (rendition.language, rendition.text) == ("en", body)
    assert rendition.details["needs_human"] is True
    payload = InboundPayload.objects.get()
    assert (payload.kind, payload.outcome, payload.message_id) == ("sms", "reply", message.pk)
    assert payload.signature_valid and payload.processed_at is not None


def test_a_second_reply_joins_the_same_conversation(signed: Any, rosa: m.Caregiver) -> None:
    post_sms(Client(), sms("Gracias por avisarme, ahí estaré el viernes."))
    first_at = Conversation.objects.get().unanswered_since
    post_sms(Client(), sms("¿A qué hora empieza la reunión?"))
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 2
    # Still waiting since the first unanswered message.
    assert conversation.unanswered_since == first_at


def test_stop_inside_a_sentence_is_a_reply_not_an_opt_out(signed: Any, rosa: m.Caregiver) -> None:
    response = post_sms(Client(), sms("please stop by the office tomorrow"))
    assert response.status_code == 200
    assert b"<Message>" not in response.content
    assert m.ContactPoint.objects.get(value=ROSA_PHONE).opted_out_at is None
    message = Message.objects.get(direction="in")
    assert message.conversation is not None
    assert message.detected_language == "en"
    assert InboundPayload.objects.get().outcome == "reply"


def test_a_family_with_no_teacher_goes_to_a_liaison_who_speaks_their_language(
    signed: Any, world: World
) -> None:
    # Omar's class at South has a teacher; a family whose child has no class does not.
    student = m.Student.objects.create(district=world.district, given_name="Lía")
    m.StudentSchool.objects.create(student=student, school=world.north)
    family = m.Caregiver.objects.create(
        district=world.district, given_name="Marta", preferred_language="es"
    )
    m.CaregiverLink.objects.create(caregiver=family, student=student, relationship="mother")
    m.ContactPoint.objects.create(caregiver=family, kind="phone", value="+15555550177")
    post_sms(Client(), sms("Buenas tardes, quisiera hablar con alguien.", "+15555550177"))
    conversation = Conversation.objects.get(caregiver=family)
    assert conversation.owner == m.Staff.objects.get(user=world.personas["liaison"])
    assert conversation.school == world.north
    # The liaison reads Spanish: no rendition is needed.
    assert not Message.objects.get(direction="in").renditions.exists()
