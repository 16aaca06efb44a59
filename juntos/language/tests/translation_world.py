"""Rows the translation pages' URL authorization checks share (tests/test_it_authorizes_every_url).

Each helper builds its rows once per ``world`` (kept on the object), at North Elementary, in
Spanish (North's liaison speaks it): a human translation request, and a teacher's message to
North's family with a machine translation to review.
"""

from __future__ import annotations

from typing import Any

from juntos.language import actions
from juntos.language.models import HumanTranslationRequest, Method
from juntos.messaging.models import Conversation, Message, MessageRendition
from juntos.people import models as m

SENTENCE = "Ana read her first chapter book today."


def north_request(world: Any) -> HumanTranslationRequest:
    if getattr(world, "_north_request", None) is None:
        world._north_request = actions.do_request_human_translation(
            district=world.district,
            school=world.north,
            source_text=SENTENCE,
            source_language="en",
            target_language="es",
            requested_by=world.personas["teacher"],
        )
    request: HumanTranslationRequest = world._north_request
    return request


def north_message(world: Any) -> Message:
    """A teacher's message to North's family, with a Spanish machine translation."""
    if getattr(world, "_north_message", None) is None:
        teacher = m.Staff.objects.get(user=world.personas["teacher"])
        memory = actions.do_remember_translation(
            district_id=world.district.pk,
            source_language="en",
            target_language="es",
            source_text=SENTENCE,
            target_text="Ana leyó hoy su primer libro de capítulos.",
            method=Method.MACHINE,
            provider="libretranslate",
        )
        conversation = Conversation.objects.filter(caregiver=world.north_family).first()
        if conversation is None:
            conversation = Conversation.objects.create(
                caregiver=world.north_family, owner=teacher, school=world.north
            )
        message = Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.OUT,
            kind=Message.Kind.REPLY,
            author=teacher,
            body=SENTENCE,
            language="en",
        )
        MessageRendition.objects.create(
            message=message,
            language="es",
            text=memory.target_text,
            method="memory",
            status="draft",
            machine_notice=True,
            details={"text": memory.target_text, "memory_id": memory.pk, "method": "memory"},
        )
        world._north_message = message
    found: Message = world._north_message
    return found


def north_rendition(world: Any) -> MessageRendition:
    return north_message(world).renditions.get(language="es")
