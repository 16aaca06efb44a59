"""Scale scores are the mean of the item means (1 to 5), worked out here by hand. An item
counts only when at least 5 people gave it a 1 to 5 answer; a language group of fewer than 5 is
hidden, and so is the next smallest group, so that no group is recovered from the total."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client

from conftest import World
from juntos.surveys.actions import do_submit_response
from juntos.surveys.instruments import instrument, scale_scores
from juntos.surveys.tests.helpers import add_north_families, answers, make_survey, open_wave


def _responses() -> list[tuple[str, dict[str, Any]]]:
    """13 respondents: 6 in Spanish, 5 in Vietnamese, 2 in Somali."""
    rows: list[tuple[str, dict[str, Any]]] = []
    for n, first in enumerate([5, 5, 4, 4, 3, 3]):
        given: dict[str, Any] = {"welcome_1": first, "welcome_2": 4}
        given["welcome_3"] = None if n == 0 else 2  # "I don't know" is not scored
        if n < 4:
            given["trust_1"] = 5  # only 4 people: the item is not counted
        rows.append(("es", given))
    rows += [("vi", {"welcome_1": 1, "welcome_2": 4}) for _ in range(5)]
    rows += [("so", {"welcome_1": 5, "welcome_2": 5}) for _ in range(2)]
    return rows


def test_scores_by_hand() -> None:
    report = scale_scores(instrument("climate"), _responses())

    # welcome_1: (24 + 5 + 10) / 13 = 3; welcome_2: (24 + 20 + 10) / 13 = 54/13;
    # welcome_3: five 2s = 2. Welcome = (3 + 54/13 + 2) / 3 = 3.0513 → 3.05.
    assert report.overall.respondents.value == 13
    assert report.overall.scores["welcome"] == Decimal("3.05")
    assert report.overall.scores["trust"] is None
    assert report.overall.scores["voice"] is None
    # Spanish: welcome_1 24/6 = 4, welcome_2 4, welcome_3 2 → 10/3 = 3.33.
    assert report.by_language["es"].respondents.value == 6
    assert report.by_language["es"].scores["welcome"] == Decimal("3.33")
    # Somali (2) is small; Vietnamese (5) is hidden too, or 13 - 6 would give Somali away.
    assert report.by_language["so"].respondents.reason == "small"
    assert report.by_language["vi"].respondents.reason == "complementary"
    assert report.by_language["vi"].scores["welcome"] is None
    assert report.by_language["so"].scores["welcome"] is None


def test_fewer_than_five_respondents_show_nothing() -> None:
    report = scale_scores(instrument("climate"), _responses()[:4])

    assert report.overall.respondents.suppressed
    assert set(report.overall.scores.values()) == {None}


def test_the_results_page_shows_the_same_figures(world: World) -> None:
    families = add_north_families(world, 11)
    survey = make_survey(world)
    opened = open_wave(world, survey)
    caregivers = [world.north_family, world.north_family_2, *families]
    for caregiver, (language, given) in zip(caregivers, _responses(), strict=True):
        points = {
            None: "dont_know",
            1: "strongly_disagree",
            2: "disagree",
            3: "neutral",
            4: "agree",
            5: "strongly_agree",
        }
        do_submit_response(
            token=opened.tokens[caregiver.pk],
            data=answers(**{q: points[v] for q, v in given.items()}),
            language=language,
        )
    client = Client()
    client.force_login(world.personas["teacher"])

    page = client.get(f"/surveys/{survey.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "3.05" in html and "3.33" in html
    scales = page.context["results"].scales
    assert scales.overall.respondents.value == 13
    csv = client.get(f"/surveys/{survey.pk}/results.csv").content.decode()
    assert "all,scale_score,welcome,3.05," in csv
    assert "vi,respondents,,,yes" in csv
    assert "caregiver" not in csv.lower()
