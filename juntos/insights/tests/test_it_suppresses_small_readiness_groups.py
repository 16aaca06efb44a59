"""A role or a language with fewer than 5 respondents shows no readiness score, and no gap.

The acceptance of issue 8: "a role with fewer than 5 respondents is suppressed". Four staff
members answered: their scores, their item means and the staff-family gap are hidden in
every domain, while the families' scores (six of them) are shown. Languages of families are a
line with a total, so a small language hides the next one (complementary suppression):
otherwise the family total minus the shown languages would give the small one away.
"""

from __future__ import annotations

from decimal import Decimal

from juntos.insights.readiness import DOMAINS, Response, Score, score
from juntos.insights.suppression import MINIMUM, Cell, Rate

ITEM = "communication.language"


def staff(count: int, answer: int = 4) -> list[Response]:
    return [Response("staff", "en", {ITEM: answer}) for _ in range(count)]


def families(count: int, language: str, answer: int = 2) -> list[Response]:
    return [Response("family", language, {ITEM: answer}) for _ in range(count)]


def test_four_staff_hide_every_staff_score_and_every_gap() -> None:
    assert MINIMUM == 5
    report = score([*staff(4), *families(6, "es")])
    assert report.respondents == {"staff": Cell(None, "small"), "family": Cell(6)}
    for domain in DOMAINS:
        assert report.domains[domain].scores["staff"] == Score(None, "small")
        assert report.domains[domain].gap is None
    assert report.domains["communication"].scores["family"] == Score(Decimal("2.00"))
    assert report.items[ITEM].scores["staff"] == Score(None, "small")
    # Not even a count of "I don't know" is published for a suppressed role.
    assert report.items[ITEM].dont_know["staff"] == Rate(None, None)


def test_five_staff_are_shown_with_the_gap() -> None:
    report = score([*staff(5), *families(6, "es")])
    assert report.respondents["staff"] == Cell(5)
    assert report.domains["communication"].scores["staff"] == Score(Decimal("4.00"))
    assert report.domains["communication"].gap == Decimal("2.00")


def test_four_families_hide_the_family_side() -> None:
    report = score([*staff(5), *families(2, "es"), *families(2, "vi")])
    assert report.respondents["family"] == Cell(None, "small")
    assert report.domains["communication"].scores["family"] == Score(None, "small")
    assert report.domains["communication"].gap is None
    assert report.family_languages.total == Cell(None, "small")
    assert all(cell.suppressed for cell in report.family_languages.cells.values())
    assert report.domains["communication"].family_by_language == {
        "es": Score(None, "small"),
        "vi": Score(None, "small"),
    }


def test_a_small_language_hides_the_next_smallest_one_too() -> None:
    # Spanish 7, Vietnamese 4: the total (11) is shown, so Spanish is hidden with Vietnamese.
    report = score([*staff(5), *families(7, "es", 2), *families(4, "vi", 5)])
    assert report.family_languages.total == Cell(11)
    assert report.family_languages.cells == {
        "es": Cell(None, "complementary"),
        "vi": Cell(None, "small"),
    }
    communication = report.domains["communication"]
    assert communication.family_by_language == {
        "es": Score(None, "complementary"),
        "vi": Score(None, "small"),
    }
    # All eleven families together are enough: (7 * 2 + 4 * 5) / 11 = 34/11.
    assert communication.scores["family"] == Score(Decimal("3.09"))


def test_a_large_group_with_few_answers_to_an_item_leaves_it_out() -> None:
    # Six staff, only four of whom scored the item (two did not know): too few answers.
    unsure = [Response("staff", "en", {ITEM: None}) for _ in range(2)]
    report = score([*staff(4), *unsure])
    assert report.respondents["staff"] == Cell(6)
    assert report.items[ITEM].scores["staff"] == Score(None, "few_answers")
    assert report.domains["communication"].scores["staff"] == Score(None, "few_answers")


def test_nobody_is_no_data_not_suppression() -> None:
    report = score(staff(5))
    assert report.respondents["family"] == Cell(0)
    assert report.domains["communication"].scores["family"] == Score(None, "no_data")
    assert report.family_languages.cells == {}
