"""Opinion groups: the Polis method, written from its published description.

Pure numpy and scikit-learn (no Django), so that the background task, the benchmark and the
tests call the same function. ``docs/opinion-groups.md`` explains the method for an analyst.

``find_opinion_groups`` runs these steps:

1. keep the participants with at least ``min(7, statements)`` reactions (a pass is a reaction);
2. fill each missing cell with the statement's mean over the kept participants who reacted;
3. centre the columns and project onto the first two principal components; scale each
   participant's projection by ``sqrt(statements / own reactions)`` so that people who reacted
   to few statements are not pulled towards the centre;
4. run k-means for k = 2..5 (bounded by the number of distinct points) and keep the k with the
   best silhouette, computed on a fixed-seed sample of at most ``silhouette_sample`` points;
5. relabel the groups to match the previous run's groups (Hungarian assignment on shared
   members, or on centroid distance when no member is shared), so that group A stays A;
6. per group, the representative statements: Laplace-smoothed agree (and disagree)
   probability in the group against the rest, their ratio and a one-sided two-proportion
   z-test at 90%;
7. per statement, the group-aware consensus: the product over groups of
   ``(agrees + 1) / (reactions + 2)`` (and the same for disagreement).

Everything is deterministic for a given ``seed``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.utils.extmath import randomized_svd
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

Id = int | str
Direction = Literal["agree", "disagree"]

AGREE = 1.0
DISAGREE = -1.0
PASS = 0.0

MIN_REACTIONS = 7
MIN_GROUPS = 2
MAX_GROUPS = 5
# One-sided 90% critical value of the standard normal distribution.
Z_90 = 1.2816
SILHOUETTE_SAMPLE = 2000
REPRESENTATIVE_COUNT = 5
# Below this many cells an exact SVD is cheap; above it a randomized SVD (fixed seed) is used.
EXACT_SVD_CELLS = 2_000_000
KMEANS_N_INIT = 4


@dataclass(frozen=True)
class ParticipantPoint:
    participant_id: Id
    x: float
    y: float
    group: int


@dataclass(frozen=True)
class RepresentativeStatement:
    statement_id: Id
    direction: Direction
    # Laplace-smoothed probability of agreeing (or disagreeing) in the group and in the rest.
    group_probability: float
    rest_probability: float
    # group_probability / rest_probability: how much more the group holds this than the rest.
    ratio: float
    z: float
    group_reactions: int


@dataclass(frozen=True)
class OpinionGroup:
    group: int
    size: int
    centroid: tuple[float, float]
    representative: list[RepresentativeStatement] = field(default_factory=list)

    @property
    def label(self) -> str:
        return group_label(self.group)


@dataclass(frozen=True)
class ConsensusStatement:
    statement_id: Id
    # Product over groups of (agrees + 1) / (reactions + 2); likewise for disagreement.
    agree: float
    disagree: float
    reactions: int


@dataclass(frozen=True)
class OpinionResult:
    participants: list[ParticipantPoint]
    groups: list[OpinionGroup]
    # Every statement, highest agreement consensus first.
    consensus: list[ConsensusStatement]
    k: int
    silhouette: float | None
    participants_total: int
    statements_total: int
    # Participants below the minimum number of reactions (absent from ``participants``).
    left_out: int
    min_reactions: int

    def assignment(self) -> dict[Id, int]:
        return {point.participant_id: point.group for point in self.participants}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (ids keep their type), read back by ``from_dict``."""
        return {
            "participants": [
                [point.participant_id, point.x, point.y, point.group] for point in self.participants
            ],
            "groups": [
                {
                    "group": group.group,
                    "label": group.label,
                    "size": group.size,
                    "centroid": list(group.centroid),
                    "representative": [
                        {
                            "statement_id": rep.statement_id,
                            "direction": rep.direction,
                            "group_probability": rep.group_probability,
                            "rest_probability": rep.rest_probability,
                            "ratio": rep.ratio,
                            "z": rep.z,
                            "group_reactions": rep.group_reactions,
                        }
                        for rep in group.representative
                    ],
                }
                for group in self.groups
            ],
            "consensus": [
                [item.statement_id, item.agree, item.disagree, item.reactions]
                for item in self.consensus
            ],
            "k": self.k,
            "silhouette": self.silhouette,
            "participants_total": self.participants_total,
            "statements_total": self.statements_total,
            "left_out": self.left_out,
            "min_reactions": self.min_reactions,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OpinionResult:
        return cls(
            participants=[
                ParticipantPoint(participant_id=pid, x=float(x), y=float(y), group=int(group))
                for pid, x, y, group in data["participants"]
            ],
            groups=[
                OpinionGroup(
                    group=int(group["group"]),
                    size=int(group["size"]),
                    centroid=(float(group["centroid"][0]), float(group["centroid"][1])),
                    representative=[
                        RepresentativeStatement(**rep) for rep in group["representative"]
                    ],
                )
                for group in data["groups"]
            ],
            consensus=[
                ConsensusStatement(
                    statement_id=sid, agree=float(agree), disagree=float(dis), reactions=int(n)
                )
                for sid, agree, dis, n in data["consensus"]
            ],
            k=int(data["k"]),
            silhouette=None if data["silhouette"] is None else float(data["silhouette"]),
            participants_total=int(data["participants_total"]),
            statements_total=int(data["statements_total"]),
            left_out=int(data["left_out"]),
            min_reactions=int(data["min_reactions"]),
        )


def group_label(group: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"…"""
    label = ""
    number = group + 1
    while number:
        number, rest = divmod(number - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def find_opinion_groups(
    matrix: NDArray[Any],
    participant_ids: Sequence[Id],
    statement_ids: Sequence[Id],
    *,
    previous: OpinionResult | None = None,
    seed: int = 0,
    min_reactions: int = MIN_REACTIONS,
    max_groups: int = MAX_GROUPS,
    silhouette_sample: int = SILHOUETTE_SAMPLE,
    representative_count: int = REPRESENTATIVE_COUNT,
) -> OpinionResult:
    """Opinion groups of a reaction matrix (participants x statements).

    Cells: +1 agree, -1 disagree, 0 pass, NaN no reaction.
    """
    votes = np.asarray(matrix, dtype=np.float32)
    if votes.ndim != 2:
        raise ValueError("the reaction matrix must have two dimensions")
    n_total, n_statements = votes.shape
    if n_total != len(participant_ids) or n_statements != len(statement_ids):
        raise ValueError("the ids do not match the shape of the reaction matrix")
    reacted_all = ~np.isnan(votes)
    invalid = reacted_all & (votes != AGREE) & (votes != DISAGREE) & (votes != PASS)
    if invalid.any():
        raise ValueError("reactions must be +1, -1, 0 or NaN")

    threshold = min(min_reactions, n_statements)
    counts_all = reacted_all.sum(axis=1)
    keep = (counts_all >= threshold) & (counts_all > 0)
    kept_index = np.flatnonzero(keep)
    n = len(kept_index)
    left_out = n_total - n
    if n == 0:
        return OpinionResult(
            participants=[],
            groups=[],
            consensus=[],
            k=0,
            silhouette=None,
            participants_total=n_total,
            statements_total=n_statements,
            left_out=left_out,
            min_reactions=threshold,
        )
    kept_ids = [participant_ids[i] for i in kept_index.tolist()]
    if n == n_total:
        kept_votes, reacted = votes, reacted_all
    else:
        kept_votes, reacted = votes[kept_index], reacted_all[kept_index]
    counts = counts_all[kept_index]

    points = _project(kept_votes, reacted, counts, seed=seed)
    labels, k, silhouette = _cluster(
        points, seed=seed, max_groups=max_groups, silhouette_sample=silhouette_sample
    )
    if previous is not None:
        points = _orient_like(points, kept_ids, previous)
    groups_of_cluster = _name_groups(labels, k, points, kept_ids, previous)
    group_of_point = groups_of_cluster[labels]

    group_numbers = sorted(int(g) for g in groups_of_cluster)
    one_hot = (group_of_point[:, None] == np.asarray(group_numbers)[None, :]).astype(np.float32)
    agrees = one_hot.T @ (kept_votes == AGREE).astype(np.float32)
    disagrees = one_hot.T @ (kept_votes == DISAGREE).astype(np.float32)
    reactions = one_hot.T @ reacted.astype(np.float32)

    representative = _representative(
        agrees, disagrees, reactions, statement_ids, count=representative_count
    )
    groups = []
    for row, group in enumerate(group_numbers):
        members = group_of_point == group
        centroid = points[members].mean(axis=0)
        groups.append(
            OpinionGroup(
                group=group,
                size=int(members.sum()),
                centroid=(float(centroid[0]), float(centroid[1])),
                representative=representative[row],
            )
        )
    return OpinionResult(
        participants=[
            ParticipantPoint(participant_id=pid, x=float(x), y=float(y), group=int(g))
            for pid, (x, y), g in zip(kept_ids, points.tolist(), group_of_point, strict=True)
        ],
        groups=groups,
        consensus=_consensus(agrees, disagrees, reactions, statement_ids),
        k=k,
        silhouette=silhouette,
        participants_total=n_total,
        statements_total=n_statements,
        left_out=left_out,
        min_reactions=threshold,
    )


def impute(votes: NDArray[Any], reacted: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Missing cells filled with their column's mean over those who reacted (0 if nobody did)."""
    return _impute(votes, reacted)[0]


def _impute(
    votes: NDArray[Any], reacted: NDArray[np.bool_]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(filled matrix, column means)."""
    column_sums = np.sum(votes, axis=0, where=reacted, dtype=np.float64)
    column_means = (column_sums / np.maximum(reacted.sum(axis=0), 1)).astype(np.float32)
    filled = np.where(reacted, votes, column_means[None, :]).astype(np.float32, copy=False)
    return filled, column_means


def scaling_factors(counts: NDArray[Any], n_statements: int) -> NDArray[np.float64]:
    """sqrt(statements / own reactions): sparse voters are pushed out from the centre."""
    return np.sqrt(n_statements / np.maximum(np.asarray(counts, dtype=np.float64), 1.0))


def _project(
    votes: NDArray[np.float32], reacted: NDArray[np.bool_], counts: NDArray[Any], *, seed: int
) -> NDArray[np.float64]:
    n, n_statements = votes.shape
    centred, column_means = _impute(votes, reacted)
    # After imputation each column's mean is the mean of those who reacted: centring
    # subtracts it (in place, the matrix can be large).
    centred -= column_means[None, :]
    n_components = min(2, n, n_statements)
    if n * n_statements <= EXACT_SVD_CELLS:
        _, _, vt = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
        components = vt[:n_components]
    else:
        _, _, vt = randomized_svd(
            centred, n_components=n_components, n_iter=5, random_state=seed, flip_sign=False
        )
        components = np.asarray(vt, dtype=np.float64)
    # A component's sign is arbitrary: make its largest loading positive so maps are stable.
    for row in components:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    projected = (centred @ components.T.astype(np.float32)).astype(np.float64)
    if n_components < 2:
        projected = np.hstack([projected, np.zeros((n, 2 - n_components))])
    result: NDArray[np.float64] = projected * scaling_factors(counts, n_statements)[:, None]
    return result


def _cluster(
    points: NDArray[np.float64], *, seed: int, max_groups: int, silhouette_sample: int
) -> tuple[NDArray[np.intp], int, float | None]:
    """Labels 0..k-1, k and the silhouette of the chosen k (None when k < 2)."""
    n = len(points)
    distinct = len(np.unique(np.round(points, 9), axis=0))
    # Silhouette needs at least one cluster with two points: k <= n - 1.
    highest = min(max_groups, distinct, n - 1)
    if highest < MIN_GROUPS:
        return np.zeros(n, dtype=np.intp), 1, None
    if n > silhouette_sample:
        sample: NDArray[np.intp] | None = np.sort(
            np.random.default_rng(seed).choice(n, size=silhouette_sample, replace=False)
        )
    else:
        sample = None
    best: tuple[float, int, NDArray[np.intp]] | None = None
    for k in range(MIN_GROUPS, highest + 1):
        # Two-dimensional k-means is cheap: OpenMP threads only add contention (ten times
        # slower on a busy two-core machine), so it runs on one thread.
        with threadpool_limits(limits=1, user_api="openmp"):
            model = KMeans(n_clusters=k, n_init=KMEANS_N_INIT, random_state=seed).fit(points)
        labels = np.asarray(model.labels_, dtype=np.intp)
        scored_points = points if sample is None else points[sample]
        scored_labels = labels if sample is None else labels[sample]
        if len(np.unique(scored_labels)) < 2:
            continue
        score = float(silhouette_score(scored_points, scored_labels))
        if best is None or score > best[0]:
            best = (score, k, labels)
    if best is None:
        return np.zeros(n, dtype=np.intp), 1, None
    score, k, labels = best
    return labels, k, score


def _orient_like(
    points: NDArray[np.float64], ids: list[Id], previous: OpinionResult
) -> NDArray[np.float64]:
    """Flip an axis when it points the other way than in the previous run (shared people)."""
    before = {point.participant_id: (point.x, point.y) for point in previous.participants}
    shared = [(row, before[pid]) for row, pid in enumerate(ids) if pid in before]
    if not shared:
        return points
    rows = np.asarray([row for row, _ in shared])
    old = np.asarray([xy for _, xy in shared], dtype=np.float64)
    signs = np.where((points[rows] * old).sum(axis=0) < 0, -1.0, 1.0)
    oriented: NDArray[np.float64] = points * signs[None, :]
    return oriented


def _name_groups(
    labels: NDArray[np.intp],
    k: int,
    points: NDArray[np.float64],
    ids: list[Id],
    previous: OpinionResult | None,
) -> NDArray[np.intp]:
    """Group number of each cluster: matched to the previous run, else ordered by size."""
    sizes = np.bincount(labels, minlength=k)
    centroids = np.asarray([points[labels == c].mean(axis=0) for c in range(k)])
    if previous is None or not previous.groups:
        # Largest group first; ties by centroid position, for determinism.
        order = sorted(range(k), key=lambda c: (-sizes[c], centroids[c][0], centroids[c][1]))
        names = np.empty(k, dtype=np.intp)
        for number, cluster in enumerate(order):
            names[cluster] = number
        return names

    old_groups = [group.group for group in previous.groups]
    before = {point.participant_id: point.group for point in previous.participants}
    overlap = np.zeros((k, len(old_groups)))
    column = {group: j for j, group in enumerate(old_groups)}
    for label, pid in zip(labels.tolist(), ids, strict=True):
        old = before.get(pid)
        if old is not None and old in column:
            overlap[label, column[old]] += 1
    if overlap.any():
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        # A cluster that shares nobody with its assigned group is not a continuation of it.
        pairs = [(r, c) for r, c in zip(rows, cols, strict=True) if overlap[r, c] > 0]
    else:
        old_centroids = np.asarray([group.centroid for group in previous.groups])
        distance = np.linalg.norm(centroids[:, None, :] - old_centroids[None, :, :], axis=2)
        rows, cols = linear_sum_assignment(distance)
        pairs = list(zip(rows, cols, strict=True))
    names = np.full(k, -1, dtype=np.intp)
    for r, c in pairs:
        names[r] = old_groups[c]
    taken = set(old_groups)
    fresh = (number for number in range(k + len(old_groups)) if number not in taken)
    for cluster in sorted(range(k), key=lambda c: (-sizes[c], centroids[c][0])):
        if names[cluster] < 0:
            names[cluster] = next(fresh)
    return names


def _representative(
    agrees: NDArray[np.float32],
    disagrees: NDArray[np.float32],
    reactions: NDArray[np.float32],
    statement_ids: Sequence[Id],
    *,
    count: int,
) -> list[list[RepresentativeStatement]]:
    """Per group (rows), the statements it agrees or disagrees with more than the rest."""
    n_groups = agrees.shape[0]
    if n_groups < 2:
        return [[] for _ in range(n_groups)]
    a = agrees.astype(np.float64)
    d = disagrees.astype(np.float64)
    s = reactions.astype(np.float64)
    rest_s = s.sum(axis=0)[None, :] - s
    chosen: list[list[RepresentativeStatement]] = []
    candidates: dict[Direction, tuple[NDArray[np.float64], ...]] = {}
    directions: tuple[tuple[Direction, NDArray[np.float64]], ...] = (("agree", a), ("disagree", d))
    for direction, hits in directions:
        rest_hits = hits.sum(axis=0)[None, :] - hits
        p_group = (hits + 1) / (s + 2)
        p_rest = (rest_hits + 1) / (rest_s + 2)
        pooled = (hits + rest_hits + 1) / (s + rest_s + 2)
        spread = np.sqrt(pooled * (1 - pooled) * (1 / np.maximum(s, 1) + 1 / np.maximum(rest_s, 1)))
        z = np.where((s > 0) & (rest_s > 0), (p_group - p_rest) / spread, 0.0)
        candidates[direction] = (p_group, p_rest, p_group / p_rest, z)
    for g in range(n_groups):
        found: list[tuple[float, RepresentativeStatement]] = []
        for direction, (p_group, p_rest, ratio, z) in candidates.items():
            for j in np.flatnonzero(z[g] > Z_90).tolist():
                # Ranked by how much more the group holds it, weighted by how much it holds it.
                found.append(
                    (
                        float(ratio[g, j] * p_group[g, j]),
                        RepresentativeStatement(
                            statement_id=statement_ids[j],
                            direction=direction,
                            group_probability=float(p_group[g, j]),
                            rest_probability=float(p_rest[g, j]),
                            ratio=float(ratio[g, j]),
                            z=float(z[g, j]),
                            group_reactions=int(s[g, j]),
                        ),
                    )
                )
        found.sort(key=lambda item: (-item[0], -item[1].z))
        # One entry per statement: its stronger direction.
        seen: set[Id] = set()
        picked: list[RepresentativeStatement] = []
        for _, rep in found:
            if rep.statement_id not in seen:
                seen.add(rep.statement_id)
                picked.append(rep)
            if len(picked) == count:
                break
        chosen.append(picked)
    return chosen


def _consensus(
    agrees: NDArray[np.float32],
    disagrees: NDArray[np.float32],
    reactions: NDArray[np.float32],
    statement_ids: Sequence[Id],
) -> list[ConsensusStatement]:
    a = agrees.astype(np.float64)
    d = disagrees.astype(np.float64)
    s = reactions.astype(np.float64)
    agree = np.prod((a + 1) / (s + 2), axis=0)
    disagree = np.prod((d + 1) / (s + 2), axis=0)
    total = s.sum(axis=0)
    items = [
        ConsensusStatement(
            statement_id=sid,
            agree=float(agree[j]),
            disagree=float(disagree[j]),
            reactions=int(total[j]),
        )
        for j, sid in enumerate(statement_ids)
    ]
    items.sort(key=lambda item: (-item.agree, item.disagree))
    return items
