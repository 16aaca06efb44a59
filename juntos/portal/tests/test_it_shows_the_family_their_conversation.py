"""The family page shows the school's messages as the family received them (Spanish), with the
original a click away, and the family's own messages; sign-in links are not part of it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.language.actions import do_remember_translation
from juntos.language.models import Method, Status
from juntos.messaging import actions as messaging
from juntos.people import models as m
from juntos.portal import actions
from juntos.portal.tests.conftest import Ask, signed_in

NOTE = "Ana read a whole chapter aloud today."
NOTA = "Hoy Ana leyó un capítulo entero en voz alta."


def test_a_family_with_no_messages_is_told_kindly(rosa: m.Caregiver, ask: Ask) -> None:
    page = signed_in(Client(), ask).get("/family/")
    text = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="es"' in text
    assert "Hola, Rosa" in text
    assert "Todavía no hay mensajes." in text
    assert "/family/in/" not in text  # the sign-in text is not a conversation message


def test_the_school_message_is_shown_in_spanish_with_the_original(
    world: World, rosa: m.Caregiver, ask: Ask, django_capture_on_commit_callbacks: Any
) -> None:
    do_remember_translation(
        district_id=world.district.pk, source_language="en", target_language="es",
        source_text=NOTE, target_text=NOTA, method=Method.HUMAN, status=Status.REVIEWED,
    )  # fmt: skip
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    conversation = messaging.do_open_conversation(
        caregiver=rosa, owner=teacher, student_id=world.north_student.pk, school=world.north
    )
    with django_capture_on_commit_callbacks(execute=True):
        messaging.do_send_conversation_message(by=teacher, conversation=conversation, body=NOTE)
    actions.do_receive_portal_reply(caregiver=rosa, body="¡Qué bien! Gracias.")
    text = signed_in(Client(), ask).get("/family/").content.decode()
    assert NOTA in text
    assert "Ver el original" in text
    assert f'<p lang="en" dir="auto">{NOTE}</p>' in text
    assert text.index(NOTA) < text.index("¡Qué bien! Gracias.")  # newest last
