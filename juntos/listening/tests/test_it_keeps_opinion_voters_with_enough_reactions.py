from __future__ import annotations

import numpy as np

from juntos.listening.opinion import find_opinion_groups
from juntos.listening.tests.opinion_data import planted


def test_it_leaves_out_participants_with_fewer_than_seven_reactions() -> None:
    matrix, _ = planted((20, 20), 12, seed=1, voted=1.0)
    matrix[0, 6:] = np.nan  # 6 reactions: out
    matrix[1, 7:] = np.nan  # 7 reactions: in
    matrix[2, 1:] = np.nan
    matrix[2, 0] = 0  # a single pass: out
    ids = [f"p{i}" for i in range(40)]

    result = find_opinion_groups(matrix, ids, list(range(12)))

    kept = {point.participant_id for point in result.participants}
    assert "p0" not in kept
    assert "p1" in kept
    assert "p2" not in kept
    assert result.left_out == 2
    assert result.min_reactions == 7
    assert sum(group.size for group in result.groups) == 38


def test_it_lowers_the_minimum_to_the_number_of_statements() -> None:
    matrix, _ = planted((10, 10), 4, seed=2, voted=1.0)
    matrix[0, 3] = np.nan  # 3 of 4 statements: out

    result = find_opinion_groups(matrix, list(range(20)), list(range(4)))

    assert result.min_reactions == 4
    assert result.left_out == 1
    assert 0 not in result.assignment()
    assert 1 in result.assignment()


def test_it_counts_left_out_participants_out_of_the_group_statistics() -> None:
    matrix, _ = planted((15, 15), 10, seed=3, voted=1.0)
    # A participant with few reactions who agrees with everything they saw.
    extra = np.full((1, 10), np.nan, dtype=np.float32)
    extra[0, :3] = 1
    both = np.vstack([matrix, extra])

    with_extra = find_opinion_groups(both, list(range(31)), list(range(10)))
    without = find_opinion_groups(matrix, list(range(30)), list(range(10)))

    assert with_extra.left_out == 1
    assert with_extra.consensus == without.consensus
