from __future__ import annotations

import numpy as np
import pytest

from juntos.listening.opinion import find_opinion_groups

nan = np.nan
# Three groups of four, told apart by statements 0-7 (everyone in a group votes alike there).
DIVIDERS: dict[str, list[float]] = {
    "a": [1, 1, 1, 1, -1, -1, -1, -1],
    "b": [-1, -1, -1, -1, 1, 1, 1, 1],
    "c": [1, 1, -1, -1, 1, 1, -1, -1],
}
# Statement 8, by hand: group a 3 agrees of 3 reactions (one did not react);
# group b 2 agrees, 1 disagree, 1 pass; group c 4 disagrees.
TARGET: dict[str, list[float]] = {
    "a": [1, 1, 1, nan],
    "b": [1, -1, 0, 1],
    "c": [-1, -1, -1, -1],
}


def test_it_multiplies_the_smoothed_agreement_of_every_group() -> None:
    rows: list[list[float]] = []
    ids: list[str] = []
    for name, dividers in DIVIDERS.items():
        for member, vote in enumerate(TARGET[name]):
            rows.append([*dividers, vote])
            ids.append(f"{name}{member}")
    matrix = np.array(rows, dtype=np.float32)

    result = find_opinion_groups(matrix, ids, list(range(9)))

    assigned = result.assignment()
    assert result.k == 3
    for name in DIVIDERS:
        assert len({assigned[f"{name}{member}"] for member in range(4)}) == 1
    target = next(item for item in result.consensus if item.statement_id == 8)
    # (agrees + 1) / (reactions + 2) per group, multiplied: a 4/5, b 3/6, c 1/6.
    assert target.agree == pytest.approx(4 / 5 * 3 / 6 * 1 / 6)
    # Disagreement: a 1/5, b 2/6, c 5/6.
    assert target.disagree == pytest.approx(1 / 5 * 2 / 6 * 5 / 6)
    assert target.reactions == 11
    # Statement 0: a 4 agrees of 4, b 0 of 4, c 4 of 4.
    first = next(item for item in result.consensus if item.statement_id == 0)
    assert first.agree == pytest.approx(5 / 6 * 1 / 6 * 5 / 6)


def test_it_lists_statements_every_group_agrees_with_first() -> None:
    rows = []
    for name, dividers in DIVIDERS.items():
        for member in range(4):
            # Statement 8: everybody agrees but one; statement 9: only group a agrees.
            rows.append(
                [*dividers, -1 if (name, member) == ("b", 0) else 1, 1 if name == "a" else -1]
            )
    matrix = np.array(rows, dtype=np.float32)

    result = find_opinion_groups(matrix, list(range(12)), list(range(10)))

    assert result.consensus[0].statement_id == 8
    assert [item.agree for item in result.consensus] == sorted(
        (item.agree for item in result.consensus), reverse=True
    )
