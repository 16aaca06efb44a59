"""A progress note needs a kind, students and one sentence of 1 to 300 characters; a refused
form keeps what the teacher typed and ticked, and writes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.messaging.models import Message

URL = "/messaging/notes/new/"


@pytest.fixture
def client(world: World) -> Client:
    client = Client()
    client.force_login(world.personas["teacher"])
    return client


def post(client: Client, world: World, **data: Any) -> Any:
    form = {
        "section": world.north_class.pk,
        "students": [world.north_student.pk],
        "kind": "concern",
        "sentence": "Ana seemed tired this week.",
    }
    return client.post(URL, form | data)


def ticked(page: str, student_id: int) -> bool:
    return bool(re.search(rf'name="students" value="{student_id}" checked', page))


def test_an_empty_sentence_is_refused_and_the_choice_kept(client: Client, world: World) -> None:
    response = post(client, world, sentence="   ")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Write one sentence about the student." in page
    assert ticked(page, world.north_student.pk)
    # The concern stays chosen: the teacher is not switched back to positive silently.
    assert re.search(r'<input[^>]*value="concern"[^>]*checked', page)
    assert not Message.objects.exists()


def test_a_sentence_over_300_characters_is_refused_with_its_text_kept(
    client: Client, world: World
) -> None:
    long = "Ana worked very hard today. " * 12  # 336 characters

    response = post(client, world, sentence=long)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep the sentence to 300 characters (it has 335)." in page
    assert long.strip() in page
    assert not Message.objects.exists()


def test_no_student_chosen_is_refused(client: Client, world: World) -> None:
    response = post(client, world, students=[])

    assert response.status_code == 400
    assert "Choose at least one student." in response.content.decode()
    assert "Ana seemed tired this week." in response.content.decode()
    assert not Message.objects.exists()


def test_an_unknown_kind_is_refused(client: Client, world: World) -> None:
    response = post(client, world, kind="announcement")

    assert response.status_code == 400
    assert "Choose a positive note or a concern." in response.content.decode()
    assert ticked(response.content.decode(), world.north_student.pk)
    assert not Message.objects.exists()
