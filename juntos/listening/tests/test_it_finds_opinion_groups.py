from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from juntos.listening.opinion import find_opinion_groups
from juntos.listening.tests.opinion_data import planted


def test_it_recovers_planted_groups() -> None:
    matrix, truth = planted((120, 80, 50), 40, seed=1, voted=0.6)
    ids = [f"p{i}" for i in range(len(truth))]

    result = find_opinion_groups(matrix, ids, list(range(40)), seed=3)

    assigned = result.assignment()
    assert result.k == 3
    assert adjusted_rand_score(truth, [assigned[pid] for pid in ids]) >= 0.9
    assert result.silhouette is not None
    assert result.silhouette > 0.5
    # Largest group first when there is no previous run: A is (mostly) the planted group of 120.
    assert [group.label for group in result.groups] == ["A", "B", "C"]
    sizes = [group.size for group in result.groups]
    assert sizes == sorted(sizes, reverse=True)
    for planted_group, group in enumerate(result.groups):
        members = [truth[i] for i, pid in enumerate(ids) if assigned[pid] == group.group]
        assert np.bincount(members).argmax() == planted_group
    assert result.participants_total == 250
    assert result.left_out == 0


def test_it_chooses_two_groups_when_two_are_planted() -> None:
    matrix, truth = planted((60, 60), 30, seed=2)

    result = find_opinion_groups(matrix, list(range(120)), list(range(30)), seed=0)

    assert result.k == 2
    assigned = result.assignment()
    assert adjusted_rand_score(truth, [assigned[i] for i in range(120)]) >= 0.9


def test_it_is_deterministic_for_a_seed_and_samples_the_silhouette() -> None:
    matrix, truth = planted((900, 700, 600), 60, seed=4, voted=0.3)
    ids = list(range(len(truth)))

    first = find_opinion_groups(matrix, ids, list(range(60)), seed=5, silhouette_sample=500)
    second = find_opinion_groups(matrix, ids, list(range(60)), seed=5, silhouette_sample=500)

    assert first == second
    assigned = first.assignment()
    assert adjusted_rand_score(truth, [assigned[i] for i in ids]) >= 0.9


def test_it_places_every_kept_participant_on_the_map() -> None:
    matrix, _ = planted((30, 30), 20, seed=6, voted=0.8)

    result = find_opinion_groups(matrix, list(range(60)), list(range(20)))

    points = np.asarray([(p.x, p.y) for p in result.participants])
    assert points.shape == (60, 2)
    assert np.isfinite(points).all()
    for group in result.groups:
        members = points[[p.group == group.group for p in result.participants]]
        assert np.allclose(group.centroid, members.mean(axis=0))
