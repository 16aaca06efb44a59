"""Small builders shared by the inbox tests: a family reply arriving through the real Twilio
webhook, and signed-in clients for the personas."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.messaging.models import Conversation, Message
from juntos.people import models as m
from juntos.testing.webhooks import post_twilio

BASE = "https://juntos.example.org"
SMS_PATH = "/messaging/twilio/sms/"
ROSA_PHONE = "+15555550101"
SPANISH = "Hola maestra, mi hija no podrá ir a la escuela mañana porque tiene cita con el médico."


def sign(settings: Any) -> None:
    from juntos.testing.webhooks import TWILIO_TOKEN

    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = BASE


def give_phone(caregiver: m.Caregiver, phone: str = ROSA_PHONE) -> m.Caregiver:
    m.ContactPoint.objects.get_or_create(
        caregiver=caregiver, kind="phone", value=phone, defaults={"sms_capable": True}
    )
    return caregiver


def text_in(body: str = SPANISH, sender: str = ROSA_PHONE) -> Message:
    """A family's SMS through the signed webhook; returns the stored message."""
    response = post_twilio(
        SMS_PATH,
        {"MessageSid": "SM" + str(Message.objects.count()), "From": sender, "To": "+15005550006",
         "Body": body},
        origin=BASE,
    )  # fmt: skip
    assert response.status_code == 200
    return Message.objects.filter(direction="in").latest("pk")


def client_as(world: World, persona: str) -> Client:
    client = Client()
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    return client


def staff(world: World, persona: str) -> m.Staff:
    return m.Staff.objects.get(user=world.personas[persona])


def conversation_of(message: Message) -> Conversation:
    assert message.conversation is not None
    return message.conversation
