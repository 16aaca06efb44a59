"""Benchmark: our opinion groups (juntos/listening/opinion.py) against red-dwarf's Polis pipeline.

Synthetic runs (default): reaction matrices of 2,000 x 300 and 20,000 x 1,000, 30% of the cells
voted, three planted groups of unequal size (50%, 30%, 20%), each with its own probability of
agreeing with each statement; fixed seed. Both implementations get the same matrix: ours as a
numpy array, red-dwarf as its list of vote records (built before the clock starts; red-dwarf's
own pivot of that list into a matrix is inside its time, as it is part of its pipeline — the
script also prints that pivot's time on its own). Each is timed with ``time.perf_counter``,
best of ``--repeat``; the adjusted Rand index (ARI) compares the two assignments on the
participants both kept.

Real conversation: ``--polis-export DIR`` loads a Polis open-data export with
``juntos/listening/polis.py`` and runs both on it; ``--groups-out FILE`` writes our assignment
as JSON ``{"<voter-id>": group}`` (participants below the minimum number of votes are absent).

The last line of stdout is one JSON object:
``{"runs": [{"participants", "statements", "ours_s", "reddwarf_s", "ratio", "ari",
"groups_ours", "groups_reddwarf"}, ...]}`` with ratio = reddwarf_s / ours_s.

    nice .venv/bin/python benchmarks/opinion.py
    .venv/bin/python benchmarks/opinion.py --polis-export path/to/export --groups-out groups.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
SIZES = ((2_000, 300), (20_000, 1_000))
VOTED_SHARE = 0.3
PASS_SHARE = 0.1
GROUP_SHARES = (0.5, 0.3, 0.2)

Assignment = dict[Any, int]


def planted_matrix(
    participants: int, statements: int, *, seed: int
) -> tuple[NDArray[np.float32], NDArray[np.intp]]:
    """A matrix with planted groups: each group agrees with each statement at its own rate."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(len(GROUP_SHARES), size=participants, p=GROUP_SHARES)
    agree_rate = rng.uniform(0.05, 0.95, size=(len(GROUP_SHARES), statements))[truth]
    draw = rng.random((participants, statements))
    votes = np.where(
        draw < agree_rate * (1 - PASS_SHARE), 1.0, np.where(draw < 1 - PASS_SHARE, -1.0, 0.0)
    ).astype(np.float32)
    votes[rng.random((participants, statements)) >= VOTED_SHARE] = np.nan
    return votes, truth


def vote_records(
    matrix: NDArray[np.float32], participant_ids: Sequence[Any], statement_ids: Sequence[Any]
) -> list[dict[str, Any]]:
    """red-dwarf's input: one dict per vote."""
    rows, cols = np.nonzero(~np.isnan(matrix))
    values = matrix[rows, cols].astype(int).tolist()
    return [
        {
            "participant_id": participant_ids[i],
            "statement_id": statement_ids[j],
            "vote": value,
            "modified": 0,
        }
        for i, j, value in zip(rows.tolist(), cols.tolist(), values, strict=True)
    ]


def best_time(function: Callable[[], Assignment], repeat: int) -> tuple[float, Assignment]:
    best = float("inf")
    result: Assignment = {}
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def run_ours(
    matrix: NDArray[np.float32], participant_ids: Sequence[Any], statement_ids: Sequence[Any]
) -> Assignment:
    from juntos.listening.opinion import find_opinion_groups

    return find_opinion_groups(matrix, participant_ids, statement_ids, seed=0).assignment()


def run_reddwarf(votes: list[dict[str, Any]], statements: int) -> Assignment:
    from reddwarf.implementations.polis import run_pipeline

    result = run_pipeline(votes=votes, random_state=0, min_user_vote_threshold=min(7, statements))
    clusters = result.participants_df["cluster_id"].dropna()
    return {pid: int(group) for pid, group in clusters.items()}


def reddwarf_pivot_seconds(votes: list[dict[str, Any]]) -> float:
    from reddwarf.utils.matrix import generate_raw_matrix

    started = time.perf_counter()
    generate_raw_matrix(votes=votes)
    return time.perf_counter() - started


def compare(
    matrix: NDArray[np.float32],
    participant_ids: Sequence[Any],
    statement_ids: Sequence[Any],
    *,
    repeat: int,
    truth: NDArray[np.intp] | None = None,
) -> tuple[dict[str, Any], Assignment]:
    participants, statements = matrix.shape
    print(f"{participants} participants x {statements} statements", flush=True)
    ours_s, ours = best_time(lambda: run_ours(matrix, participant_ids, statement_ids), repeat)
    groups_ours = len(set(ours.values()))
    print(f"  ours:      {ours_s:8.3f} s, {groups_ours} groups", flush=True)

    votes = vote_records(matrix, participant_ids, statement_ids)
    reddwarf_s: float | None = None
    theirs: Assignment | None = None
    try:
        reddwarf_s, theirs = best_time(lambda: run_reddwarf(votes, statements), repeat)
    except Exception as error:  # red-dwarf may refuse a tiny conversation: report, go on.
        print(f"  red-dwarf: failed: {error!r}", flush=True)
    pivot_s = reddwarf_pivot_seconds(votes) if theirs is not None else None
    votes.clear()

    run: dict[str, Any] = {
        "participants": participants,
        "statements": statements,
        "ours_s": round(ours_s, 4),
        "reddwarf_s": None,
        "ratio": None,
        "ari": None,
        "groups_ours": groups_ours,
        "groups_reddwarf": None,
    }
    if theirs is not None and reddwarf_s is not None:
        shared = [pid for pid in ours if pid in theirs]
        ari = (
            float(adjusted_rand_score([ours[p] for p in shared], [theirs[p] for p in shared]))
            if shared
            else None
        )
        run.update(
            reddwarf_s=round(reddwarf_s, 4),
            ratio=round(reddwarf_s / ours_s, 2),
            ari=None if ari is None else round(ari, 4),
            groups_reddwarf=len(set(theirs.values())),
        )
        print(
            f"  red-dwarf: {reddwarf_s:8.3f} s, {run['groups_reddwarf']} groups "
            f"(of which {pivot_s:.3f} s pivoting its vote list into a matrix)",
            flush=True,
        )
        print(
            f"  ratio {run['ratio']}x, ARI ours vs red-dwarf {run['ari']} "
            f"on {len(shared)} participants kept by both",
            flush=True,
        )
        if truth is not None:
            index = {pid: i for i, pid in enumerate(participant_ids)}
            for name, assignment in (("ours", ours), ("red-dwarf", theirs)):
                kept = list(assignment)
                planted = adjusted_rand_score(
                    [truth[index[p]] for p in kept], [assignment[p] for p in kept]
                )
                print(f"  ARI {name} vs planted groups: {planted:.4f}", flush=True)
    return run, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--polis-export", type=Path, help="a Polis open-data export folder")
    parser.add_argument("--groups-out", type=Path, help="write our assignment here (JSON)")
    parser.add_argument("--repeat", type=int, default=2, help="best of N runs (default 2)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the synthetic matrices")
    args = parser.parse_args()
    if args.groups_out and not args.polis_export:
        parser.error("--groups-out needs --polis-export")

    sys.path.insert(0, str(ROOT))
    # red-dwarf's dependencies warn on import; the figures are what this script prints.
    warnings.filterwarnings("ignore")
    # Imported before any clock starts, so that no time below includes an import.
    import reddwarf.implementations.polis  # noqa: F401

    runs = []
    if args.polis_export:
        from juntos.listening.polis import PolisExportError, load_export, reaction_matrix

        try:
            matrix, voter_ids, comment_ids = reaction_matrix(load_export(args.polis_export))
        except PolisExportError as error:
            sys.exit(f"error: {error}")
        run, ours = compare(matrix, voter_ids, comment_ids, repeat=args.repeat)
        runs.append(run)
        if args.groups_out:
            args.groups_out.write_text(
                json.dumps({str(pid): group for pid, group in ours.items()}), encoding="utf-8"
            )
    else:
        for participants, statements in SIZES:
            matrix, truth = planted_matrix(participants, statements, seed=args.seed)
            run, _ = compare(
                matrix,
                list(range(participants)),
                list(range(statements)),
                repeat=args.repeat,
                truth=truth,
            )
            runs.append(run)
    print(json.dumps({"runs": runs}))


if __name__ == "__main__":
    main()
