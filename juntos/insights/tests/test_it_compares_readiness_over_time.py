"""The self-assessment is repeated yearly: the change per domain and role, where both are shown."""

from __future__ import annotations

from decimal import Decimal

from juntos.insights.readiness import Change, Response, Role, compare, score

LANGUAGE = "communication.language"
WELCOME = "environment.welcome"


def answers(role: Role, count: int, values: dict[str, int]) -> list[Response]:
    return [Response(role, "es", dict(values)) for _ in range(count)]


def test_it_compares_each_domain_for_staff_families_and_the_gap() -> None:
    last_year = score(
        [
            *answers("staff", 5, {LANGUAGE: 4, WELCOME: 5}),
            *answers("family", 6, {LANGUAGE: 2, WELCOME: 3}),
        ]
    )
    this_year = score(
        [
            *answers("staff", 3, {LANGUAGE: 4, WELCOME: 4}),
            *answers("staff", 3, {LANGUAGE: 3, WELCOME: 4}),
            *answers("family", 8, {LANGUAGE: 3, WELCOME: 4}),
        ]
    )
    comparison = compare(last_year, this_year)
    assert (comparison.previous_version, comparison.current_version) == ("2026.1", "2026.1")
    communication = comparison.domains["communication"]
    # Staff 4.00 -> 3.50; families 2.00 -> 3.00; the gap closes from 2.00 to 0.50.
    assert communication["staff"] == Change(Decimal("4.00"), Decimal("3.50"))
    assert communication["staff"].change == Decimal("-0.50")
    assert communication["family"].change == Decimal("1.00")
    assert communication["gap"] == Change(Decimal("2.00"), Decimal("0.50"))
    assert communication["gap"].change == Decimal("-1.50")
    environment = comparison.domains["environment"]
    assert environment["staff"].change == Decimal("-1.00")
    assert environment["family"].change == Decimal("1.00")


def test_a_figure_hidden_in_either_year_has_no_change() -> None:
    last_year = score([*answers("staff", 4, {LANGUAGE: 4}), *answers("family", 6, {LANGUAGE: 2})])
    this_year = score([*answers("staff", 5, {LANGUAGE: 5}), *answers("family", 6, {LANGUAGE: 3})])
    communication = compare(last_year, this_year).domains["communication"]
    assert communication["staff"] == Change(None, Decimal("5.00"))
    assert communication["staff"].change is None
    assert communication["gap"].change is None
    assert communication["family"].change == Decimal("1.00")
    # A domain nobody answered either year has nothing to compare.
    assert compare(last_year, this_year).domains["advocacy"]["family"].change is None
