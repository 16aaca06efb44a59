"""A staff message to one family: rendered once in the family's language, one delivery, honest
about what could not be sent, and the conversation counts as answered."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from conftest import World
from juntos.language.actions import do_remember_translation
from juntos.language.models import HumanTranslationRequest, Method, Status
from juntos.messaging import actions, queries
from juntos.messaging.models import Conversation, Delivery, Message, MessageRendition, OutboxEntry
from juntos.people import models as m
from juntos.testing import factories as f

SENTENCE = "She helped a classmate with reading today."
SPANISH = "Hoy ayudó a una compañera con la lectura."


@pytest.fixture
def teacher(world: World) -> m.Staff:
    return m.Staff.objects.get(user=world.personas["teacher"])


@pytest.fixture
def rosa(world: World) -> m.Caregiver:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value="+15555550101", sms_capable=True
    )
    return world.north_family


def remember(world: World, source: str, target_text: str, language: str = "es") -> None:
    do_remember_translation(
        district_id=world.district.pk,
        source_language="en",
        target_language=language,
        source_text=source,
        target_text=target_text,
        method=Method.HUMAN,
        status=Status.REVIEWED,
    )


def test_a_progress_note_reaches_the_family_in_their_language(
    world: World, teacher: m.Staff, rosa: m.Caregiver, django_capture_on_commit_callbacks: Any
) -> None:
    remember(world, SENTENCE, SPANISH)
    conversation = actions.do_open_conversation(
        caregiver=rosa, owner=teacher, student_id=world.north_student.pk, school=world.north
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.do_send_conversation_message(
            by=teacher,
            conversation=conversation,
            body=SENTENCE,
            kind=Message.Kind.PROGRESS_POSITIVE,
            template_key="progress_note.positive",
            context={"student": "Ana", "teacher": "Ms. Lee"},
        )
    assert message.language == "en"
    assert message.body.startswith("Good news about Ana from Ms. Lee: " + SENTENCE)
    rendition = MessageRendition.objects.get(message=message)
    assert rendition.language == "es"
    # The Spanish template with the remembered sentence inside; provenance of the template.
    assert SPANISH in rendition.text and "Ana" in rendition.text
    assert rendition.method == Method.TEMPLATE
    delivery = Delivery.objects.get(message=message)
    assert (delivery.channel, delivery.to, delivery.language) == ("sms", "+15555550101", "es")
    assert delivery.status == Delivery.Status.DELIVERED  # the local outbox, run at commit
    entry = OutboxEntry.objects.get(idempotency_key=delivery.idempotency_key)
    assert SPANISH in entry.body and entry.language == "es"


def test_a_reply_answers_the_family_and_clears_the_flags(
    world: World, teacher: m.Staff, rosa: m.Caregiver
) -> None:
    waiting = timezone.now() - timedelta(days=4)
    conversation = Conversation.objects.create(
        caregiver=rosa,
        owner=teacher,
        unanswered_since=waiting,
        flagged_owner_at=waiting,
        flagged_leader_at=waiting,
    )
    incoming = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.IN,
        kind=Message.Kind.REPLY,
        body="¿A qué hora es la reunión?",
        language="es",
        created_at=waiting,
    )
    actions.do_send_conversation_message(
        by=teacher, conversation=conversation, body="The meeting is at 5 pm."
    )
    conversation.refresh_from_db()
    incoming.refresh_from_db()
    assert conversation.unanswered_since is None
    assert conversation.flagged_owner_at is None and conversation.flagged_leader_at is None
    assert conversation.last_staff_message_at is not None
    assert incoming.read_at is not None
    # No translation of this sentence anywhere: sent now with the interpreter offer on top.
    rendition = MessageRendition.objects.get(message__body="The meeting is at 5 pm.")
    assert rendition.details["needs_human"] is True
    assert rendition.text.endswith("The meeting is at 5 pm.")
    assert rendition.text != "The meeting is at 5 pm."


def test_the_same_conversation_is_reused_per_child(
    world: World, teacher: m.Staff, rosa: m.Caregiver
) -> None:
    first = actions.do_open_conversation(
        caregiver=rosa, owner=teacher, student_id=world.north_student.pk
    )
    again = actions.do_open_conversation(
        caregiver=rosa, owner=teacher, student_id=world.north_student.pk
    )
    general = actions.do_open_conversation(caregiver=rosa, owner=teacher)
    assert first.pk == again.pk
    assert general.pk != first.pk


def test_a_family_the_school_may_not_contact_gets_nothing(
    world: World, teacher: m.Staff, rosa: m.Caregiver
) -> None:
    m.CaregiverLink.objects.filter(caregiver=rosa).update(may_contact=False)
    conversation = actions.do_open_conversation(
        caregiver=rosa, owner=teacher, student_id=world.north_student.pk
    )
    message = actions.do_send_conversation_message(
        by=teacher, conversation=conversation, body="Hello"
    )
    delivery = Delivery.objects.get(message=message)
    assert (delivery.status, delivery.skip_reason) == ("skipped", actions.MAY_NOT_CONTACT)


def test_a_family_with_no_working_channel_is_reported(world: World, teacher: m.Staff) -> None:
    conversation = actions.do_open_conversation(caregiver=world.north_family, owner=teacher)
    message = actions.do_send_conversation_message(
        by=teacher, conversation=conversation, body="Hello"
    )
    delivery = Delivery.objects.get(message=message)
    assert (delivery.status, delivery.skip_reason) == ("skipped", actions.NO_CHANNEL)


def test_a_held_translation_waits_for_a_liaison(
    world: World, teacher: m.Staff, rosa: m.Caregiver, settings: Any
) -> None:
    settings.TRANSLATION_HOLD_FOR_HUMAN = True
    rosa.preferred_language = "so"
    rosa.save(update_fields=["preferred_language"])
    conversation = actions.do_open_conversation(caregiver=rosa, owner=teacher)
    message = actions.do_send_conversation_message(
        by=teacher, conversation=conversation, body="Your son did great work."
    )
    delivery = Delivery.objects.get(message=message)
    assert (delivery.status, delivery.skip_reason) == ("skipped", actions.HELD_FOR_HUMAN)
    request = HumanTranslationRequest.objects.get(waiting_kind="message")
    assert (request.waiting_id, request.target_language) == (str(message.pk), "so")
    assert MessageRendition.objects.get(message=message).details["held"] is True


def test_the_delivery_waits_for_the_family_window(
    world: World, teacher: m.Staff, rosa: m.Caregiver
) -> None:
    world.district.time_zone = "America/Chicago"
    world.district.save(update_fields=["time_zone"])
    m.ContactWindow.objects.create(
        caregiver=rosa, weekdays=[1, 2, 3, 4, 5], start=time(18, 0), end=time(20, 0)
    )
    rosa.time_zone = "America/Chicago"
    rosa.save(update_fields=["time_zone"])
    # Wednesday 2026-11-25 at 15:00 UTC is 09:00 in Chicago: wait until 18:00 there.
    with time_machine.travel(datetime(2026, 11, 25, 15, 0, tzinfo=UTC), tick=False):
        conversation = actions.do_open_conversation(caregiver=rosa, owner=teacher)
        message = actions.do_send_conversation_message(
            by=teacher, conversation=conversation, body="Hello"
        )
    delivery = Delivery.objects.get(message=message)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.not_before == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


def test_conversations_are_seen_by_who_may_see_the_family(
    world: World, teacher: m.Staff, rosa: m.Caregiver
) -> None:
    conversation = actions.do_open_conversation(caregiver=rosa, owner=teacher)
    seen = {
        name: queries.conversations_for(world.personas[name]).filter(pk=conversation.pk).exists()
        for name in ("district_admin", "school_leader", "liaison", "teacher", "other_teacher")
    }
    assert seen == {
        "district_admin": True,
        "school_leader": True,
        "liaison": True,
        "teacher": True,
        "other_teacher": False,
    }
    # An owner keeps sight of a thread handed to them even without a class link.
    other = m.Staff.objects.get(user=world.personas["other_teacher"])
    stranger = f.caregiver(district=world.district)
    handed = Conversation.objects.create(caregiver=stranger, owner=other)
    assert queries.conversations_for(world.personas["other_teacher"]).filter(pk=handed.pk).exists()
    assert not queries.conversations_for(world.personas["teacher"]).filter(pk=handed.pk).exists()
