"""A teacher can write notes only about students they can see: never a note outside scope."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.messaging.models import Conversation, Delivery, Message

URL = "/messaging/notes/new/"


def post(world: World, persona: str, student_id: int, **extra: object) -> object:
    client = Client()
    client.force_login(world.personas[persona])
    data = {
        "students": [student_id],
        "kind": "positive",
        "sentence": "Great work on the science fair.",
        "action": "send",
    }
    return client.post(URL, data | extra)


def test_another_teacher_cannot_note_a_student_outside_their_class(world: World) -> None:
    response = post(world, "other_teacher", world.north_student.pk, section=world.south_class.pk)

    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "You can only write notes about students in your classes." in page
    # The refused student's name is not revealed.
    assert "Ana" not in page
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()
    assert not Delivery.objects.exists()


def test_one_student_outside_scope_refuses_the_whole_batch(world: World) -> None:
    client = Client()
    client.force_login(world.personas["other_teacher"])
    response = client.post(
        URL,
        {
            "students": [world.south_student.pk, world.north_student.pk],
            "kind": "positive",
            "sentence": "Great work on the science fair.",
            "section": world.south_class.pk,
        },
    )

    assert response.status_code == 400
    assert not Message.objects.exists()
    # The student in scope stays ticked, so the teacher can fix the batch and send again.
    assert f'value="{world.south_student.pk}" checked' in response.content.decode()


def test_a_malformed_student_id_is_refused(world: World) -> None:
    response = post(world, "teacher", world.north_student.pk, students=["x"])

    assert response.status_code == 400  # type: ignore[attr-defined]
    assert not Message.objects.exists()


def test_the_preview_does_not_show_another_teachers_student(world: World) -> None:
    client = Client()
    client.force_login(world.personas["other_teacher"])
    response = client.post(
        "/messaging/notes/preview/",
        {"students": [world.north_student.pk], "kind": "positive", "sentence": "Well done."},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "You can only write notes about students in your classes." in page
    assert "Ana" not in page and "Buenas" not in page
