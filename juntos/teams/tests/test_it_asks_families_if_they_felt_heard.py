"""After a meeting, each family member who came is asked "Did you feel heard today?" in their
language and on their channel; a link or a text reply from 1 to 5 answers, anonymously."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.messaging.models import Delivery, Message, OutboxEntry
from juntos.people import models as m
from juntos.teams.actions import do_end_meeting, do_mark_attendance, do_start_meeting
from juntos.teams.models import PulseAnswer, PulseInvitation
from juntos.teams.tests.helpers import room, staff
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)
ROSA = "+15555550101"
LAN = "+15555550102"
LINK = re.compile(r"https?://\S+/teams/pulse/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def twilio(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = "https://juntos.example.org"


def ended_meeting(world: World, capture: Any) -> Any:
    for caregiver, phone in ((world.north_family, ROSA), (world.north_family_2, LAN)):
        m.ContactPoint.objects.create(
            caregiver=caregiver, kind="phone", value=phone, sms_capable=True
        )
    r = room(world, T0)
    # The meeting ends now: a text reply answers within PULSE_DAYS of the end.
    do_start_meeting(meeting=r.meeting)
    for member in (r.leader, r.teacher, r.rosa, r.lan):
        do_mark_attendance(meeting=r.meeting, member=member)
    with capture(execute=True):
        do_end_meeting(meeting=r.meeting, by=staff(world, "school_leader"))
    return r


def test_each_family_member_gets_the_pulse_in_their_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    r = ended_meeting(world, django_capture_on_commit_callbacks)
    # Families only: staff answer on the meeting page.
    assert Delivery.objects.filter(caregiver__isnull=False).count() == 2
    rosa = OutboxEntry.objects.get(to=ROSA)
    assert rosa.language == "es"
    assert rosa.body.startswith("¿Sintió que le escucharon hoy en la reunión de ")
    lan = OutboxEntry.objects.get(to=LAN)
    assert lan.language == "vi" and "cảm thấy được lắng nghe" in lan.body
    assert r.team.name in rosa.body

    # Rosa opens her link: a page in Spanish, no sign-in, one answer.
    token = LINK.search(rosa.body).group(1)  # type: ignore[union-attr]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(f"/teams/pulse/{token}/")
    assert page.status_code == 200 and page["Content-Language"] == "es"
    assert "¿Sintió hoy que le escucharon?" in page.content.decode()
    assert client.post(f"/teams/pulse/{token}/", {"score": "7"}).status_code == 400
    done = client.post(f"/teams/pulse/{token}/", {"score": "2"})
    assert "Gracias. Su respuesta es anónima." in done.content.decode()
    again = client.post(f"/teams/pulse/{token}/", {"score": "5"})
    # "You already answered." in Spanish (the wording is shared with other family pages).
    assert "respondió" in again.content.decode() and again["Content-Language"] == "es"
    assert list(PulseAnswer.objects.values_list("score", flat=True)) == [2]
    unknown = client.get("/teams/pulse/nothing-here/", HTTP_ACCEPT_LANGUAGE="fr")
    assert unknown.status_code == 404 and "Ce lien n'est pas valide." in unknown.content.decode()


def test_a_text_reply_answers_and_a_sentence_goes_to_the_inbox(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    r = ended_meeting(world, django_capture_on_commit_callbacks)
    settings.PUBLIC_BASE_URL = ""  # the webhook's signature covers the test server's address

    def sms(body: str, sid: str) -> Any:
        params = {"MessageSid": sid, "From": LAN, "To": "+15005550006", "Body": body}
        return post_twilio("/messaging/twilio/sms/", params, client=Client())

    inbox_before = Message.objects.filter(direction="in").count()
    sentence = sms("Cuộc họp rất tốt, cảm ơn", "SM1")
    assert sentence.status_code == 200
    assert Message.objects.filter(direction="in").count() == inbox_before + 1
    assert not PulseAnswer.objects.exists()

    answer = sms("٤", "SM2")  # an Arabic-Indic four still reads as 4
    assert "Cảm ơn quý vị." in answer.content.decode()
    assert list(PulseAnswer.objects.values_list("score", flat=True)) == [4]
    assert PulseInvitation.objects.get(member=r.lan).used
    # A second number is no longer a pulse answer: it reaches the inbox.
    sms("5", "SM3")
    assert PulseAnswer.objects.count() == 1
    assert Message.objects.filter(direction="in").count() == inbox_before + 2
