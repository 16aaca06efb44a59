"""The caregiver's recorded languages settle ambiguous short replies, and never outweigh clear
evidence: records are sometimes wrong."""

from __future__ import annotations

import pytest

from juntos.language.detect import detect, probabilities


@pytest.mark.parametrize("tag", ["es", "pt"])
def test_the_record_decides_an_ambiguous_word(tag: str) -> None:
    # "Si" is Spanish and Portuguese (and Italian) alike.
    assert detect("Si", known=[tag]).language == tag


def test_the_record_helps_but_a_short_text_stays_uncertain() -> None:
    without = probabilities("Ok")
    with_record = probabilities("Ok", known=["vi"])
    assert with_record["vi"] > without["vi"]
    assert detect("Ok", known=["vi"]).confidence < 0.8


@pytest.mark.parametrize(
    ("text", "tag", "wrong"),
    [
        ("No puedo ir mañana, tengo que trabajar en la noche.", "es", ["vi"]),
        ("No puedo ir mañana, tengo que trabajar en la noche.", "es", ["pt", "en"]),
        ("Thank you for the reminder, we will be there.", "en", ["es"]),
        ("Tôi sẽ đến đón con lúc ba giờ chiều.", "vi", ["zh"]),
        ("Pitit mwen pa t kapab vini lekòl jodi a.", "ht", ["fr"]),
        ("Мій син сьогодні не прийде до школи.", "uk", ["ru"]),
    ],
)
def test_a_wrong_record_does_not_override_clear_evidence(
    text: str, tag: str, wrong: list[str]
) -> None:
    detection = detect(text, known=wrong)
    assert detection.language == tag, detection
    assert detection.confidence > 0.9


def test_a_short_text_leans_on_the_record_more_than_a_long_one() -> None:
    short = probabilities("gracias", known=["pt"])
    long = probabilities("Muchas gracias, mañana voy a la reunión de padres.", known=["pt"])
    assert short["pt"] > long["pt"]
    assert max(long, key=long.__getitem__) == "es"


def test_unknown_or_invalid_recorded_tags_are_ignored() -> None:
    text = "Gracias, mañana voy a la reunión."
    assert detect(text, known=["not a tag", "xx-zz-qq", "it"]).language == "es"


def test_the_probabilities_sum_to_one() -> None:
    scores = probabilities("Gracias por avisar", known=["es", "en"])
    assert len(scores) == 16
    assert sum(scores.values()) == pytest.approx(1.0)
