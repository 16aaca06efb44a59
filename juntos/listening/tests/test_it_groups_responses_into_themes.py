"""Responses about the same topic land in the same theme, across languages.

The labelled set (``theme_data.py``): 60 short responses about four topics, in English, Spanish
and Vietnamese with English renditions (one pivot space) and in Somali without (their own
space). What the lexical method finds on it, measured and asserted as such: homework, bus and
lunch each form one theme (at most one response astray); responses about interpreters and
translation form pure themes but are split by what they ask for (an interpreter at meetings,
translated letters, someone at the office who speaks the language), because those requests
share no words; staff merge such themes (``merge_themes``).
"""

from __future__ import annotations

from collections import Counter

from sklearn.metrics import homogeneity_score

from juntos.listening.tests.theme_data import BUS, FOOD, HOMEWORK, LANGUAGE, labelled_items
from juntos.listening.themes import PIVOT, ThemeRun, find_themes


def themes_of_topic(
    run: ThemeRun, topic_of: dict[str, str], topic: str, language: str
) -> Counter[str]:
    assigned = run.assignment()
    spaces = {theme.key: theme.language for theme in run.themes}
    return Counter(
        assigned[item_id]
        for item_id, item_topic in topic_of.items()
        if item_topic == topic and spaces[assigned[item_id]] == language
    )


def test_it_puts_each_topic_of_the_pivot_space_in_one_theme() -> None:
    items, topic_of = labelled_items()
    run = find_themes(items)

    assert not run.unthemed
    for topic in (HOMEWORK, BUS, FOOD):
        counts = themes_of_topic(run, topic_of, topic, PIVOT)
        # 12 responses per topic in the pivot space (6 English, 3 Spanish, 3 Vietnamese).
        assert sum(counts.values()) == 12
        key, together = counts.most_common(1)[0]
        assert together >= 11, (topic, counts)
        # And that theme is about this topic: nothing else but at most one stray response.
        theme = run.theme(key)
        assert sum(topic_of[str(i)] == topic for i in theme.item_ids) >= theme.size - 1

    # Interpreters and translation: pure themes, possibly several.
    for key in themes_of_topic(run, topic_of, LANGUAGE, PIVOT):
        members = run.theme(key).item_ids
        assert Counter(topic_of[str(i)] for i in members).most_common(1)[0][0] == LANGUAGE

    pivot_ids = [i for theme in run.themes if theme.language == PIVOT for i in theme.item_ids]
    assigned = run.assignment()
    purity = homogeneity_score(
        [topic_of[str(i)] for i in pivot_ids], [assigned[i] for i in pivot_ids]
    )
    assert purity >= 0.9


def test_it_groups_responses_without_a_rendition_within_their_language() -> None:
    items, topic_of = labelled_items()
    run = find_themes(items)

    somali = {str(item.id) for item in items if item.language == "so"}
    somali_themes = [theme for theme in run.themes if theme.language == "so"]
    # Somali responses are only in Somali themes, and Somali themes hold only them.
    assert {str(i) for theme in somali_themes for i in theme.item_ids} == somali
    assert all(theme.language != "so" for theme in run.themes if theme not in somali_themes)
    # 12 responses give at most sqrt(12) = 3 themes: each topic lands whole in one of them.
    assert len(somali_themes) == 3
    for topic in (HOMEWORK, BUS, LANGUAGE, FOOD):
        assert len(themes_of_topic(run, topic_of, topic, "so")) == 1, topic


def test_it_describes_themes_by_topic_words_and_original_quotes() -> None:
    items, topic_of = labelled_items()
    by_id = {item.id: item for item in items}
    run = find_themes(items)

    words = {HOMEWORK: "homework", BUS: "bus", FOOD: "lunch"}
    for topic, word in words.items():
        key = themes_of_topic(run, topic_of, topic, PIVOT).most_common(1)[0][0]
        theme = run.theme(key)
        assert word in theme.top_terms[:2], theme.top_terms
        # Quotes are members, in their original words and language (not the English pivot).
        assert 1 <= len(theme.quotes) <= 3
        for quote in theme.quotes:
            assert quote.item_id in theme.item_ids
            assert quote.text == by_id[quote.item_id].text
            assert quote.language == by_id[quote.item_id].language
    languages = {quote.language for theme in run.themes for quote in theme.quotes}
    assert {"en", "es", "vi", "so"} <= languages

    interpreter_terms = {"interpreter", "translate", "language", "speaks"}
    for key in themes_of_topic(run, topic_of, LANGUAGE, PIVOT):
        assert interpreter_terms & set(run.theme(key).top_terms), run.theme(key).top_terms

    # Somali themes are described by Somali words: "baska" is the bus.
    bus = themes_of_topic(run, topic_of, BUS, "so").most_common(1)[0][0]
    assert "baska" in run.theme(bus).top_terms[:2]
