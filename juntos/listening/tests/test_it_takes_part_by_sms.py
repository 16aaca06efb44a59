"""The SMS-only path: the question by text in the family's language, a free-text reply is an
idea, the answer sends another family's idea, and "1" agrees with it; what is not an answer
reaches the inbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from conftest import World
from juntos.listening import actions
from juntos.listening.models import Idea, Reaction
from juntos.listening.tests.helpers import (
    LAN_PHONE,
    QUESTION_VI,
    ROSA_PHONE,
    open_exchange,
    remember,
    remember_question,
    sms,
    sms_phone,
    staff,
)
from juntos.messaging.models import Delivery, InboundPayload, Message, OutboxEntry
from juntos.testing.webhooks import TWILIO_TOKEN

ROSA_IDEA = "Que la escuela tenga intérpretes en todas las reuniones de padres."
ROSA_IDEA_VI = "Trường nên có thông dịch viên trong tất cả các buổi họp phụ huynh."
LAN_IDEA = "Tôi muốn có lớp học tiếng Anh buổi tối cho phụ huynh tại trường."


@pytest.fixture(autouse=True)
def twilio(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = ""


def test_ideas_and_reactions_by_sms(world: World, django_capture_on_commit_callbacks: Any) -> None:
    rosa, lan = world.north_family, world.north_family_2
    sms_phone(rosa, ROSA_PHONE)
    sms_phone(lan, LAN_PHONE)
    remember_question(world)
    remember(world, "es", "vi", ROSA_IDEA, ROSA_IDEA_VI)
    with django_capture_on_commit_callbacks(execute=True):
        exchange = open_exchange(world)
    # The question reached Lan by SMS, in Vietnamese, with the link to the exchange's page.
    delivery = Delivery.objects.get(caregiver=lan, message=exchange.message)
    assert (delivery.channel, delivery.language) == ("sms", "vi")
    entry = OutboxEntry.objects.get(idempotency_key=delivery.idempotency_key)
    assert QUESTION_VI in entry.body
    assert f"/listening/x/{exchange.pk}/" in entry.body
    assert "Hãy trả lời tin nhắn này bằng ý kiến của quý vị" in entry.body

    # Rosa texts an idea: held for a moderator; nothing to react to yet.
    answer = sms(ROSA_IDEA, ROSA_PHONE).content.decode()
    assert "Gracias, recibimos su idea." in answer
    assert "No hay otras ideas para usted por ahora." in answer
    idea = Idea.objects.get()
    assert (idea.status, idea.channel, idea.language, idea.text) == (
        "pending", "sms", "es", ROSA_IDEA,
    )  # fmt: skip
    assert InboundPayload.objects.get(message__isnull=True).outcome == "listening_idea"
    actions.do_moderate_idea(by=staff(world, "liaison"), idea=idea, approve=True)

    # Lan texts an idea in Vietnamese: thanked, and sent Rosa's idea in Vietnamese.
    answer = sms(LAN_IDEA, LAN_PHONE).content.decode()
    assert "Cảm ơn, chúng tôi đã nhận được ý kiến của quý vị." in answer
    assert ROSA_IDEA_VI in answer
    assert "Trả lời 1 đồng ý, 2 không đồng ý, 3 bỏ qua." in answer
    lan_idea = Idea.objects.get(language="vi")
    assert lan_idea.status == "pending" and lan_idea.author is not None

    # "1" agrees with the idea sent to her; there is no other idea for her now.
    answer = sms("1", LAN_PHONE).content.decode()
    reaction = Reaction.objects.get()
    assert (reaction.idea, reaction.value, reaction.channel) == (idea, "agree", "sms")
    assert reaction.participant == lan_idea.author
    assert "Không còn ý kiến nào khác cho quý vị lúc này." in answer

    # Another "1" answers nothing: a person reads it. So does a family that was not asked.
    sms("1", LAN_PHONE)
    assert Message.objects.get(direction="in").body == "1"
    assert Reaction.objects.count() == 1
    assert not Message.objects.filter(direction="in", body=ROSA_IDEA).exists()


def test_a_closed_exchange_leaves_replies_to_the_inbox(world: World) -> None:
    sms_phone(world.north_family, ROSA_PHONE)
    exchange = open_exchange(world)
    actions.do_close_exchange(by=staff(world, "school_leader"), exchange=exchange)
    sms("Más clases de inglés para padres, por favor.", ROSA_PHONE)
    assert not Idea.objects.exists()
    assert Message.objects.get(direction="in").body.startswith("Más clases")


def test_an_exchange_and_an_event_both_waiting_leave_a_one_to_the_inbox(world: World) -> None:
    from juntos.events.tests.helpers import invite_class, make_event

    sms_phone(world.north_family, ROSA_PHONE)
    open_exchange(world)
    invite_class(world, make_event(world))
    sms("Más clases de inglés para padres, por favor.", ROSA_PHONE)
    assert not Idea.objects.exists()
    assert Message.objects.filter(direction="in").count() == 1


def test_texts_are_ideas_only_for_a_while_after_the_exchange_last_wrote(world: World) -> None:
    sms_phone(world.north_family, ROSA_PHONE)
    start = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        open_exchange(world)
        clock.shift(timedelta(days=2))
        sms("Más clases de inglés para padres, por favor.", ROSA_PHONE)  # an idea
        # Texting back ("no other ideas for now") keeps the session open three more days.
        clock.shift(timedelta(days=2, hours=23))
        sms("Y talleres de lectura los sábados.", ROSA_PHONE)
        assert Idea.objects.count() == 2
        clock.shift(timedelta(days=3, minutes=1))
        sms("¿A qué hora es la reunión del jueves?", ROSA_PHONE)
    assert Idea.objects.count() == 2
    assert Message.objects.get(direction="in").body.startswith("¿A qué hora")
