"""Liaisons translate from /staff/translations/: the requests in their languages at their
schools, and the machine or draft translations families received, to check or correct."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from juntos.language import actions
from juntos.language.models import HumanTranslationRequest, Method, Status, TranslationMemory
from juntos.messaging.models import Conversation, Delivery, Message, MessageRendition
from juntos.people import models as m
from juntos.testing import factories as f

SENTENCE = "Ana read her first chapter book today."
SPANISH = "Ana leyó hoy su primer libro por capítulos."
Request = HumanTranslationRequest


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(world: World, language: str = "es", *, school: Any = None, **extra: Any) -> Request:
    return actions.do_request_human_translation(
        district=world.district,
        school=school or world.north,
        source_text=extra.pop("text", SENTENCE),
        source_language="en",
        target_language=language,
        requested_by=world.personas["teacher"],
        **extra,
    )


def test_a_liaison_sees_a_request_in_their_language_and_completes_it(world: World) -> None:
    request = ask(world, waiting_kind="message", waiting_id="7")
    client = client_for(world.personas["liaison"])

    page = client.get(reverse("language:queue")).content.decode()
    assert SENTENCE in page
    assert reverse("language:request", args=[request.pk]) in page
    detail = client.get(reverse("language:request", args=[request.pk])).content.decode()
    assert "Message 7 to one family" in detail

    response = client.post(reverse("language:translate", args=[request.pk]), {"text": SPANISH})

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.result_text) == (Request.Status.DONE, SPANISH)
    memory = TranslationMemory.objects.get(target_language="es", source_text=SENTENCE)
    assert (memory.target_text, memory.method, memory.status) == (
        SPANISH, Method.HUMAN, Status.REVIEWED,
    )  # fmt: skip
    assert memory.reviewed_by == world.personas["liaison"]
    # Done requests leave the queue.
    assert SENTENCE not in client.get(reverse("language:queue")).content.decode()


@pytest.mark.parametrize("persona", ["teacher", "counselor", "school_leader", "other_teacher"])
def test_staff_who_do_not_translate_are_refused(world: World, persona: str) -> None:
    request = ask(world)
    client = client_for(world.personas[persona])
    assert client.get(reverse("language:queue")).status_code == 403
    assert client.get(reverse("language:request", args=[request.pk])).status_code == 403
    response = client.post(reverse("language:translate", args=[request.pk]), {"text": SPANISH})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == Request.Status.ASSIGNED


def test_a_liaison_of_another_school_does_not_see_it(world: World) -> None:
    south_liaison = f.staff_with_role(
        m.Role.LIAISON, school=world.south, username="south_liaison",
        district=world.district, languages=("es",),
    ).user  # fmt: skip
    request = ask(world)
    client = client_for(south_liaison)
    assert SENTENCE not in client.get(reverse("language:queue")).content.decode()
    assert client.get(reverse("language:request", args=[request.pk])).status_code == 404
    response = client.post(reverse("language:translate", args=[request.pk]), {"text": SPANISH})
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == Request.Status.ASSIGNED


def test_a_liaison_who_does_not_speak_the_language_does_not_see_it(world: World) -> None:
    ask(world, "vi")
    page = client_for(world.personas["liaison"]).get(reverse("language:queue"))
    assert SENTENCE not in page.content.decode()


def test_the_district_admin_sees_every_request_and_an_overdue_one_stands_out(
    world: World,
) -> None:
    late = ask(world, "so", school=world.south)
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=2))
    ask(world, "es", text="Field trip forms are due Friday.")
    page = client_for(world.personas["district_admin"]).get(reverse("language:queue"))
    html = page.content.decode()
    assert SENTENCE in html and "Field trip forms are due Friday." in html
    late_row = re.search(r'<tr class="overdue">(.*?)</tr>', html, re.S)
    assert late_row is not None and SENTENCE in late_row.group(1)
    assert "overdue" in late_row.group(1)
    assert html.count('class="overdue"') == 1


def test_a_refused_translation_is_shown_again_with_the_reason(world: World) -> None:
    request = ask(world, text="{student} read a chapter book today.")
    client = client_for(world.personas["liaison"])
    typed = "Ana leyó un libro hoy."  # the placeholder is lost
    response = client.post(reverse("language:translate", args=[request.pk]), {"text": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "missing {student}" in html
    assert typed in html  # nothing typed is lost
    request.refresh_from_db()
    assert request.status == Request.Status.ASSIGNED


def test_arabic_is_written_in_a_right_to_left_box(world: World) -> None:
    arabic_liaison = f.staff_with_role(
        m.Role.LIAISON, school=world.north, username="arabic_liaison",
        district=world.district, languages=("ar",),
    ).user  # fmt: skip
    request = ask(world, "ar")
    html = client_for(arabic_liaison).get(reverse("language:request", args=[request.pk]))
    textarea = re.search(r"<textarea[^>]*>", html.content.decode())
    assert textarea is not None
    assert 'dir="auto"' in textarea.group(0)
    assert 'lang="ar"' in textarea.group(0)


def test_a_speaker_claims_an_open_request_and_can_give_it_back(world: World) -> None:
    # Nobody at North speaks Portuguese when it is asked: it stays open.
    request = ask(world, "pt")
    assert request.status == Request.Status.OPEN
    speaker = f.staff_with_role(
        m.Role.LIAISON, school=world.north, username="pt_liaison",
        district=world.district, languages=("pt",),
    ).user  # fmt: skip
    client = client_for(speaker)
    assert SENTENCE in client.get(reverse("language:queue")).content.decode()

    client.post(reverse("language:claim", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == Request.Status.ASSIGNED
    assert request.assigned_to is not None and request.assigned_to.user == speaker

    client.post(reverse("language:decline", args=[request.pk]))
    request.refresh_from_db()
    # Nobody else speaks it: it is open again, for the district admin to assign.
    assert (request.status, request.assigned_to_id) == (Request.Status.OPEN, None)


def test_a_declined_request_goes_to_another_speaker(world: World) -> None:
    request = ask(world, "es")
    second = f.staff_with_role(
        m.Role.LIAISON, school=world.north, username="second_es",
        district=world.district, languages=("es",),
    )  # fmt: skip
    client_for(world.personas["liaison"]).post(reverse("language:decline", args=[request.pk]))
    request.refresh_from_db()
    assert request.assigned_to == second


def test_the_district_admin_assigns_an_open_request(world: World) -> None:
    request = ask(world, "so", school=world.south)
    speaker = f.staff_with_role(
        m.Role.TEACHER, school=world.north, username="so_teacher",
        district=world.district, languages=("so",),
    )  # fmt: skip
    client = client_for(world.personas["district_admin"])
    page = client.get(reverse("language:request", args=[request.pk])).content.decode()
    assert speaker.display_name in page
    client.post(reverse("language:assign", args=[request.pk]), {"staff": speaker.pk})
    request.refresh_from_db()
    assert request.assigned_to == speaker


def machine_rendition(world: World, *, delivered: bool) -> MessageRendition:
    """A Spanish machine translation of a teacher's note to North's family."""
    memory = actions.do_remember_translation(
        district_id=world.district.pk, source_language="en", target_language="es",
        source_text=SENTENCE, target_text="Ana leyó su primero libro de capítulos hoy.",
        method=Method.MACHINE, provider="libretranslate",
    )  # fmt: skip
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    conversation = Conversation.objects.create(
        caregiver=world.north_family, owner=teacher, school=world.north
    )
    message = Message.objects.create(
        conversation=conversation, direction="out", kind="reply", author=teacher,
        body=SENTENCE, language="en",
    )  # fmt: skip
    details = {
        "text": memory.target_text, "language": "es", "method": "memory", "status": "draft",
        "reviewer_id": None, "machine_notice": True, "source_text": SENTENCE,
        "source_language": "en", "needs_human": False, "requested_language": "es",
        "memory_id": memory.pk, "origin_method": "machine", "held": False,
    }  # fmt: skip
    rendition = MessageRendition.objects.create(
        message=message, language="es", text=memory.target_text + "\n\n(notice)",
        method="memory", status="draft", machine_notice=True, details=details,
    )  # fmt: skip
    Delivery.objects.create(
        message=message, caregiver=world.north_family, channel="sms", to="+15555550101",
        language="es", status="delivered" if delivered else "pending",
        idempotency_key=f"d{message.pk}-{world.north_family.pk}-sms",
    )  # fmt: skip
    return rendition


def test_a_liaison_corrects_a_machine_translation_already_sent(world: World) -> None:
    rendition = machine_rendition(world, delivered=True)
    client = client_for(world.personas["liaison"])
    listing = client.get(reverse("language:review_list")).content.decode()
    assert reverse("language:review_rendition", args=[rendition.pk]) in listing

    response = client.post(
        reverse("language:review_rendition", args=[rendition.pk]),
        {"action": "correct", "text": SPANISH},
    )

    assert response.status_code == 302
    memory = TranslationMemory.objects.get(target_language="es", source_text=SENTENCE)
    assert (memory.target_text, memory.method, memory.status) == (
        SPANISH, Method.HUMAN, Status.REVIEWED,
    )  # fmt: skip
    rendition.refresh_from_db()
    # What the family received stays as it was (it is not sent again); the correction is kept.
    assert rendition.text.startswith("Ana leyó su primero")
    assert rendition.details["correction"]["text"] == SPANISH
    assert rendition.details["correction"]["resent"] is False
    assert (rendition.status, rendition.reviewer) == ("reviewed", world.personas["liaison"])
    assert Delivery.objects.get(message=rendition.message).status == "delivered"
    assert (
        reverse("language:review_rendition", args=[rendition.pk])
        not in client.get(reverse("language:review_list")).content.decode()
    )


def test_a_correction_before_sending_is_what_the_family_gets(world: World) -> None:
    rendition = machine_rendition(world, delivered=False)
    client_for(world.personas["liaison"]).post(
        reverse("language:review_rendition", args=[rendition.pk]),
        {"action": "correct", "text": SPANISH},
    )
    rendition.refresh_from_db()
    assert rendition.text == SPANISH
    assert (rendition.method, rendition.machine_notice) == ("human", False)
    assert rendition.details["history"][0]["text"].startswith("Ana leyó su primero")


def test_marking_a_machine_translation_checked_removes_its_label(world: World) -> None:
    rendition = machine_rendition(world, delivered=False)
    client_for(world.personas["liaison"]).post(
        reverse("language:review_rendition", args=[rendition.pk]), {"action": "review"}
    )
    memory = TranslationMemory.objects.get(target_language="es", source_text=SENTENCE)
    assert (memory.status, memory.method) == (Status.REVIEWED, Method.MACHINE)
    rendition.refresh_from_db()
    assert (rendition.status, rendition.machine_notice) == ("reviewed", False)
    assert rendition.text == "Ana leyó su primero libro de capítulos hoy."


def test_review_is_scoped_to_the_liaison_languages_and_families(world: World) -> None:
    rendition = machine_rendition(world, delivered=True)
    vietnamese = f.staff_with_role(
        m.Role.LIAISON, school=world.north, username="vi_liaison",
        district=world.district, languages=("vi",),
    ).user  # fmt: skip
    south_spanish = f.staff_with_role(
        m.Role.LIAISON, school=world.south, username="south_es",
        district=world.district, languages=("es",),
    ).user  # fmt: skip
    url = reverse("language:review_rendition", args=[rendition.pk])
    for user in (vietnamese, south_spanish):
        client = client_for(user)
        assert url not in client.get(reverse("language:review_list")).content.decode()
        assert client.get(url).status_code == 404
    assert client_for(world.personas["teacher"]).get(url).status_code == 403


def test_a_rendition_with_no_provenance_is_refused_clearly(world: World) -> None:
    rendition = machine_rendition(world, delivered=False)
    MessageRendition.objects.filter(pk=rendition.pk).update(details={"text": "x"})
    response = client_for(world.personas["liaison"]).post(
        reverse("language:review_rendition", args=[rendition.pk]), {"action": "review"}
    )
    assert response.status_code == 400
    assert "Nothing records how this text was translated." in response.content.decode()
    rendition.refresh_from_db()
    assert rendition.status == "draft"
