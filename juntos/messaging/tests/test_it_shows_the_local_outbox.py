"""The local outbox page shows what the embedded default "sent": channel, recipient, language,
body and how the text was translated, to the staff who may see that family only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from juntos.language.models import TranslationMemory
from juntos.language.templates_library import source_hash
from juntos.messaging.models import Delivery, OutboxEntry
from juntos.messaging.notes import do_send_progress_notes
from juntos.people import models as m

URL = "/messaging/outbox/"
SENTENCE = "Minh helped clean up the garden."
VIETNAMESE = "Minh đã giúp dọn dẹp khu vườn."


@pytest.fixture
def sent(world: World, django_capture_on_commit_callbacks: Any) -> OutboxEntry:
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    m.ContactPoint.objects.create(
        caregiver=world.north_family_2, kind="phone", value="+15555550102", sms_capable=True
    )
    TranslationMemory.objects.create(
        district=world.district, source_language="en", target_language="vi",
        source_hash=source_hash(SENTENCE), source_text=SENTENCE, target_text=VIETNAMESE,
        method="human", status="reviewed", reviewed_by=world.personas["liaison"],
        reviewed_at=timezone.now(),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        do_send_progress_notes(
            by=leader, student_ids=[world.north_student_2.pk], kind="positive", sentence=SENTENCE
        )
    return OutboxEntry.objects.get()


def page_for(world: World, persona: str) -> str:
    client = Client()
    client.force_login(world.personas[persona])
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_message_with_its_provenance(world: World, sent: OutboxEntry) -> None:
    page = page_for(world, "school_leader")

    assert "Lan Tran" in page
    assert "+15555550102" in page
    assert "Vietnamese (Tiếng Việt)" in page
    assert "Tin vui về em Minh từ" in page and VIETNAMESE in page
    assert 'lang="vi"' in page
    assert "message template" in page
    assert "draft, not yet checked by a speaker" in page  # the library's Vietnamese template
    assert "Teacher's sentence" in page
    assert "translation memory (reviewed)" in page
    assert "Positive progress note" in page
    assert "Delivered" in page


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("district_admin", True),
        ("liaison", True),  # North's liaison sees North's families
        ("teacher", False),  # Minh is in Room 7, not this teacher's class
        ("other_teacher", False),
    ],
)
def test_it_shows_entries_only_to_staff_who_may_see_the_family(
    world: World, sent: OutboxEntry, persona: str, sees: bool
) -> None:
    assert (VIETNAMESE in page_for(world, persona)) is sees


def test_an_entry_with_no_delivery_behind_it_is_not_shown(world: World) -> None:
    OutboxEntry.objects.create(
        channel="sms", to="+15555550999", language="en", body="Orphan", idempotency_key="x"
    )
    assert not Delivery.objects.exists()

    assert "Orphan" not in page_for(world, "district_admin")
