"""A teacher sends a positive note (or a concern) to the families of students in their class."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import World
from juntos.messaging.models import Conversation, Delivery, Message, OutboxEntry
from juntos.people import models as m

URL = "/messaging/notes/new/"
ROSA_PHONE = "+15555550101"


def teacher_client(world: World) -> Client:
    client = Client()
    client.force_login(world.personas["teacher"])
    return client


def give_phone(caregiver: m.Caregiver, number: str = ROSA_PHONE) -> None:
    m.ContactPoint.objects.create(caregiver=caregiver, kind="phone", value=number, sms_capable=True)


def send(client: Client, world: World, **data: Any) -> Any:
    form = {
        "section": world.north_class.pk,
        "students": [world.north_student.pk],
        "kind": "positive",
        "sentence": "Ana helped a new classmate find her way around today.",
        "action": "send",
    }
    return client.post(URL, form | data)


def test_a_positive_note_reaches_the_family_in_their_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    give_phone(world.north_family)
    client = teacher_client(world)

    # The send task runs when the batch's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, world)

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?sent=1&section={world.north_class.pk}"
    message = Message.objects.get()
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    assert (message.kind, message.direction, message.author) == (
        "progress_positive",
        "out",
        teacher,
    )
    # The teacher's English, as the teacher wrote it, from the English template.
    assert message.body == (
        f"Good news about Ana from {teacher.display_name}: "
        "Ana helped a new classmate find her way around today."
    )
    conversation = message.conversation
    assert conversation is not None
    assert (conversation.caregiver, conversation.student, conversation.owner) == (
        world.north_family, world.north_student, teacher,
    )  # fmt: skip
    assert conversation.school == world.north
    # Rosa reads Spanish: the reviewed template in Spanish, on her phone, through the outbox.
    delivery = Delivery.objects.get()
    assert (delivery.language, delivery.channel, delivery.status) == ("es", "sms", "delivered")
    entry = OutboxEntry.objects.get()
    assert entry.idempotency_key == delivery.idempotency_key
    # Nobody translated the teacher's own sentence yet (no provider, no memory): the family
    # reads the offer of an interpreter first, in Spanish, then the reviewed Spanish template.
    offer, note = entry.body.split("\n\n")
    assert offer.startswith("Podemos ofrecerle un intérprete")
    assert note == (
        f"Buenas noticias sobre Ana de parte de {teacher.display_name}: "
        "Ana helped a new classmate find her way around today."
    )

    page = client.get(response["Location"])
    assert page.status_code == 200
    confirmation = page.content.decode()
    assert "Positive notes sent" in confirmation
    assert "1 note on its way" in confirmation
    assert "Spanish (español)" in confirmation
    assert "Delivered: 1" in confirmation
    assert "Could not be reached" not in confirmation
    # Reloading the confirmation sends nothing again.
    client.get(response["Location"])
    assert Message.objects.count() == 1


def test_a_concern_uses_the_concern_template(world: World) -> None:
    give_phone(world.north_family)

    response = send(
        teacher_client(world), world, kind="concern", sentence="Ana has missed two homeworks."
    )

    assert response.status_code == 302
    message = Message.objects.get()
    assert message.kind == "progress_concern"
    assert message.body.startswith("A note about Ana from")
    assert "We want to work on this together with you." in message.body


def test_a_second_note_joins_the_conversation_about_the_same_child(world: World) -> None:
    give_phone(world.north_family)
    client = teacher_client(world)

    send(client, world)
    send(client, world, sentence="Ana read a whole chapter book on her own!")

    assert Conversation.objects.count() == 1
    assert Message.objects.filter(kind="progress_positive").count() == 2


def test_the_composer_opens_with_positive_chosen_and_the_class_listed(world: World) -> None:
    response = teacher_client(world).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<input[^>]*value="positive"[^>]*checked', page)
    assert not re.search(r'<input[^>]*value="concern"[^>]*checked', page)
    assert page.index('value="positive"') < page.index('value="concern"')
    assert "Ana Lopez" in page
    # Nobody has heard good news yet: Ana's row says so.
    assert "no positive note yet this year" in page
    assert reverse("messaging:note_preview") in page
