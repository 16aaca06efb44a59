"""A small Polis open-data export written by tests (two planted opinion groups)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

VOTERS = 40
COMMENTS = 12
MODERATED_OUT_COMMENT = 11
START = 1_700_000_000


def write_export(directory: Path, *, seed: int = 7) -> dict[int, int]:
    """Write comments.csv and votes.csv into ``directory``; return voter id → planted group.

    Voters 100..139; comments 0..11, comment 11 moderated out; voters of group 0 agree with
    comments 0-4 and disagree with 5-9, group 1 the reverse (with 10% noise), everyone
    votes on comment 10 at random. Every voter votes on every comment but one.
    """
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    comments = io.StringIO()
    writer = csv.writer(comments, lineterminator="\n")
    writer.writerow(
        [
            "timestamp",
            "datetime",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "comment-body",
            "is-seed",
        ]
    )
    for comment in range(COMMENTS):
        moderated = -1 if comment == MODERATED_OUT_COMMENT else 1
        body = f'Idea {comment}: more "family nights",\nwith food, please'
        writer.writerow([START + comment, "", comment, 100, 0, 0, moderated, body, "false"])
    (directory / "comments.csv").write_text("\ufeff" + comments.getvalue(), encoding="utf-8")

    truth = {}
    votes = io.StringIO()
    writer = csv.writer(votes, lineterminator="\n")
    writer.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
    for voter in range(100, 100 + VOTERS):
        group = int(voter % 2)
        truth[voter] = group
        skipped = int(rng.integers(0, COMMENTS))
        for comment in range(COMMENTS):
            if comment == skipped:
                continue
            if comment < 10:
                leaning = 1 if (comment < 5) == (group == 0) else -1
                vote = leaning if rng.random() > 0.1 else -leaning
            else:
                vote = int(rng.choice([-1, 0, 1]))
            writer.writerow([START + 1000 + comment, "", comment, voter, vote])
    (directory / "votes.csv").write_text(votes.getvalue(), encoding="utf-8")
    return truth
