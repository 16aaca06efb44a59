"""Staff edits of themes (merge, split, move) as pure functions over a run."""

from __future__ import annotations

from collections import Counter

import pytest

from juntos.listening.tests.theme_data import BUS, LANGUAGE, labelled_items
from juntos.listening.themes import (
    ThemeItem,
    ThemeRun,
    find_themes,
    merge_themes,
    move_item,
    rename_theme,
    split_theme,
)


def language_themes(run: ThemeRun, topic_of: dict[str, str]) -> list[str]:
    """Pivot themes mostly about interpreters and translation, largest first."""
    return [
        theme.key
        for theme in run.themes
        if theme.language == "pivot"
        and Counter(topic_of[str(i)] for i in theme.item_ids).most_common(1)[0][0] == LANGUAGE
    ]


def test_it_merges_two_themes_into_the_first() -> None:
    items, topic_of = labelled_items()
    run = find_themes(items)
    keep, absorb = language_themes(run, topic_of)[:2]
    run = rename_theme(run, absorb, "Office")
    before = run.assignment()

    merged = merge_themes(run, keep, absorb, items=items)

    assert absorb not in {theme.key for theme in merged.themes}
    theme = merged.theme(keep)
    assert set(theme.item_ids) == set(run.theme(keep).item_ids) | set(run.theme(absorb).item_ids)
    # The kept theme had no name: it takes the absorbed one's.
    assert theme.name == "Office"
    # Its description is recomputed from all its members.
    assert set(theme.top_terms) & set(run.theme(absorb).top_terms)
    # Nothing else moved, and the input run is unchanged.
    after = merged.assignment()
    assert all(after[i] == key for i, key in before.items() if key not in {keep, absorb})
    assert run.assignment() == before
    with pytest.raises(ValueError):
        merge_themes(run, keep, keep, items=items)


def test_it_splits_a_theme_by_clustering_its_members_again() -> None:
    items, topic_of = labelled_items()
    run = find_themes(items)
    bus = Counter(
        run.assignment()[i] for i, topic in topic_of.items() if topic == BUS and "so" not in i
    ).most_common(1)[0][0]
    run = rename_theme(run, bus, "Bus")
    members = set(run.theme(bus).item_ids)

    split = split_theme(run, bus, items=items, into=2)

    new_keys = {t.key for t in split.themes} - {t.key for t in run.themes}
    assert len(new_keys) == 1
    new_key = new_keys.pop()
    largest, other = split.theme(bus), split.theme(new_key)
    assert set(largest.item_ids) | set(other.item_ids) == members
    assert not set(largest.item_ids) & set(other.item_ids)
    assert largest.size >= other.size > 0
    # The largest part keeps the key and the name; the new part has its own description.
    assert largest.name == "Bus"
    assert other.name is None
    assert other.top_terms and other.top_terms != largest.top_terms
    assert len(split.themes) == len(run.themes) + 1
    with pytest.raises(ValueError):
        split_theme(run, bus, items=items, into=1)


def test_it_moves_one_response_to_another_theme() -> None:
    items, _ = labelled_items()
    run = find_themes(items)
    assigned = run.assignment()
    item_id = "so-food-0"
    source = assigned[item_id]
    target = next(t.key for t in run.themes if t.language == "so" and t.key != source)

    moved = move_item(run, item_id, target, items=items)

    assert moved.assignment()[item_id] == target
    assert item_id not in moved.theme(source).item_ids
    assert moved.theme(target).size == run.theme(target).size + 1
    assert moved.theme(source).size == run.theme(source).size - 1
    # Moving it where it already is changes nothing.
    assert move_item(moved, item_id, target, items=items) == moved
    with pytest.raises(KeyError):
        move_item(run, item_id, "t999", items=items)


def test_it_drops_a_theme_left_empty_by_a_move_and_themes_an_unthemed_response() -> None:
    items = [
        ThemeItem(id="a", text="The bus is late", language="en"),
        ThemeItem(id="b", text="Lunch is cold", language="fr", pivot_text=None),
        ThemeItem(id="c", text="", language="en"),
    ]
    run = find_themes(items)
    assert run.unthemed == ("c",)
    english = run.assignment()["a"]
    french = run.assignment()["b"]

    moved = move_item(run, "b", english, items=items)
    assert french not in {t.key for t in moved.themes}
    assert moved.theme(english).language == "mixed"

    themed = move_item(moved, "c", english, items=items)
    assert themed.unthemed == ()
    assert "c" in themed.theme(english).item_ids
