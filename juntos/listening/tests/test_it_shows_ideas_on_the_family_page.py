"""A family reads the question and the approved ideas in its language (a machine translation,
labelled, with the original one click away), adds an idea and reacts; a family outside the
audience cannot open the exchange."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.listening import actions
from juntos.listening.models import Idea, IdeaRendition, Reaction
from juntos.listening.tests.helpers import (
    QUESTION_ES,
    family_client,
    open_exchange,
    remember_question,
    staff,
)
from juntos.testing.translation_servers import LibreTranslateServer, fake_translation

LAN_IDEA = "Tôi muốn có lớp học tiếng Anh buổi tối cho phụ huynh."


@pytest.fixture
def libre(settings: Any) -> Iterator[LibreTranslateServer]:
    with LibreTranslateServer(api_key="k") as server:
        settings.TRANSLATION_PROVIDER = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.LIBRETRANSLATE_API_KEY = "k"
        yield server


def test_the_family_reads_ideas_in_spanish_and_reacts(
    world: World, libre: LibreTranslateServer, django_capture_on_commit_callbacks: Any
) -> None:
    remember_question(world)
    exchange = open_exchange(world)
    idea = actions.do_add_idea(
        exchange=exchange, caregiver=world.north_family_2, text=LAN_IDEA, channel="portal"
    )
    rosa = family_client(world.north_family)
    url = f"/listening/x/{exchange.pk}/"
    # Pending ideas are not shown.
    html = rosa.get(url).content.decode()
    assert QUESTION_ES in html and 'lang="es"' in html
    assert "Todavía no hay ideas para mostrar." in html
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_moderate_idea(by=staff(world, "liaison"), idea=idea, approve=True)
    # Approval translated it in the background for the exchange's readers (Spanish for Rosa,
    # English for staff); Lan's own language needs none.
    assert set(IdeaRendition.objects.values_list("language", flat=True)) == {"es", "en"}

    html = rosa.get(url).content.decode()
    spanish = fake_translation(LAN_IDEA, "es")
    assert spanish in html
    assert "Traducido por computadora." in html
    assert "<summary>Ver el original</summary>" in html
    assert f'<p lang="vi" dir="auto">{LAN_IDEA}</p>' in html
    # The rendition is kept: a second reader in Spanish costs no second translation.
    assert IdeaRendition.objects.get(idea=idea, language="es").text == spanish
    calls = len(libre.requests)
    rosa.get(url)
    assert len(libre.requests) == calls

    response = rosa.post(f"{url}react/", {"idea": idea.pk, "value": "agree"})
    assert response.status_code == 302
    assert Reaction.objects.get(idea=idea).value == "agree"
    page = rosa.get(response["Location"]).content.decode()
    assert "Su respuesta: de acuerdo" in page and "Gracias por su respuesta." in page
    # She changes her mind; with JavaScript on, htmx swaps in just this idea.
    fragment = rosa.post(f"{url}react/", {"idea": idea.pk, "value": "pass"}, HTTP_HX_REQUEST="true")
    assert Reaction.objects.get(idea=idea).value == "pass"
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert html.strip().startswith("<article>") and "Su respuesta: paso" in html

    response = rosa.post(url, {"text": "Más clases de inglés para padres."})
    assert response.status_code == 302
    assert "Gracias. Su idea aparecerá" in rosa.get(response["Location"]).content.decode()
    mine = Idea.objects.get(language="es")
    assert (mine.status, mine.channel) == ("pending", "portal")
    assert rosa.post(url, {"text": "   "}).status_code == 400
    assert rosa.post(url, {"text": "x" * 501}).status_code == 400


def test_a_pending_idea_cannot_be_reacted_to_and_a_closed_exchange_takes_nothing(
    world: World,
) -> None:
    exchange = open_exchange(world)
    idea = actions.do_add_idea(
        exchange=exchange, caregiver=world.north_family_2, text="Evening classes", channel="sms"
    )
    rosa = family_client(world.north_family)
    url = f"/listening/x/{exchange.pk}/"
    assert rosa.post(f"{url}react/", {"idea": idea.pk, "value": "agree"}).status_code == 404
    actions.do_moderate_idea(by=staff(world, "liaison"), idea=idea, approve=True)
    actions.do_close_exchange(by=staff(world, "liaison"), exchange=exchange)
    rosa.post(f"{url}react/", {"idea": idea.pk, "value": "agree"})
    assert not Reaction.objects.exists()
    html = rosa.get(url).content.decode()
    assert "Este intercambio está cerrado." in html and 'name="text"' not in html
    assert rosa.post(url, {"text": "Otra idea"}).status_code == 400
    assert Idea.objects.count() == 1


def test_only_families_of_the_audience_see_the_exchange(world: World) -> None:
    exchange = open_exchange(world)
    assert family_client(world.south_family).get(f"/listening/x/{exchange.pk}/").status_code == 404
    draft = actions.do_create_exchange(
        by=staff(world, "school_leader"),
        school=world.north,
        question="Draft question",
        audience_kind="school",
        audience_ref={"ids": [world.north.pk]},
    )
    assert family_client(world.north_family).get(f"/listening/x/{draft.pk}/").status_code == 404
    response = Client().get(f"/listening/x/{exchange.pk}/")
    assert response.status_code == 302 and "/listening/" not in response["Location"]
