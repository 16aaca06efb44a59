"""Bare answers in each demo language are read; anything longer is left for a person."""

from __future__ import annotations

import pytest

from juntos.events.answers import WORDS, Reading, read_answer
from juntos.language import registry


def test_every_demo_language_has_yes_no_and_maybe_words() -> None:
    assert set(WORDS) == set(registry.DEMO_LANGUAGES)
    for language, words in WORDS.items():
        assert all(words.get(a) for a in ("yes", "no", "maybe")), language


@pytest.mark.parametrize("language", sorted(WORDS))
def test_each_word_reads_as_its_answer_in_its_language(language: str) -> None:
    for answer, forms in WORDS[language].items():
        for form in forms:
            reading = read_answer(f" {form.upper()}! ", languages=[language], option_count=2)
            assert reading == Reading(answer, None), (language, form)


def test_numbers_follow_the_number_of_times() -> None:
    def one(text: str) -> Reading | None:
        return read_answer(text, languages=["es"], option_count=1)

    def three(text: str) -> Reading | None:
        return read_answer(text, languages=["vi"], option_count=3)

    assert one("1") == Reading("yes", 0)
    assert one("2") == Reading("no", None)
    assert one("3") == Reading("maybe", None)
    assert one("4") is None
    assert one("Sí") == Reading("yes", 0)
    assert three("3.") == Reading("yes", 2)
    assert three("4") is None
    assert three("٢") == Reading("yes", 1)  # Arabic-Indic digits, as Arabic phones type them
    assert three("Không") == Reading("no", None)
    assert three("khong") == Reading("no", None)


def test_sentences_and_unknown_words_are_not_answers() -> None:
    for text in ("Sí, pero llegaré tarde", "1 o 2", "yes please call me", "quizás mañana", ""):
        assert read_answer(text, languages=["es"], option_count=2) is None, text
    # A word of a language the family does not speak (Somali "haa") is not read for Spanish.
    assert read_answer("haa", languages=["es"], option_count=1) is None
