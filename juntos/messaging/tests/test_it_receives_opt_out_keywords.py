"""STOP, START and HELP by SMS, in the family's language, are honoured and confirmed."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import World
from juntos.messaging import actions
from juntos.messaging.models import Delivery, InboundPayload, Message, OutboxEntry
from juntos.people import models as m
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio

TOKEN = TWILIO_TOKEN
BASE = "http://testserver"
PATH = "/messaging/twilio/sms/"
PHONE = "+15555550101"


@pytest.fixture
def signed(settings: Any) -> Any:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = ""
    return settings


@pytest.fixture
def rosa(world: World) -> m.Caregiver:
    """Rosa (Spanish) and her partner share one phone; Rosa also has email."""
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=PHONE, sms_capable=True
    )
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="email", value="rosa@example.org"
    )
    partner = m.Caregiver.objects.create(
        district=world.district, given_name="Luis", preferred_language="es"
    )
    m.CaregiverLink.objects.create(
        caregiver=partner, student=world.north_student, relationship="father"
    )
    m.ContactPoint.objects.create(caregiver=partner, kind="phone", value=PHONE, sms_capable=True)
    return world.north_family


def text(body: str) -> Any:
    params = {"MessageSid": "SM9", "From": PHONE, "To": "+15005550006", "Body": body}
    return post_twilio(PATH, params)


def opted_out() -> list[bool]:
    return [c.opted_out_at is not None for c in m.ContactPoint.objects.filter(kind="phone")]


@pytest.mark.parametrize("word", ["STOP", "parar", "Cancelar "])
def test_stop_opts_the_number_out_and_confirms_in_spanish(
    signed: Any, rosa: m.Caregiver, word: str
) -> None:
    response = text(word)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    content = response.content.decode()
    assert content.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    # The Spanish confirmation, signed with Ana's school.
    assert "North Elementary" in content
    assert "Ya no recibirá mensajes de texto de North Elementary" in content
    assert opted_out() == [True, True]
    assert InboundPayload.objects.get().outcome == "opt_out"
    assert not Message.objects.filter(direction="in").exists()


def test_after_stop_an_announcement_sends_no_sms_to_that_phone(
    signed: Any, world: World, rosa: m.Caregiver
) -> None:
    text("STOP")
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    actions.do_send_announcement(
        by=teacher,
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        body="Picture day is Friday.",
        source_language="en",
    )
    # The sync worker: send every row that was written.
    actions.do_send_deliveries(ids=list(Delivery.objects.values_list("pk", flat=True)))
    assert not OutboxEntry.objects.filter(channel="sms", to=PHONE).exists()
    assert not Delivery.objects.filter(channel="sms", to=PHONE, status="delivered").exists()
    # Rosa still hears from the school, by email.
    assert OutboxEntry.objects.filter(channel="email", to="rosa@example.org").exists()


def test_start_opts_the_number_back_in(signed: Any, rosa: m.Caregiver) -> None:
    text("STOP")
    response = text("start")
    assert response.status_code == 200
    assert b"<Message>" in response.content
    assert opted_out() == [False, False]
    assert InboundPayload.objects.order_by("pk").last().outcome == "opt_in"  # type: ignore[union-attr]


def test_help_answers_in_the_family_language_and_changes_nothing(
    signed: Any, rosa: m.Caregiver
) -> None:
    response = text("AYUDA")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<Message>" in content and "+15005550006" in content
    assert opted_out() == [False, False]
    assert InboundPayload.objects.get().outcome == "help"
