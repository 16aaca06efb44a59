"""The SMS-only path: an invitation by text, "1" records the RSVP, a sentence reaches the inbox."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import World
from juntos.events.models import Invitation, Rsvp
from juntos.events.tests.helpers import (
    PHONE,
    TITLE_ES,
    invite_class,
    make_event,
    remember_spanish,
    sms_phone,
)
from juntos.messaging.models import Delivery, InboundPayload, Message, OutboxEntry
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio


@pytest.fixture(autouse=True)
def twilio(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = ""


def sms(body: str, phone: str = PHONE) -> Any:
    params = {
        "MessageSid": f"SM{abs(hash(body))}",
        "From": phone,
        "To": "+15005550006",
        "Body": body,
    }
    return post_twilio("/messaging/twilio/sms/", params, client=Client())


def test_a_one_replies_yes_and_a_sentence_goes_to_the_inbox(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    remember_spanish(world)
    sms_phone(world.north_family)
    event = make_event(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_class(world, event) == 1
    # The invitation went out by SMS, in Spanish, through the local outbox.
    delivery = Delivery.objects.get(caregiver=world.north_family)
    assert (delivery.channel, delivery.language) == ("sms", "es")
    entry = OutboxEntry.objects.get(idempotency_key=delivery.idempotency_key)
    assert entry.body.startswith(f"Le invitamos a {TITLE_ES} en North Elementary")
    assert f"/events/e/{event.pk}/" in entry.body
    assert Invitation.objects.get(event=event).message_id == delivery.message_id

    response = sms("1")
    assert response.status_code == 200
    rsvp = Rsvp.objects.get(event=event, caregiver=world.north_family)
    assert (rsvp.answer, rsvp.channel) == ("yes", "sms")
    assert rsvp.time_option == event.time_options.get()
    assert InboundPayload.objects.get(message__isnull=True).outcome == "event_rsvp"
    # The confirmation, in Spanish, echoes the family's own answer.
    assert 'Gracias, guardamos su respuesta "1" para ' + TITLE_ES in response.content.decode()
    assert not Message.objects.filter(direction="in").exists()

    sms("Sí, vamos los dos, pero llegaremos un poco tarde por el trabajo.")
    reply = Message.objects.get(direction="in")
    assert reply.conversation is not None and reply.conversation.caregiver == world.north_family
    rsvp.refresh_from_db()
    assert rsvp.answer == "yes"  # unchanged by the sentence

    sms("no")  # a word in a language the family knows changes the answer
    rsvp.refresh_from_db()
    assert (rsvp.answer, rsvp.time_option_id) == ("no", None)


def test_with_several_times_the_number_names_the_time(world: World) -> None:
    sms_phone(world.north_family)
    event = make_event(world, options=2)
    invite_class(world, event)
    sms("2")
    rsvp = Rsvp.objects.get()
    assert rsvp.answer == "yes"
    assert rsvp.time_option == event.time_options.order_by("starts_at")[1]
    sms("3")  # no third time: a person reads it
    assert Message.objects.filter(direction="in", body="3").exists()
    sms("sí")
    rsvp.refresh_from_db()
    assert (rsvp.answer, rsvp.time_option_id) == ("yes", None)


def test_a_number_with_no_sms_invitation_reaches_the_inbox(world: World) -> None:
    sms_phone(world.north_family)
    world.north_family.channel_preferences = ["email", "sms"]
    world.north_family.save(update_fields=["channel_preferences"])
    world.north_family.contacts.create(kind="email", value="rosa@example.org")
    event = make_event(world)
    invite_class(world, event)
    assert Delivery.objects.get().channel == "email"
    sms("1")
    assert not Rsvp.objects.exists()
    assert Message.objects.get(direction="in").body == "1"


def test_after_the_event_a_number_reaches_the_inbox(world: World) -> None:
    sms_phone(world.north_family)
    event = make_event(world)
    invite_class(world, event)
    with time_machine.travel(event.time_options.get().ends_at + timedelta(minutes=1)):
        sms("1")
    assert not Rsvp.objects.exists()
    assert Message.objects.get(direction="in").body == "1"
