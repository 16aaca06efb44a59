"""A line of the team's current realities can come from a theme families raised in an idea
exchange of the school: the plan page offers the school's themes and keeps the link."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import Client

from conftest import World
from juntos.listening.models import Theme
from juntos.listening.tests.helpers import make_exchange
from juntos.teams.models import Reality
from juntos.teams.tests.helpers import room

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


def test_a_need_named_after_a_theme(world: World) -> None:
    r = room(world, T0)
    exchange = make_exchange(world)
    theme = Theme.objects.create(exchange=exchange, key="t1", name="Meetings after work",
                                 top_terms=["evening", "work", "meeting"])  # fmt: skip
    leader = Client()
    leader.force_login(world.personas["school_leader"])
    url = f"/teams/{r.team.pk}/plan/"
    assert "Meetings after work" in leader.get(url).content.decode()
    response = leader.post(url, {"step": "reality", "kind": "need", "text": "",
                                 "theme": theme.pk})  # fmt: skip
    assert response.status_code == 302
    reality = Reality.objects.get(team=r.team)
    assert (reality.theme_id, reality.theme_label, reality.text) == (
        theme.pk, "Meetings after work", "Meetings after work",
    )  # fmt: skip
    page = leader.get(url).content.decode()
    assert "heard from families: Meetings after work" in page
    # Another school's theme is not offered, and cannot be posted.
    south = make_exchange(world, audience_ref={"ids": [world.south.pk]})
    south.school = world.south
    south.save(update_fields=["school"])
    other = Theme.objects.create(exchange=south, key="t1", name="South buses")
    assert "South buses" not in leader.get(url).content.decode()
    leader.post(url, {"step": "reality", "kind": "need", "text": "x", "theme": other.pk})
    assert Reality.objects.filter(theme_id=other.pk).count() == 0
