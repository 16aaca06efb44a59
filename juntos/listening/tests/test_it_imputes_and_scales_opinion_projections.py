from __future__ import annotations

import math

import numpy as np
import pytest

from juntos.listening.opinion import find_opinion_groups, impute, scaling_factors

nan = np.nan


def test_it_imputes_a_missing_cell_with_the_statement_mean() -> None:
    votes = np.array(
        [
            [1, nan, -1],
            [-1, 1, nan],
            [nan, 0, nan],
            [1, 1, nan],
        ],
        dtype=np.float32,
    )

    filled = impute(votes, ~np.isnan(votes))

    # Column means over those who reacted: (1 - 1 + 1) / 3, (1 + 0 + 1) / 3, -1 / 1.
    expected = np.array(
        [
            [1, 2 / 3, -1],
            [-1, 1, -1],
            [1 / 3, 0, -1],
            [1, 1, -1],
        ],
    )
    assert np.allclose(filled, expected)


def test_it_scales_by_the_root_of_statements_over_own_reactions() -> None:
    assert scaling_factors(np.array([10, 5, 1]), 10).tolist() == pytest.approx(
        [1, math.sqrt(2), math.sqrt(10)]
    )


def test_a_participant_with_half_the_reactions_lands_sqrt_2_further_out() -> None:
    # Statements 4-7 are split evenly (mean 0), so an unseen cell there is imputed as 0,
    # exactly like a pass. "half" reacted to statements 0-3 only; "full" reacted to the same
    # and passed on 4-7: the same filled row, so only the scaling tells them apart.
    rows = [
        [1, 1, -1, -1, 1, 1, -1, -1],
        [1, 1, -1, -1, -1, -1, 1, 1],
        [-1, -1, 1, 1, 1, -1, 1, -1],
        [-1, -1, 1, 1, -1, 1, -1, 1],
        [1, -1, 1, -1, 1, 1, -1, -1],
        [1, -1, 1, -1, -1, -1, 1, 1],
        [1, 1, 1, -1, 0, 0, 0, 0],
        [1, 1, 1, -1, nan, nan, nan, nan],
    ]
    votes = np.array(rows, dtype=np.float32)

    result = find_opinion_groups(votes, list(range(8)), list(range(8)), min_reactions=4)

    points = {point.participant_id: point for point in result.participants}
    full, half = points[6], points[7]
    assert math.hypot(full.x, full.y) > 0.1
    assert half.x == pytest.approx(math.sqrt(2) * full.x, rel=1e-4)
    assert half.y == pytest.approx(math.sqrt(2) * full.y, rel=1e-4)
