from __future__ import annotations

import numpy as np
import pytest

from juntos.listening.opinion import find_opinion_groups

nan = np.nan


def test_no_participants() -> None:
    result = find_opinion_groups(np.empty((0, 5)), [], list(range(5)))

    assert result.participants == []
    assert result.groups == []
    assert result.consensus == []
    assert result.k == 0
    assert result.silhouette is None


def test_nobody_with_enough_reactions() -> None:
    matrix = np.full((4, 10), nan)
    matrix[:, 0] = 1

    result = find_opinion_groups(matrix, list(range(4)), list(range(10)))

    assert result.k == 0
    assert result.left_out == 4


def test_no_statements() -> None:
    result = find_opinion_groups(np.empty((3, 0)), [1, 2, 3], [])

    assert result.k == 0
    assert result.left_out == 3


def test_one_statement() -> None:
    matrix = np.array([[1], [1], [1], [-1], [-1], [0], [nan]], dtype=np.float32)

    result = find_opinion_groups(matrix, list(range(7)), ["only"])

    assert result.min_reactions == 1
    assert result.left_out == 1
    assigned = result.assignment()
    assert assigned[0] == assigned[1] == assigned[2]
    assert assigned[3] == assigned[4]
    assert assigned[0] != assigned[3]
    assert all(point.y == 0 for point in result.participants)
    assert [item.statement_id for item in result.consensus] == ["only"]


def test_all_identical_votes() -> None:
    matrix = np.tile(np.array([1, -1, 0, 1, 1, -1, 1, 1], dtype=np.float32), (12, 1))

    result = find_opinion_groups(matrix, list(range(12)), list(range(8)))

    assert result.k == 1
    assert result.silhouette is None
    assert [(group.label, group.size) for group in result.groups] == [("A", 12)]
    assert all((point.x, point.y) == (0, 0) for point in result.participants)
    consensus = {item.statement_id: item for item in result.consensus}
    assert consensus[0].agree == pytest.approx(13 / 14)


def test_fewer_participants_than_groups_tried() -> None:
    two = np.array([[1] * 8, [-1] * 8], dtype=np.float32)
    three = np.array([[1] * 8, [1] * 7 + [-1], [-1] * 8], dtype=np.float32)

    assert find_opinion_groups(two, [1, 2], list(range(8))).k == 1
    result = find_opinion_groups(three, [1, 2, 3], list(range(8)))
    assert result.k == 2
    assigned = result.assignment()
    assert assigned[1] == assigned[2] != assigned[3]


def test_a_participant_who_only_passed() -> None:
    matrix = np.array(
        [[1, 1, 1, 1, -1, -1, -1, -1]] * 4
        + [[-1, -1, -1, -1, 1, 1, 1, 1]] * 4
        + [[0, 0, 0, 0, 0, 0, 0, 0]],
        dtype=np.float32,
    )

    result = find_opinion_groups(matrix, list(range(9)), list(range(8)))

    assert result.left_out == 0
    assert 8 in result.assignment()
    assert sum(group.size for group in result.groups) == 9


def test_rejects_values_that_are_not_reactions() -> None:
    with pytest.raises(ValueError, match="reactions must be"):
        find_opinion_groups(np.array([[2.0]]), [1], [1])
    with pytest.raises(ValueError, match="ids do not match"):
        find_opinion_groups(np.zeros((2, 2)), [1], [1, 2])
