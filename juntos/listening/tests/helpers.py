"""Shared set-up for the idea-exchange tests: an exchange at North, SMS phones, sessions."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.language.actions import do_remember_translation
from juntos.language.models import Method, Status
from juntos.listening import actions
from juntos.listening.models import IdeaExchange
from juntos.people import models as m
from juntos.portal.session import SESSION_KEY
from juntos.testing.webhooks import post_twilio

QUESTION = "What would help your family feel welcome at school?"
QUESTION_ES = "¿Qué ayudaría a su familia a sentirse bienvenida en la escuela?"
QUESTION_VI = "Điều gì sẽ giúp gia đình quý vị cảm thấy được chào đón ở trường?"
ROSA_PHONE = "+15555550101"
LAN_PHONE = "+15555550102"


def staff(world: World, persona: str) -> m.Staff:
    return m.Staff.objects.get(user=world.personas[persona])


def remember(world: World, source: str, target: str, text: str, translation: str) -> None:
    """What a liaison who speaks the language translated once (translation memory)."""
    do_remember_translation(
        district_id=world.district.pk,
        source_language=source,
        target_language=target,
        source_text=text,
        target_text=translation,
        method=Method.HUMAN,
        status=Status.REVIEWED,
    )


def remember_question(world: World) -> None:
    remember(world, "en", "es", QUESTION, QUESTION_ES)
    remember(world, "en", "vi", QUESTION, QUESTION_VI)


def make_exchange(world: World, **fields: Any) -> IdeaExchange:
    values: dict[str, Any] = {
        "question": QUESTION,
        "audience_kind": "school",
        "audience_ref": {"ids": [world.north.pk]},
    } | fields
    return actions.do_create_exchange(
        by=staff(world, "school_leader"), school=world.north, **values
    )


def open_exchange(world: World, **fields: Any) -> IdeaExchange:
    exchange = make_exchange(world, **fields)
    actions.do_open_exchange(by=staff(world, "school_leader"), exchange=exchange)
    exchange.refresh_from_db()
    return exchange


def sms_phone(caregiver: m.Caregiver, phone: str) -> None:
    m.ContactPoint.objects.create(caregiver=caregiver, kind="phone", value=phone, sms_capable=True)


def sms(body: str, phone: str) -> Any:
    """A text from ``phone`` through Twilio's signed webhook."""
    params = {
        "MessageSid": f"SM{abs(hash((body, phone)))}",
        "From": phone,
        "To": "+15005550006",
        "Body": body,
    }
    return post_twilio("/messaging/twilio/sms/", params, client=Client())


def family_client(caregiver: m.Caregiver) -> Client:
    """A browser with a family session for ``caregiver`` (as the portal's magic link sets)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = caregiver.pk
    session.save()
    return client


def staff_client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client
