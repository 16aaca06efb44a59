"""A message written on the family page joins the family's conversation like a text would: the
teacher owns it, it shows in her inbox with a rendition in her language, and bad input is said
in the family's language with the text kept."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.messaging import queries
from juntos.messaging.models import Conversation, Message
from juntos.people import models as m
from juntos.portal import actions
from juntos.portal.tests.conftest import Ask, signed_in

REPLY = "Gracias, maestra. Ana va a traer el libro mañana."


def test_a_reply_lands_in_the_teachers_inbox(
    world: World, rosa: m.Caregiver, ask: Ask, django_capture_on_commit_callbacks: Any
) -> None:
    family = signed_in(Client(), ask)
    with django_capture_on_commit_callbacks(execute=True):
        response = family.post("/family/reply/", {"body": REPLY})
    assert response.status_code == 302
    assert response["Location"] == "/family/?sent=1#reply"
    conversation = Conversation.objects.get(caregiver=rosa)
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    assert conversation.owner == teacher
    assert conversation.unanswered_since is not None
    message = Message.objects.get(conversation=conversation)
    assert (message.direction, message.kind, message.body) == ("in", "reply", REPLY)
    assert message.language == "es"
    assert message.renditions.filter(language="en").exists()  # what the teacher reads
    assert queries.conversations_for(world.personas["teacher"]).filter(pk=conversation.pk).exists()
    assert not queries.conversations_for(world.personas["other_teacher"]).exists()
    teacher_client = Client()
    teacher_client.force_login(world.personas["teacher"])
    assert "Rosa" in teacher_client.get("/messaging/inbox/").content.decode()
    page = family.get("/family/?sent=1").content.decode()
    assert REPLY in page
    assert "Enviado. La escuela le responderá." in page


def test_a_second_reply_joins_the_same_conversation(world: World, rosa: m.Caregiver) -> None:
    first = actions.do_receive_portal_reply(caregiver=rosa, body="Hola")
    second = actions.do_receive_portal_reply(caregiver=rosa, body="¿Hay clase el viernes?")
    assert first.conversation_id == second.conversation_id


def test_an_empty_or_too_long_reply_is_refused_in_spanish_and_kept(
    rosa: m.Caregiver, ask: Ask
) -> None:
    family = signed_in(Client(), ask)
    empty = family.post("/family/reply/", {"body": "   "})
    assert empty.status_code == 400
    assert "Por favor, escriba un mensaje primero." in empty.content.decode()
    long_text = "Mucho texto. " * 200
    too_long = family.post("/family/reply/", {"body": long_text})
    assert too_long.status_code == 400
    text = too_long.content.decode()
    assert "Este mensaje es demasiado largo" in text
    assert long_text.strip() in text
    assert not Message.objects.filter(direction="in").exists()
