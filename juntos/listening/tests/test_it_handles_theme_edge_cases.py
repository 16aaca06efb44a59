"""Themes on degenerate input: nothing, one response, identical responses, empty texts."""

from __future__ import annotations

import pytest

from juntos.listening.themes import PIVOT, ThemeItem, find_themes, normalize_text, space_of


def test_it_returns_no_theme_for_no_response() -> None:
    run = find_themes([])
    assert run.themes == ()
    assert run.unthemed == ()


def test_it_makes_one_theme_of_one_response() -> None:
    run = find_themes([ThemeItem(id=1, text="The bus is always late.", language="en")])
    assert len(run.themes) == 1
    theme = run.themes[0]
    assert theme.item_ids == (1,)
    assert theme.language == PIVOT
    assert "bus" in theme.top_terms
    assert [quote.item_id for quote in theme.quotes] == [1]


def test_it_makes_one_theme_of_identical_responses_with_one_quote() -> None:
    items = [ThemeItem(id=n, text="More interpreters, please!", language="en") for n in range(30)]
    run = find_themes(items)
    assert len(run.themes) == 1
    assert run.themes[0].size == 30
    # Identical texts are quoted once.
    assert len(run.themes[0].quotes) == 1


def test_it_leaves_responses_without_words_unthemed() -> None:
    items = [
        ThemeItem(id="empty", text="", language="en"),
        ThemeItem(id="spaces", text="   ", language="es"),
        ThemeItem(id="digits", text="555-123-4567 12", language="en"),
        ThemeItem(id="link", text="https://example.org/form", language="en"),
        ThemeItem(id="stop", text="the and of", language="en"),
        ThemeItem(id="bus", text="The bus is late", language="en"),
    ]
    run = find_themes(items)
    assert set(run.unthemed) == {"empty", "spaces", "digits", "link", "stop"}
    assert run.assignment() == {"bus": run.themes[0].key}


def test_it_falls_back_to_the_original_when_the_rendition_is_blank() -> None:
    item = ThemeItem(id=1, text="Baska wuu daahaa", language="so", pivot_text="  ")
    assert space_of(item) == "so"
    run = find_themes([item])
    assert run.themes[0].language == "so"


def test_it_refuses_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        find_themes([ThemeItem(id=1, text="a", language="en")] * 2)


def test_it_normalises_text_for_each_language() -> None:
    # Spanish: accents stripped (families often type without them), stop and domain words out.
    assert normalize_text("¡Más intérpretes en la escuela, por favor!", "es-MX") == (
        "intérpretes".replace("é", "e")
    )
    # Vietnamese keeps its tone marks: they tell words apart.
    assert normalize_text("Xe buýt đến trễ", "vi") == "xe buýt đến trễ"
    # Chinese has no spaces: one token per character; phone numbers and links go.
    assert normalize_text("校车太晚 call 206-555-0100 www.x.org", "zh") == "车 太 晚 call"
    # Arabic: vowel marks dropped and alef forms unified.
    assert normalize_text("الحَافِلة متأخرة", "ar") == normalize_text("الحافله متاخره", "ar")


def test_it_groups_chinese_responses_without_spaces() -> None:
    bus = ["校车每天都迟到", "校车站太远了", "校车司机不等人", "早上校车没有来"]
    lunch = ["午餐不够吃", "午餐太冷了", "午餐没有蔬菜", "食堂午餐太少"]
    items = [
        ThemeItem(id=f"{topic}-{n}", text=text, language="zh")
        for topic, texts in (("bus", bus), ("lunch", lunch))
        for n, text in enumerate(texts)
    ]
    run = find_themes(items)
    assert len(run.themes) == 2
    groups = {frozenset(str(i).split("-")[0] for i in theme.item_ids) for theme in run.themes}
    assert groups == {frozenset({"bus"}), frozenset({"lunch"})}
    assert all(theme.language == "zh" for theme in run.themes)
