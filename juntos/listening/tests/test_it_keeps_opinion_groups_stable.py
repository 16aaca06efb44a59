from __future__ import annotations

import json

import numpy as np
from numpy.typing import NDArray

from juntos.listening.opinion import OpinionResult, find_opinion_groups
from juntos.listening.tests.opinion_data import planted

STATEMENTS = 30


def label_of_planted(
    result: OpinionResult, ids: list[str], truth: NDArray[np.intp]
) -> dict[int, str]:
    """Planted group -> label of the group most of its members landed in."""
    assigned = result.assignment()
    labels = {group.group: group.label for group in result.groups}
    found = {}
    for planted_group in np.unique(truth).tolist():
        members = [
            assigned[p] for p, t in zip(ids, truth.tolist(), strict=True) if t == planted_group
        ]
        found[planted_group] = labels[int(np.bincount(members).argmax())]
    return found


def test_it_keeps_group_labels_from_one_run_to_the_next() -> None:
    rates = np.random.default_rng(0).choice([0.1, 0.9], size=(3, STATEMENTS))
    matrix, truth = planted((100, 60, 30), STATEMENTS, seed=1, voted=0.6, agree_rates=rates)
    ids = [f"p{i}" for i in range(len(truth))]
    first = find_opinion_groups(matrix, ids, list(range(STATEMENTS)), seed=1)
    # The previous run comes back from storage as JSON.
    previous = OpinionResult.from_dict(json.loads(json.dumps(first.to_dict())))
    assert previous == first

    # Later: 5% of the old reactions changed, 150 newcomers mostly in the smallest group
    # (which is now the largest), the rows in another order, another seed.
    rng = np.random.default_rng(2)
    changed = matrix.copy()
    flip = (rng.random(changed.shape) < 0.05) & ~np.isnan(changed)
    changed[flip] = -changed[flip]
    more, more_truth = planted((0, 10, 140), STATEMENTS, seed=3, voted=0.6, agree_rates=rates)
    later = np.vstack([changed, more])
    later_truth = np.concatenate([truth, more_truth])
    later_ids = ids + [f"n{i}" for i in range(len(more_truth))]
    order = rng.permutation(len(later_ids))
    later, later_truth = later[order], later_truth[order]
    later_ids = [later_ids[i] for i in order]

    second = find_opinion_groups(
        later, later_ids, list(range(STATEMENTS)), seed=9, previous=previous
    )
    fresh = find_opinion_groups(later, later_ids, list(range(STATEMENTS)), seed=9)

    assert label_of_planted(second, later_ids, later_truth) == label_of_planted(first, ids, truth)
    # Without the previous run the labels follow size and would have moved.
    assert label_of_planted(fresh, later_ids, later_truth) != label_of_planted(first, ids, truth)
    # The map keeps its orientation for people seen in both runs.
    before = {p.participant_id: (p.x, p.y) for p in first.participants}
    after = {p.participant_id: (p.x, p.y) for p in second.participants}
    shared = np.array([before[p] for p in ids]), np.array([after[p] for p in ids])
    assert (shared[0] * shared[1]).sum(axis=0).min() > 0


def test_it_gives_a_new_label_to_a_group_that_did_not_exist() -> None:
    rates = np.random.default_rng(4).choice([0.1, 0.9], size=(3, STATEMENTS))
    two, two_truth = planted((60, 60), STATEMENTS, seed=5, voted=0.8, agree_rates=rates[:2])
    ids = [f"p{i}" for i in range(120)]
    first = find_opinion_groups(two, ids, list(range(STATEMENTS)))
    third, _ = planted((0, 0, 80), STATEMENTS, seed=6, voted=0.8, agree_rates=rates)

    second = find_opinion_groups(
        np.vstack([two, third]),
        ids + [f"n{i}" for i in range(80)],
        list(range(STATEMENTS)),
        previous=first,
    )

    assert first.k == 2
    assert second.k == 3
    before = label_of_planted(first, ids, two_truth)
    after = label_of_planted(second, ids, two_truth)
    assert after == before
    assert sorted(group.label for group in second.groups) == ["A", "B", "C"]
    newcomers = np.bincount([second.assignment()[f"n{i}"] for i in range(80)])
    assert newcomers.max() >= 76
    assert {g.label for g in second.groups if g.group == newcomers.argmax()} == {"C"}
