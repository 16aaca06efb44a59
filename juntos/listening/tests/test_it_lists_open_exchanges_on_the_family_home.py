"""A family's home page lists the open questions the school asked them, in their language."""

from __future__ import annotations

from typing import Any

from conftest import World
from juntos.listening.actions import do_close_exchange
from juntos.listening.tests.helpers import (
    QUESTION_ES,
    family_client,
    open_exchange,
    remember_question,
    staff,
)


def test_the_home_page_links_to_the_open_exchange_in_spanish(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    remember_question(world)
    with django_capture_on_commit_callbacks(execute=True):
        exchange = open_exchange(world)
    page = family_client(world.north_family).get("/family/").content.decode()
    assert "La escuela le pide sus ideas" in page
    assert f'href="/listening/x/{exchange.pk}/"' in page and QUESTION_ES in page
    # A family outside the audience sees nothing; a closed exchange is no longer listed.
    assert (
        f"/listening/x/{exchange.pk}/"
        not in family_client(world.south_family).get("/family/").content.decode()
    )
    do_close_exchange(by=staff(world, "school_leader"), exchange=exchange)
    assert (
        f"/listening/x/{exchange.pk}/"
        not in family_client(world.north_family).get("/family/").content.decode()
    )
