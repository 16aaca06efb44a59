"""A family offered times by text answers with a number and is booked, in their language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from juntos.conferences import actions
from juntos.conferences.models import Booking, ConferenceOffer
from juntos.conferences.tests.helpers import slot, staff_of, tomorrow_at
from juntos.messaging.models import InboundPayload, Message, MessageRendition
from juntos.people import models as m
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio

PHONE = "+15555550123"


@pytest.fixture
def offered(settings: Any, world: Any) -> ConferenceOffer:
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = ""
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=PHONE, sms_capable=True
    )
    teacher = staff_of(world, "teacher")
    for hour in (15, 16, 17):
        slot(teacher, world.north, tomorrow_at(hour))
    return actions.do_offer_slots(
        by=teacher, caregiver=world.north_family, student_id=world.north_student.pk
    )


def sms(body: str) -> Any:
    params = {"MessageSid": "SM1", "From": PHONE, "To": "+15005550006", "Body": body}
    return post_twilio("/messaging/twilio/sms/", params, client=Client())


def test_the_offer_goes_out_numbered_in_the_familys_language(offered: ConferenceOffer) -> None:
    rendition = MessageRendition.objects.get(message__kind="reply", language="es")
    assert rendition.text.startswith("Staff")  # the teacher's name, then Spanish
    assert "Responda con un número para elegir un horario" in rendition.text
    assert "\n1) " in rendition.text and "\n3) " in rendition.text
    assert rendition.method == "template"
    assert len(offered.slot_ids) == 3


def test_a_number_books_that_time_and_answers_in_spanish(
    offered: ConferenceOffer, world: Any
) -> None:
    response = sms("2")
    assert response.status_code == 200
    assert "Reservado: su reunión con" in response.content.decode()
    booking = Booking.objects.get()
    assert booking.slot_id == offered.slot_ids[1]
    assert booking.created_via == "sms"
    assert booking.interpreter == staff_of(world, "liaison")  # Spanish, teacher speaks English
    assert InboundPayload.objects.get().outcome == "conference"
    assert not Message.objects.filter(direction="in").exists()


def test_a_taken_time_is_answered_with_the_numbers_still_open(
    offered: ConferenceOffer, world: Any
) -> None:
    taken = offered.slot_ids[0]
    Booking.objects.create(
        slot_id=taken, caregiver=world.north_family_2, student=world.north_student_2,
        starts_at=tomorrow_at(15), ends_at=tomorrow_at(15, 20), created_via="staff",
    )  # fmt: skip
    answer = sms("1").content.decode()
    assert "Lo sentimos, ese horario ya no está disponible" in answer
    assert "2) " in answer and "3) " in answer and "1) " not in answer
    assert Booking.objects.count() == 1


def test_a_sentence_or_a_number_out_of_range_goes_to_the_inbox(
    offered: ConferenceOffer,
) -> None:
    sms("¿Puede ser el viernes por la tarde?")
    sms("7")
    assert list(InboundPayload.objects.values_list("outcome", flat=True)) == ["reply", "reply"]
    assert not Booking.objects.exists()
