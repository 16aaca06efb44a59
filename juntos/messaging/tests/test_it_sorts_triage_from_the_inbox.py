"""Triage: a message from an unknown number is matched to a family (and the number optionally
added to their contacts) or dismissed, never dropped; a conversation nobody owns can be taken."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from conftest import World
from juntos.messaging.models import Conversation, Message
from juntos.messaging.tests.inbox_helpers import client_as, sign, staff, text_in
from juntos.people import models as m

STRANGER = "+15555550199"


@pytest.fixture(autouse=True)
def fresh_notices() -> None:
    """Staff notices remember what they sent in the cache (one email per message and person);
    on SQLite a rolled-back test's ids come back, so each test starts with nothing sent."""
    cache.clear()


@pytest.fixture
def stray(settings: Any, world: World) -> Message:
    sign(settings)
    message = text_in("Hola, soy la mamá de Ana, este es mi número nuevo.", STRANGER)
    assert message.conversation is None
    return message


def test_leaders_and_liaisons_read_triage_teachers_do_not(world: World, stray: Message) -> None:
    page = client_as(world, "liaison").get(reverse("messaging:triage"))
    assert page.status_code == 200
    assert STRANGER in page.content.decode() and "mi número nuevo" in page.content.decode()
    assert client_as(world, "teacher").get(reverse("messaging:triage")).status_code == 403
    dismiss = reverse("messaging:triage_dismiss", args=[stray.pk])
    assert client_as(world, "teacher").post(dismiss).status_code == 403
    stray.refresh_from_db()
    assert stray.read_at is None


def test_a_stray_message_is_found_a_family_and_moved_into_their_conversation(
    world: World, stray: Message, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(world, "liaison")
    search = client.get(
        reverse("messaging:triage"), {"match": str(stray.pk), "q": "Rosa"}, HTTP_HX_REQUEST="true"
    )
    assert f'name="caregiver" value="{world.north_family.pk}"' in search.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("messaging:triage_match", args=[stray.pk]),
            {"caregiver": world.north_family.pk, "add_contact": "on"},
        )
    assert response.status_code == 302
    stray.refresh_from_db()
    conversation = stray.conversation
    assert conversation is not None and conversation.caregiver == world.north_family
    assert conversation.owner == staff(world, "teacher")
    assert conversation.unanswered_since == stray.created_at
    assert stray.language == "es"
    assert m.ContactPoint.objects.filter(
        caregiver=world.north_family, kind="phone", value=STRANGER, sms_capable=True
    ).exists()
    # The owner hears about it; triage no longer lists it.
    assert [message.to for message in mail.outbox] == [[world.personas["teacher"].email]]
    assert STRANGER not in client.get(reverse("messaging:triage")).content.decode()


def test_matching_without_the_box_ticked_adds_no_contact(world: World, stray: Message) -> None:
    client_as(world, "school_leader").post(
        reverse("messaging:triage_match", args=[stray.pk]), {"caregiver": world.north_family.pk}
    )
    stray.refresh_from_db()
    assert stray.conversation is not None
    assert not m.ContactPoint.objects.filter(value=STRANGER).exists()


def test_a_family_outside_the_readers_scope_cannot_be_chosen(world: World, stray: Message) -> None:
    # North's liaison cannot see South's families.
    response = client_as(world, "liaison").post(
        reverse("messaging:triage_match", args=[stray.pk]), {"caregiver": world.south_family.pk}
    )
    assert response.status_code == 404
    stray.refresh_from_db()
    assert stray.conversation is None


def test_dismissing_keeps_the_row_and_marks_it_handled(world: World, stray: Message) -> None:
    client = client_as(world, "liaison")
    response = client.post(reverse("messaging:triage_dismiss", args=[stray.pk]), follow=True)
    assert "Message marked as handled." in response.content.decode()
    stray.refresh_from_db()
    assert stray.read_at is not None and stray.conversation is None
    # Handled messages stay listed under "Recently handled", not among those waiting.
    assert "Recently handled" in response.content.decode()
    again = client.post(reverse("messaging:triage_dismiss", args=[stray.pk]))
    assert again.status_code == 404


def test_a_conversation_nobody_owns_can_be_taken(world: World, settings: Any) -> None:
    sign(settings)
    m.ContactPoint.objects.create(
        caregiver=world.north_family_2, kind="phone", value="+15555550102", sms_capable=True
    )
    message = text_in("Chào cô, cháu nhà tôi bị ốm hôm nay.", "+15555550102")
    conversation = message.conversation
    assert conversation is not None and conversation.owner is None
    client = client_as(world, "liaison")
    page = client.get(reverse("messaging:triage")).content.decode()
    assert "Lan Tran" in page and "Take it" in page
    response = client.post(reverse("messaging:take", args=[conversation.pk]))
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.owner == staff(world, "liaison")
    assert Conversation.objects.get(pk=conversation.pk).messages.filter(kind="system").exists()
