from __future__ import annotations

import numpy as np

from juntos.listening.opinion import Z_90, find_opinion_groups
from juntos.listening.tests.opinion_data import planted

STATEMENTS = 20


def test_it_finds_the_statement_one_group_holds_against_the_rest() -> None:
    rates = np.full((3, STATEMENTS), 0.5)
    # Statements 0-9 tell the groups apart.
    rates[:, :10] = np.random.default_rng(0).choice([0.1, 0.9], size=(3, 10))
    # Statement 10: planted disagreement, group 0 agrees, groups 1 and 2 disagree.
    rates[:, 10] = [0.95, 0.05, 0.05]
    # Statement 11: everybody agrees.
    rates[:, 11] = 0.95
    matrix, truth = planted((60, 50, 40), STATEMENTS, seed=8, voted=0.9, agree_rates=rates)

    result = find_opinion_groups(matrix, list(range(150)), list(range(STATEMENTS)))

    assert result.k == 3
    assigned = result.assignment()
    group_of = {
        planted_group: int(
            np.bincount([assigned[i] for i in range(150) if truth[i] == planted_group]).argmax()
        )
        for planted_group in range(3)
    }
    reps = {group.group: group.representative for group in result.groups}
    first = {(rep.statement_id, rep.direction): rep for rep in reps[group_of[0]]}
    assert (10, "agree") in first
    rep = first[10, "agree"]
    assert rep.z > Z_90
    assert rep.group_probability > 0.8
    assert rep.rest_probability < 0.2
    assert rep.ratio == rep.group_probability / rep.rest_probability
    for planted_group in (1, 2):
        assert (10, "disagree") in {
            (rep.statement_id, rep.direction) for rep in reps[group_of[planted_group]]
        }
    # What everybody holds represents nobody.
    for group in result.groups:
        assert 11 not in {rep.statement_id for rep in group.representative}
        assert len(group.representative) <= 5
        assert all(rep.z > Z_90 for rep in group.representative)


def test_it_returns_no_representative_statement_for_a_single_group() -> None:
    matrix = np.ones((10, 8), dtype=np.float32)

    result = find_opinion_groups(matrix, list(range(10)), list(range(8)))

    assert result.k == 1
    assert result.groups[0].representative == []


def test_it_keeps_only_significant_differences() -> None:
    # Two groups of 10 split by statements 0-5; everybody passes on statements 6-9.
    group_a = [1, 1, 1, -1, -1, -1, 0, 0, 0, 0]
    group_b = [-1, -1, -1, 1, 1, 1, 0, 0, 0, 0]
    matrix = np.array([group_a] * 10 + [group_b] * 10, dtype=np.float32)

    result = find_opinion_groups(matrix, list(range(20)), list(range(10)), representative_count=10)

    assert result.k == 2
    by_first_member = {
        tuple(matrix[i, :3].tolist()): group
        for group in result.groups
        for i in range(20)
        if result.assignment()[i] == group.group
    }
    reps_a = by_first_member[1.0, 1.0, 1.0].representative
    assert sorted((rep.statement_id, rep.direction) for rep in reps_a) == [
        (0, "agree"),
        (1, "agree"),
        (2, "agree"),
        (3, "disagree"),
        (4, "disagree"),
        (5, "disagree"),
    ]
