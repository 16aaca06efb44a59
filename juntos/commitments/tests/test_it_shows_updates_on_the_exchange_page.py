"""An idea exchange's public page can show what became of its ideas: the public commitments
citing them (for anonymous contributors, who receive no message), in the reader's language."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from conftest import World
from juntos.commitments.actions import do_link_input
from juntos.commitments.board import updates_for_exchange
from juntos.commitments.tests.helpers import (
    TITLE,
    TITLE_VI,
    approved_idea,
    commitment,
    remember,
    staff,
)


def test_commitments_citing_an_exchanges_ideas_are_its_updates(world: World) -> None:
    remember(world, "en", "vi", TITLE, TITLE_VI)
    idea = approved_idea(world, world.north_family, "Clases de inglés para padres")
    other = approved_idea(world, world.north_family, "Un club de tareas")
    cited = commitment(world)
    uncited = commitment(world, title="Homework club")
    do_link_input(by=staff(world, "liaison"), commitment=cited, kind="idea", object_id=idea.pk)
    private = commitment(world, title="Not public yet", public=False)
    do_link_input(by=staff(world, "liaison"), commitment=private, kind="idea", object_id=idea.pk)

    updates = updates_for_exchange(idea.exchange_id, language="vi")
    assert [u.commitment_id for u in updates] == [cited.pk]
    assert updates[0].title.text == TITLE_VI
    assert updates[0].inputs[0].original == "Clases de inglés para padres"
    assert updates_for_exchange(other.exchange_id) == []
    assert uncited.pk not in [u.commitment_id for u in updates]

    with translation.override("vi"):
        html = render_to_string("commitments/family_exchange_updates.html", {"updates": updates})
    assert "Điều gì đã xảy ra với các ý kiến" in html and TITLE_VI in html
    assert "Nhà trường dự định thực hiện việc này." in html
    assert (
        render_to_string("commitments/family_exchange_updates.html", {"updates": []}).strip() == ""
    )


def test_the_family_exchange_page_shows_them_in_the_readers_language(world: World) -> None:
    from juntos.listening.tests.helpers import family_client

    remember(world, "en", "vi", TITLE, TITLE_VI)
    idea = approved_idea(world, world.north_family, "Clases de inglés para padres")
    cited = commitment(world)
    do_link_input(by=staff(world, "liaison"), commitment=cited, kind="idea", object_id=idea.pk)
    page = family_client(world.north_family_2).get(f"/listening/x/{idea.exchange_id}/")
    text = page.content.decode()
    assert 'data-testid="exchange-updates"' in text and TITLE_VI in text
