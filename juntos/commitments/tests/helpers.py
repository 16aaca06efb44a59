"""Shared set-up for the commitment tests: families' replies and ideas at North, phones, staff."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.commitments.actions import do_create_commitment
from juntos.commitments.models import Commitment
from juntos.language.actions import do_remember_translation
from juntos.language.models import Method, Status
from juntos.listening import actions as listening
from juntos.listening.models import Idea
from juntos.messaging.models import Message
from juntos.people import models as m
from juntos.portal.actions import do_receive_portal_reply

ROSA_PHONE = "+15555550101"
LAN_PHONE = "+15555550102"
TITLE = "Evening English classes for parents"
TITLE_ES = "Clases de inglés por la noche para padres"
TITLE_VI = "Lớp học tiếng Anh buổi tối cho phụ huynh"


def staff(world: World, persona: str) -> m.Staff:
    return m.Staff.objects.get(user=world.personas[persona])


def staff_client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def sms_phone(caregiver: m.Caregiver, phone: str) -> None:
    m.ContactPoint.objects.create(caregiver=caregiver, kind="phone", value=phone, sms_capable=True)


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


def reply(caregiver: m.Caregiver, body: str) -> Message:
    """A family's message to the school, written on the family page."""
    return do_receive_portal_reply(caregiver=caregiver, body=body)


def approved_idea(world: World, caregiver: m.Caregiver, text: str, exchange: Any = None) -> Idea:
    """An idea of ``caregiver`` in an open exchange of North, approved by the liaison."""
    if exchange is None:
        exchange = listening.do_create_exchange(
            by=staff(world, "school_leader"),
            school=world.north,
            question="What would help your family feel welcome at school?",
            audience_kind="school",
            audience_ref={"ids": [world.north.pk]},
        )
        listening.do_open_exchange(by=staff(world, "school_leader"), exchange=exchange)
    idea = listening.do_add_idea(
        exchange=exchange, caregiver=caregiver, text=text, channel="portal"
    )
    return listening.do_moderate_idea(by=staff(world, "liaison"), idea=idea, approve=True)


def commitment(world: World, **fields: Any) -> Commitment:
    values: dict[str, Any] = {"kind": "action", "title": TITLE, "source_language": "en"} | fields
    return do_create_commitment(by=staff(world, "school_leader"), school=world.north, **values)
