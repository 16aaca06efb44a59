"""A note to a Vietnamese-speaking caregiver: the reviewed Vietnamese template, with the
teacher's sentence from translation memory when someone translated it before, or, when nobody
has, as written with an offer of an interpreter on top (never a silent English message)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from juntos.language.models import TranslationMemory
from juntos.language.templates_library import source_hash
from juntos.messaging.models import Delivery, MessageRendition, OutboxEntry
from juntos.people import models as m

URL = "/messaging/notes/new/"
SENTENCE = "Minh read his story aloud to the whole class today."
VIETNAMESE = "Hôm nay Minh đã đọc to câu chuyện của em cho cả lớp nghe."


@pytest.fixture
def teacher(world: World) -> Client:
    # Minh (Room 7) is Lan's grandson; Lan reads Vietnamese and has a phone.
    staff = m.Staff.objects.get(user=world.personas["teacher"])
    m.SectionAssignment.objects.create(staff=staff, section=world.north_class_2)
    m.ContactPoint.objects.create(
        caregiver=world.north_family_2, kind="phone", value="+15555550102", sms_capable=True
    )
    client = Client()
    client.force_login(world.personas["teacher"])
    return client


def remember(world: World) -> TranslationMemory:
    return TranslationMemory.objects.create(
        district=world.district,
        source_language="en",
        target_language="vi",
        source_hash=source_hash(SENTENCE),
        source_text=SENTENCE,
        target_text=VIETNAMESE,
        method="human",
        status="reviewed",
        reviewed_by=world.personas["liaison"],
        reviewed_at=timezone.now(),
    )


def send(client: Client, world: World) -> Any:
    return client.post(
        URL,
        {
            "section": world.north_class_2.pk,
            "students": [world.north_student_2.pk],
            "kind": "positive",
            "sentence": SENTENCE,
        },
    )


def test_the_sentence_comes_from_translation_memory(
    world: World, teacher: Client, django_capture_on_commit_callbacks: Any
) -> None:
    memory = remember(world)

    with django_capture_on_commit_callbacks(execute=True):
        assert send(teacher, world).status_code == 302

    staff = m.Staff.objects.get(user=world.personas["teacher"])
    rendition = MessageRendition.objects.get(language="vi")
    expected = f"Tin vui về em Minh từ {staff.display_name}: {VIETNAMESE}"
    assert rendition.text == expected
    # The library's Vietnamese is a draft until a speaker of the district reviews it.
    assert (rendition.method, rendition.status) == ("template", "draft")
    assert rendition.details["needs_human"] is False
    sentence = rendition.details["sentence"]
    assert (sentence["method"], sentence["status"], sentence["memory_id"]) == (
        "memory", "reviewed", memory.pk,
    )  # fmt: skip
    assert Delivery.objects.get().status == "delivered"
    assert OutboxEntry.objects.get().body == expected


def test_an_untranslated_sentence_goes_with_an_interpreter_offer(
    world: World, teacher: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert send(teacher, world).status_code == 302

    rendition = MessageRendition.objects.get(language="vi")
    assert rendition.details["needs_human"] is True
    assert rendition.details["sentence"]["needs_human"] is True
    assert rendition.status == "draft"
    body = OutboxEntry.objects.get().body
    assert body.startswith("Chúng tôi có thể cung cấp thông dịch viên")
    assert body.endswith(f": {SENTENCE}")
    assert "Tin vui về em Minh từ" in body


def test_the_preview_shows_each_language_with_its_provenance(world: World, teacher: Client) -> None:
    remember(world)

    response = teacher.post(
        "/messaging/notes/preview/",
        {
            "students": [world.north_student.pk, world.north_student_2.pk],
            "kind": "positive",
            "sentence": SENTENCE,
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page  # the fragment only
    # Rosa reads Spanish (nobody translated the sentence into Spanish), Lan Vietnamese.
    assert "Spanish" in page and "Vietnamese" in page
    assert VIETNAMESE in page
    assert "translation memory" in page
    assert "needs a human translator" in page
    assert 'Template: <span class="warning">draft, not yet checked by a speaker' in page
    assert "SMS:" in page and "UCS-2" in page.upper()
    assert not MessageRendition.objects.exists()


def test_without_javascript_the_preview_button_shows_the_whole_page(
    world: World, teacher: Client
) -> None:
    remember(world)

    response = teacher.post(
        URL,
        {
            "section": world.north_class_2.pk,
            "students": [world.north_student_2.pk],
            "kind": "positive",
            "sentence": SENTENCE,
            "action": "preview",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page and VIETNAMESE in page
    assert SENTENCE in page  # the sentence is still in its field, ready to send
    assert not Delivery.objects.exists()
