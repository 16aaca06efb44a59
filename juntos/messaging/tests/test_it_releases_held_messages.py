"""A message held for a human translation goes out, in the family's language, once a liaison
who speaks it submits the translation (docs/messaging.md, "Held for a human translation")."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from juntos.language.models import HumanTranslationRequest, Method, Status, TranslationMemory
from juntos.messaging import actions
from juntos.messaging.models import Announcement, Delivery, MessageRendition, OutboxEntry
from juntos.people import models as m
from juntos.testing import factories as f

BODY = "The science fair is on Thursday at 6 pm."
SOMALI = "Bandhigga sayniska wuxuu dhacayaa Khamiista 6da fiidnimo."


@pytest.fixture
def held(world: World, settings: Any) -> World:
    """The district holds untranslated messages; South's Somali family can be texted; South has
    a liaison who speaks Somali."""
    settings.TRANSLATION_HOLD_FOR_HUMAN = True
    m.ContactPoint.objects.create(
        caregiver=world.south_family, kind="phone", value="+15555550199", sms_capable=True
    )
    world.personas["somali_liaison"] = f.staff_with_role(
        m.Role.LIAISON, school=world.south, username="somali_liaison",
        district=world.district, languages=("so",),
    ).user  # fmt: skip
    return world


def announce(world: World, **fields: Any) -> Announcement:
    admin = m.Staff.objects.get(user=world.personas["district_admin"])
    return actions.do_send_announcement(
        by=admin,
        audience_kind="school",
        audience_ref={"ids": [world.south.pk]},
        body=BODY,
        source_language="en",
        school=world.south,
        **fields,
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_liaison_translates_a_held_announcement_and_it_is_sent_in_somali(
    held: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        announcement = announce(held)
    delivery = Delivery.objects.get(message__announcement=announcement)
    assert (delivery.status, delivery.skip_reason) == ("skipped", actions.HELD_FOR_HUMAN)
    assert not OutboxEntry.objects.exists()
    request = HumanTranslationRequest.objects.get(waiting_kind="announcement")
    assert request.assigned_to is not None
    assert request.assigned_to.user == held.personas["somali_liaison"]

    client = signed_in(held.personas["somali_liaison"])
    page = client.get(reverse("language:request", args=[request.pk])).content.decode()
    assert reverse("messaging:announcement_detail", args=[announcement.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("language:translate", args=[request.pk]), {"text": SOMALI})
    assert response.status_code == 302

    delivery.refresh_from_db()
    assert delivery.status == "delivered"  # the local outbox delivers at once
    assert delivery.skip_reason == ""
    sent = OutboxEntry.objects.get()
    assert (sent.language, sent.to, sent.body) == ("so", "+15555550199", SOMALI)
    rendition = MessageRendition.objects.get(message__announcement=announcement, language="so")
    assert (rendition.text, rendition.method, rendition.status) == (SOMALI, "human", "reviewed")
    assert rendition.reviewer == held.personas["somali_liaison"]
    assert rendition.details["held"] is False
    assert rendition.machine_notice is False
    # The translation feeds the memory: the next announcement with the same text is not held.
    memory = TranslationMemory.objects.get(target_language="so")
    assert (memory.target_text, memory.method, memory.status) == (
        SOMALI, Method.HUMAN, Status.REVIEWED,
    )  # fmt: skip
    assert memory.reviewed_by == held.personas["somali_liaison"]
    with django_capture_on_commit_callbacks(execute=True):
        again = announce(held)
    assert Delivery.objects.get(message__announcement=again).status == "delivered"


def test_a_released_delivery_waits_for_the_family_contact_window(
    held: World, django_capture_on_commit_callbacks: Any
) -> None:
    # A minute a week that is not now (Sunday 03:00 in the family's time zone).
    m.ContactWindow.objects.create(
        caregiver=held.south_family, weekdays=[7], start="03:00", end="03:01"
    )
    with django_capture_on_commit_callbacks(execute=True):
        announcement = announce(held)
    request = HumanTranslationRequest.objects.get(waiting_kind="announcement")
    request.status = HumanTranslationRequest.Status.DONE
    request.result_text = SOMALI
    request.save(update_fields=["status", "result_text"])

    with django_capture_on_commit_callbacks(execute=True):
        released = actions.do_release_held_translation(request_id=request.pk)

    assert released == 1
    delivery = Delivery.objects.get(message__announcement=announcement)
    assert delivery.status == "pending"
    assert delivery.not_before > delivery.updated_at
    assert not OutboxEntry.objects.exists()


def test_an_emergency_is_released_at_once_whatever_the_window(
    held: World, django_capture_on_commit_callbacks: Any
) -> None:
    m.ContactWindow.objects.create(
        caregiver=held.south_family, weekdays=[7], start="03:00", end="03:01"
    )
    with django_capture_on_commit_callbacks(execute=True):
        announce(held, emergency=True)
    request = HumanTranslationRequest.objects.get(waiting_kind="announcement")
    with django_capture_on_commit_callbacks(execute=True):
        from juntos.language.actions import do_complete_human_translation

        do_complete_human_translation(
            request=request, text=SOMALI, by=held.personas["somali_liaison"]
        )
    assert OutboxEntry.objects.get().body == SOMALI


def test_a_held_message_to_one_family_is_released(
    held: World, django_capture_on_commit_callbacks: Any
) -> None:
    teacher = m.Staff.objects.get(user=held.personas["other_teacher"])
    conversation = actions.do_open_conversation(
        caregiver=held.south_family, owner=teacher, student_id=held.south_student.pk,
        school=held.south,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.do_send_conversation_message(
            by=teacher, conversation=conversation, body=BODY, source_language="en"
        )
    delivery = message.deliveries.get()
    assert delivery.skip_reason == actions.HELD_FOR_HUMAN
    request = HumanTranslationRequest.objects.get(waiting_kind="message")
    assert request.waiting_id == str(message.pk)

    client = signed_in(held.personas["somali_liaison"])
    page = client.get(reverse("language:queue")).content.decode()
    assert reverse("messaging:conversation", args=[conversation.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("language:translate", args=[request.pk]), {"text": SOMALI})

    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert OutboxEntry.objects.get().body == SOMALI


def test_releasing_twice_sends_once(held: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        announce(held)
    request = HumanTranslationRequest.objects.get(waiting_kind="announcement")
    with django_capture_on_commit_callbacks(execute=True):
        from juntos.language.actions import do_complete_human_translation

        do_complete_human_translation(
            request=request, text=SOMALI, by=held.personas["somali_liaison"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_release_held_translation(request_id=request.pk) == 0
    assert OutboxEntry.objects.count() == 1


def test_a_pending_request_releases_nothing(
    held: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        announcement = announce(held)
    request = HumanTranslationRequest.objects.get(waiting_kind="announcement")
    assert actions.do_release_held_translation(request_id=request.pk) == 0
    assert Delivery.objects.get(message__announcement=announcement).status == "skipped"
