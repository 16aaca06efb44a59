"""A theme renamed by staff keeps its key and name when the themes are computed again."""

from __future__ import annotations

import json
from collections import Counter

from juntos.listening.tests.theme_data import BUS, FOOD, HOMEWORK, labelled_items
from juntos.listening.themes import ThemeItem, ThemeRun, find_themes, rename_theme


def main_theme(run: ThemeRun, ids: list[str]) -> str:
    assigned = run.assignment()
    return Counter(assigned[i] for i in ids).most_common(1)[0][0]


def test_it_keeps_keys_and_names_when_responses_are_added() -> None:
    items, topic_of = labelled_items()
    first = find_themes(items)
    pivot_ids = {i for theme in first.themes if theme.language == "pivot" for i in theme.item_ids}
    topic_ids = {
        topic: [i for i in map(str, pivot_ids) if topic_of[i] == topic]
        for topic in (HOMEWORK, BUS, FOOD)
    }
    bus_key = main_theme(first, topic_ids[BUS])
    renamed = rename_theme(first, bus_key, "  Getting to school ")
    assert renamed.theme(bus_key).name == "Getting to school"
    assert renamed.theme(bus_key).label == "Getting to school"

    # The previous run comes back from storage as JSON.
    previous = ThemeRun.from_dict(json.loads(json.dumps(renamed.to_dict())))
    assert previous == renamed

    added = [
        ThemeItem(id="new-1", text="The bus never comes on time.", language="en"),
        ThemeItem(
            id="new-2",
            text="El autobús no pasa por nuestra calle.",
            language="es",
            pivot_text="The bus does not come down our street.",
        ),
        ThemeItem(id="new-3", text="The lunch portions are too small.", language="en"),
    ]
    second = find_themes(items + added, previous=previous)

    for ids in topic_ids.values():
        assert main_theme(second, ids) == main_theme(first, ids)
    assert second.theme(bus_key).name == "Getting to school"
    assert {"new-1", "new-2"} <= set(second.theme(bus_key).item_ids)
    assert "new-3" in second.theme(main_theme(first, topic_ids[FOOD])).item_ids
    # Names were only given to the renamed theme.
    assert [theme.name for theme in second.themes if theme.name] == ["Getting to school"]


def test_it_gives_fresh_keys_to_new_themes_and_never_reuses_old_ones() -> None:
    items, _ = labelled_items()
    first = find_themes(items)
    # Nothing in common with the first run: every theme is new, numbered after the old keys.
    others = [
        ThemeItem(id=f"other-{n}", text=text, language="en")
        for n, text in enumerate(["Recess is too short.", "Longer recess, please."])
    ]
    second = find_themes(others, previous=first)
    old_numbers = [int(theme.key[1:]) for theme in first.themes]
    assert [int(theme.key[1:]) for theme in second.themes] == [max(old_numbers) + 1]
    # Without a previous run, keys start at t1 in display order.
    assert [theme.key for theme in first.themes][:2] == ["t1", "t2"]
