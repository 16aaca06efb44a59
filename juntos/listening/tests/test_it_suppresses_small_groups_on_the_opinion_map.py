"""Groups under 5 people are "fewer than 5" on the staff page and the family page: no size, no
representative ideas and no dots on the map; when that alone would let a reader subtract it,
the next smallest group's size is hidden too. The family page shows the map and the common
ground in the family's language, with nothing that identifies a participant."""

from __future__ import annotations

import json
import re
from typing import Any

from conftest import World
from juntos.listening import analysis
from juntos.listening.tests.analysis_data import COMMON, planted_exchange, rendition
from juntos.listening.tests.helpers import family_client, staff_client

SPEC = re.compile(
    r'<script id="chart-opinion-map-\d+" type="application/json">(.*?)</script>', re.S
)


def spec_of(page: str) -> dict[str, Any]:
    found = SPEC.search(page)
    assert found is not None, "no map in the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def computed(world: World, capture: Any, groups: dict[str, int]) -> Any:
    exchange, ideas, planted = planted_exchange(world, groups)
    with capture(execute=True):
        analysis.do_request_opinion_run(exchange=exchange)
    return exchange, ideas, planted


def test_the_staff_map_leaves_small_groups_out(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, _ideas, _planted = computed(
        world, django_capture_on_commit_callbacks, {"A": 8, "B": 7, "C": 3}
    )
    page = staff_client(world, "liaison").get(f"/listening/exchanges/{exchange.pk}/").content
    html = page.decode()
    spec = spec_of(html)
    rows = spec["data"]["values"]
    # Only the group of 8 is drawn: the 3 (small) and the 7 (whose size, with the total,
    # would reveal the 3) are not on the map at all.
    assert len(rows) == 8 and {row["group"] for row in rows} == {"Group A"}
    assert "Group C" not in json.dumps(spec) and "Group B" not in json.dumps(spec)
    assert {tuple(sorted(row)) for row in rows} == {("group", "x", "y")}
    assert "8 people" in html and "7 people" not in html and "3 people" not in html
    assert "fewer than 5 people" in html
    assert "size not shown (it would reveal a smaller group)" in html
    # The small group's representative ideas are not listed; the large group's are.
    group_c = html.split('data-testid="group-C"')[1].split("</li>")[0]
    assert "Agrees more than others" not in group_c
    group_a = html.split('data-testid="group-A"')[1].split('data-testid="group-B"')[0]
    assert "Agrees more than others" in group_a
    consensus = html.split('data-testid="consensus"')[1].split("</ol>")[0]
    assert COMMON[0] in consensus and COMMON[1] in consensus
    assert "Idea number 0 " not in consensus


def test_the_family_page_shows_the_map_in_spanish_without_ids(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    exchange, ideas, planted = computed(
        world, django_capture_on_commit_callbacks, {"A": 8, "B": 9, "C": 3}
    )
    rendition(ideas[10], "es", "Maestros que nos saludan por nuestro nombre")
    rendition(ideas[11], "es", "Cartas a casa en nuestro idioma")
    response = family_client(world.north_family).get(f"/listening/x/{exchange.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="family-opinion"' in html
    spec = spec_of(html)
    rows = spec["data"]["values"]
    # The 3 are too few; hiding them alone, the 8 would give them away (the 20 on the map
    # minus 9 and 8): only the group of 9 is drawn.
    assert len(rows) == 9 and {row["group"] for row in rows} == {"Grupo A"}
    assert {tuple(sorted(row)) for row in rows} == {("group", "x", "y")}
    assert spec["title"]["text"] == "Cómo se agrupan las opiniones"
    assert "menos de 5 familias" in html and "familias: 9" in html and "familias: 8" not in html
    assert "número no mostrado, para proteger a un grupo pequeño" in html
    for participant in [p for group in planted.values() for p in group]:
        assert participant.pseudonym not in html
    consensus = html.split('data-testid="family-consensus"')[1].split("</ol>")[0]
    assert "Maestros que nos saludan por nuestro nombre" in consensus
    assert "Cartas a casa en nuestro idioma" in consensus
    assert COMMON[0] in consensus  # the original, one click away


def test_no_map_before_the_first_run(world: World) -> None:
    exchange, _ideas, _planted = planted_exchange(world, {"A": 5, "B": 5})
    html = family_client(world.north_family).get(f"/listening/x/{exchange.pk}/").content.decode()
    assert "family-opinion" not in html and "chart-opinion-map" not in html
    staff = staff_client(world, "teacher").get(f"/listening/exchanges/{exchange.pk}/")
    assert "The opinion groups have not been computed yet." in staff.content.decode()
    assert "Recompute groups" not in staff.content.decode()  # a teacher does not manage
