"""Staff and families (Spanish and Vietnamese) answer; domain scores and gaps computed by hand.

Six staff members and eleven families (six answered in Spanish, five in Vietnamese) answer
the items of two domains; nobody answers the other four. Each column of a table below is one
respondent; ``None`` is "I don't know" and ``SKIP`` an item left blank.

A domain score is the mean of its item means (not the mean of all answers pooled), on 1-5,
rounded half up to two decimals; an item enters it only when at least 5 respondents of the
group scored it; the gap is staff minus family, from the two published scores.
"""

from __future__ import annotations

from decimal import Decimal

from juntos.insights.readiness import DOMAINS, Response, Role, Score, score
from juntos.insights.suppression import Cell

SKIP = "skip"
Column = list[int | str | None]


def respondents(role: Role, language: str, table: dict[str, Column]) -> list[Response]:
    """One response per column of ``table`` (item id → answers, one per respondent)."""
    count = len(next(iter(table.values())))
    assert all(len(column) == count for column in table.values())
    responses = []
    for index in range(count):
        answers: dict[str, int | None] = {}
        for item_id, column in table.items():
            value = column[index]
            if value != SKIP:
                assert value is None or isinstance(value, int)
                answers[item_id] = value
        responses.append(Response(role=role, language=language, answers=answers))
    return responses


N = None
STAFF = respondents(
    "staff",
    "en",
    {
        "communication.language": [5, 4, 4, 4, 4, 3],  # 24/6 = 4
        "communication.answer": [3, 3, 3, 3, 2, N],  # 14/5 = 2.8
        "communication.channel": [4, 4, 4, 4, 4, 4],  # 4
        "communication.questions": [5, 5, 5, 4, 4, 4],  # 27/6 = 4.5
        "environment.welcome": [5, 5, 5, 5, 5, 5],  # 5
        "environment.belong": [4, 4, 4, 4, 5, 5],  # 26/6 = 13/3
    },
)
SPANISH = respondents(
    "family",
    "es",
    {
        "communication.language": [2, 2, 3, 2, 1, 2],  # 12/6 = 2
        "communication.answer": [3, 3, 3, 3, 3, 3],  # 3
        "communication.channel": [4, 4, 4, 4, 4, 4],  # 4
        "communication.questions": [5, 5, 5, N, N, N],  # 3 answers: left out in Spanish
        "environment.welcome": [4, 4, 4, 4, 4, 4],  # 4
        "environment.find_way": [N, N, N, N, N, N],  # nobody scored it
        "environment.belong": [3, 3, 3, 3, 3, 3],  # 3
    },
)
VIETNAMESE = respondents(
    "family",
    "vi",
    {
        "communication.language": [1, 2, 1, 2, 1],  # 7/5 = 1.4
        "communication.answer": [3, 3, 3, 3, 3],  # 3
        "communication.channel": [2, 2, 2, 2, 2],  # 2
        "communication.questions": [4, 4, 4, 4, 4],  # 4
        "environment.welcome": [4, 4, 4, 4, 4],  # 4
        "environment.find_way": [2, 2, 2, 2, 2],  # 2
        "environment.belong": [5, 5, 5, 5, 5],  # 5
    },
)


def d(text: str) -> Decimal:
    return Decimal(text)


def test_it_counts_respondents_per_role_and_language() -> None:
    report = score([*STAFF, *SPANISH, *VIETNAMESE])
    assert report.version == "2026.1"
    assert report.respondents == {"staff": Cell(6), "family": Cell(11)}
    assert report.family_languages.cells == {"es": Cell(6), "vi": Cell(5)}
    assert report.family_languages.total == Cell(11)


def test_communication_staff_and_family_side_by_side_with_the_gap() -> None:
    result = score([*STAFF, *SPANISH, *VIETNAMESE]).domains["communication"]
    # Staff: (4 + 2.8 + 4 + 4.5) / 4 = 3.825, rounded half up. Pooling all 23 answers would
    # give 89/23 = 3.87: the domain weighs every item the same, whatever its answer count.
    assert result.scores["staff"] == Score(d("3.83"))
    # Families: language 19/11, answer 3, channel 34/11, questions 35/8 (the three Spanish
    # answers count here: eight families scored it).
    # (19/11 + 3 + 34/11 + 35/8) / 4 = 1073/352 = 3.0483
    assert result.scores["family"] == Score(d("3.05"))
    assert result.gap == d("0.78")
    # Spanish: questions has only 3 answers, so it is left out: (2 + 3 + 4) / 3, where
    # counting it would give (2 + 3 + 4 + 5) / 4 = 3.5. Vietnamese: (1.4 + 3 + 2 + 4) / 4.
    assert result.family_by_language == {"es": Score(d("3.00")), "vi": Score(d("2.60"))}
    # Published to two decimals, as a page shows them.
    assert [str(s.value) for s in result.scores.values()] == ["3.83", "3.05"]
    assert str(result.family_by_language["es"].value) == "3.00"


def test_environment_leaves_out_unanswered_items() -> None:
    result = score([*STAFF, *SPANISH, *VIETNAMESE]).domains["environment"]
    # Staff skipped find_way and space: (5 + 13/3) / 2 = 14/3.
    assert result.scores["staff"] == Score(d("4.67"))
    # Families: welcome 4, find_way 2 (the five Vietnamese answers), belong 43/11;
    # space was not answered. (4 + 2 + 43/11) / 3 = 109/33 = 3.303.
    assert result.scores["family"] == Score(d("3.30"))
    assert result.gap == d("1.37")
    # Every Spanish-speaking family said "I don't know" to find_way: (4 + 3) / 2.
    assert result.family_by_language == {"es": Score(d("3.50")), "vi": Score(d("3.67"))}


def test_domains_nobody_answered_have_no_score_and_no_gap() -> None:
    report = score([*STAFF, *SPANISH, *VIETNAMESE])
    for domain in set(DOMAINS) - {"communication", "environment"}:
        result = report.domains[domain]
        assert result.scores == {"staff": Score(None, "no_data"), "family": Score(None, "no_data")}
        assert result.gap is None
    assert list(report.domains) == list(DOMAINS)


def test_item_means_and_i_dont_know_are_reported_per_role() -> None:
    report = score([*STAFF, *SPANISH, *VIETNAMESE])
    find_way = report.items["environment.find_way"]
    # Six of eleven families do not know where to go: shown, because six people is enough.
    assert find_way.dont_know["family"].numerator == 6
    assert find_way.dont_know["family"].denominator == 11
    assert find_way.scores["family"] == Score(d("2.00"))
    assert find_way.scores["staff"] == Score(None, "no_data")
    # Three "I don't know" among families: shown as "fewer than 5", not as 3.
    questions = report.items["communication.questions"]
    assert questions.dont_know["family"].numerator is None
    assert questions.dont_know["family"].numerator_below_minimum
    assert questions.scores["family"] == Score(d("4.38"))  # 35/8 = 4.375
    # "I don't know" is not a low score: it is out of the mean.
    answer = report.items["communication.answer"]
    assert answer.scores["staff"] == Score(d("2.80"))
    assert answer.dont_know["staff"].numerator_below_minimum
    assert report.items["environment.welcome"].dont_know["staff"].numerator == 0


def test_an_i_dont_know_changes_the_count_not_the_mean() -> None:
    unsure = Response("family", "vi", {"communication.language": None})
    before = score([*STAFF, *SPANISH, *VIETNAMESE]).domains["communication"]
    after = score([*STAFF, *SPANISH, *VIETNAMESE, unsure]).domains["communication"]
    assert after.scores["family"] == before.scores["family"]
    assert after.family_by_language["vi"] == before.family_by_language["vi"]


def test_language_tags_are_read_in_any_case() -> None:
    dari = [
        Response("family", "fa-af", {"communication.language": 2}),
        *[Response("family", "FA-AF", {"communication.language": 4}) for _ in range(4)],
    ]
    report = score([*STAFF, *dari])
    assert report.family_languages.cells == {"fa-AF": Cell(5)}
    # (2 + 4 * 4) / 5 = 3.6
    assert report.domains["communication"].family_by_language["fa-AF"] == Score(d("3.60"))
