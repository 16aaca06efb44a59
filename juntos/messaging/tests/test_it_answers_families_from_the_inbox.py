"""A conversation's page: the owner reads the family's words with their rendition, answers in
the family's language, reassigns, closes; nobody outside the family's scope sees it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from juntos.messaging.models import Conversation, Delivery, Message
from juntos.messaging.tasks import notify_staff
from juntos.messaging.tests.inbox_helpers import (
    SPANISH,
    client_as,
    conversation_of,
    give_phone,
    sign,
    staff,
    text_in,
)
from juntos.people import models as m
from juntos.people.models import AuditEntry
from juntos.testing import factories as f


@pytest.fixture(autouse=True)
def fresh_notices() -> None:
    """Staff notices remember what they sent in the cache (one email per message and person);
    on SQLite a rolled-back test's ids come back, so each test starts with nothing sent."""
    cache.clear()


@pytest.fixture
def conversation(settings: Any, world: World, django_capture_on_commit_callbacks: Any) -> Any:
    sign(settings)
    give_phone(world.north_family)
    with django_capture_on_commit_callbacks(execute=True):
        message = text_in()
    return conversation_of(message)


def test_a_family_reply_emails_its_owner_without_the_familys_words(
    world: World, conversation: Conversation
) -> None:
    assert conversation.owner == staff(world, "teacher")
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [world.personas["teacher"].email]
    assert "médico" not in notice.subject and "médico" not in notice.body
    assert f"/messaging/conversations/{conversation.pk}/" in notice.body
    assert "Rosa" in notice.body and "Spanish" in notice.body


def test_the_owner_reads_the_thread_and_viewing_marks_it_read(
    world: World, conversation: Conversation
) -> None:
    message = conversation.messages.get()
    assert message.read_at is None
    response = client_as(world, "teacher").get(
        reverse("messaging:conversation", args=[conversation.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert SPANISH in page
    assert "written in Spanish" in page
    # No provider is configured: the page says a person must translate it.
    assert "needs a human translator" in page
    message.refresh_from_db()
    assert message.read_at is not None
    entry = AuditEntry.objects.latest("pk")
    assert (entry.actor, entry.object_id) == (world.personas["teacher"], world.north_family.pk)


def test_a_leader_looking_leaves_the_owners_unread_count_alone(
    world: World, conversation: Conversation
) -> None:
    response = client_as(world, "school_leader").get(
        reverse("messaging:conversation", args=[conversation.pk])
    )
    assert response.status_code == 200
    assert conversation.messages.get().read_at is None


def test_another_schools_teacher_gets_404_and_nothing_is_marked(
    world: World, conversation: Conversation
) -> None:
    client = client_as(world, "other_teacher")
    assert client.get(reverse("messaging:conversation", args=[conversation.pk])).status_code == 404
    response = client.post(reverse("messaging:reply", args=[conversation.pk]), {"body": "Hello"})
    assert response.status_code == 404
    assert not Message.objects.filter(direction="out").exists()
    assert conversation.messages.get().read_at is None


def test_a_reply_reaches_the_family_in_spanish_and_answers_the_conversation(
    world: World, conversation: Conversation, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world, "teacher").post(
            reverse("messaging:reply", args=[conversation.pk]),
            {"body": "Thank you for letting me know. I hope the appointment goes well."},
        )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/messaging/conversations/{conversation.pk}/#latest")
    reply = Message.objects.get(direction="out", kind="reply")
    assert reply.author == staff(world, "teacher")
    delivery = Delivery.objects.get(message=reply)
    assert (delivery.caregiver, delivery.language, delivery.channel) == (
        world.north_family, "es", "sms",
    )  # fmt: skip
    conversation.refresh_from_db()
    assert conversation.unanswered_since is None and conversation.last_staff_message_at
    page = client_as(world, "teacher").get(
        reverse("messaging:conversation", args=[conversation.pk])
    )
    text = page.content.decode()
    assert "What the family received, in Spanish" in text
    assert "interpreter offer" in text  # no provider: sent in English with the offer
    assert re.search(r"By SMS: \d+ segments? \((GSM-7|UCS-2)\)", text)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("   ", "Write a message before sending."),
        ("x" * 1601, "at most 1600 characters (it has 1601)"),
    ],
)
def test_an_empty_or_too_long_reply_is_refused_and_the_text_kept(
    world: World, conversation: Conversation, body: str, error: str
) -> None:
    response = client_as(world, "teacher").post(
        reverse("messaging:reply", args=[conversation.pk]), {"body": body}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    if body.strip():
        assert body in page
    assert not Message.objects.filter(direction="out").exists()


def test_the_segment_count_follows_the_text(world: World, conversation: Conversation) -> None:
    url = reverse("messaging:reply_segments", args=[conversation.pk])
    client = client_as(world, "teacher")
    plain = client.get(url, {"body": "a" * 161}, HTTP_HX_REQUEST="true").content.decode()
    assert "161 characters: 2 SMS segments (GSM-7, 153 per segment)" in plain
    accented = client.get(url, {"body": "ạ" * 71}, HTTP_HX_REQUEST="true").content.decode()
    assert "71 characters: 2 SMS segments (UCS-2, 67 per segment)" in accented


def test_reassigning_records_a_staff_note_and_tells_the_new_owner(
    world: World, conversation: Conversation, django_capture_on_commit_callbacks: Any
) -> None:
    liaison = staff(world, "liaison")
    page = client_as(world, "teacher").get(
        reverse("messaging:conversation", args=[conversation.pk])
    )
    # The liaison speaks Spanish, like the family: the list says so.
    assert f"{liaison.display_name} — speaks Spanish" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world, "teacher").post(
            reverse("messaging:reassign", args=[conversation.pk]), {"owner": liaison.pk}
        )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.owner == liaison
    note = conversation.messages.get(kind="system")
    assert (note.direction, note.author) == ("out", staff(world, "teacher"))
    assert liaison.display_name in note.body
    assert not Delivery.objects.filter(message=note).exists()
    assert [m.to for m in mail.outbox] == [[world.personas["liaison"].email]]
    assert "now own" in mail.outbox[0].body


def test_reassigning_to_someone_who_cannot_see_the_family_is_refused(
    world: World, conversation: Conversation
) -> None:
    south_teacher = staff(world, "other_teacher")
    response = client_as(world, "teacher").post(
        reverse("messaging:reassign", args=[conversation.pk]),
        {"owner": south_teacher.pk},
        follow=True,
    )
    assert "Choose a staff member of this school who can see this family." in (
        response.content.decode()
    )
    conversation.refresh_from_db()
    assert conversation.owner == staff(world, "teacher")


def test_closing_and_reopening_a_conversation(world: World, conversation: Conversation) -> None:
    client = client_as(world, "teacher")
    url = reverse("messaging:conversation_status", args=[conversation.pk])
    client.post(url, {"status": "closed"})
    conversation.refresh_from_db()
    assert conversation.status == "closed"
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert "Rosa" not in inbox  # the open inbox leaves it out
    closed = client.get(reverse("messaging:inbox"), {"status": "closed"}).content.decode()
    assert "Rosa" in closed
    client.post(url, {"status": "open"})
    conversation.refresh_from_db()
    assert conversation.status == "open"
    # The staff notes are not previewed: the family's message still is.
    assert "Hola maestra" in client.get(reverse("messaging:inbox")).content.decode()
    assert list(conversation.messages.filter(kind="system").values_list("body", flat=True)) == [
        "Closed", "Open",
    ]  # fmt: skip


def test_the_page_costs_the_same_queries_whatever_the_number_of_staff(
    world: World, conversation: Conversation
) -> None:
    client = client_as(world, "teacher")
    url = reverse("messaging:conversation", args=[conversation.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(4):
        f.staff_with_role(
            m.Role.LIAISON, school=world.north, username=f"liaison{n}", district=world.district,
            languages=("es",),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert page.content.decode().count("— speaks Spanish") == 5
    assert len(after) == len(before)


def test_a_notice_task_run_twice_emails_once(world: World, conversation: Conversation) -> None:
    mail.outbox.clear()
    teacher = staff(world, "teacher")
    for _ in range(2):
        notify_staff.run("reply", conversation.pk, [teacher.pk], "m-twice")
    assert len(mail.outbox) == 1
