"""Read a Polis open-data export (``comments.csv`` and ``votes.csv``) into plain records.

Used by ``manage.py import_polis`` (a Polis conversation becomes a closed idea exchange) and by
``benchmarks/opinion.py --polis-export``. No Django here.

The files, as Polis publishes them:

* ``votes.csv``: ``timestamp,datetime,comment-id,voter-id,vote`` with +1 agree, -1 disagree,
  0 pass. A voter may change their mind: the latest vote (by timestamp, then by position in
  the file) on a comment replaces the earlier ones.
* ``comments.csv``: ``timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,
  comment-body``; ``moderated`` -1 means moderated out, 0 unmoderated, 1 accepted.

Real exports have a header row, quoted bodies with commas and line breaks, sometimes extra
columns, and may start with a byte order mark. Bad input raises ``PolisExportError`` naming the
file, the line and the column.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

COMMENTS_FILE = "comments.csv"
VOTES_FILE = "votes.csv"
COMMENT_COLUMNS = ("comment-id", "comment-body")
VOTE_COLUMNS = ("comment-id", "voter-id", "vote")
MODERATED_OUT = -1
VOTE_VALUES = {1: 1, -1: -1, 0: 0}
# Timestamps above this are in milliseconds (1e11 seconds is the year 5138).
MILLISECONDS_ABOVE = 100_000_000_000


class PolisExportError(ValueError):
    pass


@dataclass(frozen=True)
class PolisComment:
    comment_id: int
    author_id: int | None
    body: str
    moderated: int
    created: datetime | None


@dataclass(frozen=True)
class PolisVote:
    voter_id: int
    comment_id: int
    vote: int
    created: datetime | None


@dataclass(frozen=True)
class PolisExport:
    comments: list[PolisComment]
    # Deduplicated: one vote per (voter, comment), the latest.
    votes: list[PolisVote]


def load_export(directory: Path) -> PolisExport:
    directory = Path(directory)
    comments: dict[int, PolisComment] = {}
    for line, row in _rows(directory / COMMENTS_FILE, COMMENT_COLUMNS):
        comment_id = _integer(row, "comment-id", line, COMMENTS_FILE)
        if comment_id in comments:
            raise PolisExportError(
                f"{COMMENTS_FILE}, line {line}, column 'comment-id': "
                f"comment {comment_id} appears twice"
            )
        moderated = row.get("moderated", "").strip()
        comments[comment_id] = PolisComment(
            comment_id=comment_id,
            author_id=_optional_integer(row, "author-id", line, COMMENTS_FILE),
            # Exports often end a body with a line break inside the quotes.
            body=(row.get("comment-body") or "").strip(),
            moderated=_integer(row, "moderated", line, COMMENTS_FILE) if moderated else 0,
            created=_timestamp(row, line, COMMENTS_FILE),
        )

    latest: dict[tuple[int, int], tuple[float, int, PolisVote]] = {}
    for line, row in _rows(directory / VOTES_FILE, VOTE_COLUMNS):
        raw = row.get("vote", "").strip()
        try:
            value = VOTE_VALUES[int(float(raw))] if float(raw).is_integer() else None
        except (ValueError, KeyError, OverflowError):
            value = None
        if value is None:
            raise PolisExportError(
                f"{VOTES_FILE}, line {line}, column 'vote': {raw!r} is not a vote "
                "(expected 1 agree, -1 disagree or 0 pass)"
            )
        created = _timestamp(row, line, VOTES_FILE)
        vote = PolisVote(
            voter_id=_integer(row, "voter-id", line, VOTES_FILE),
            comment_id=_integer(row, "comment-id", line, VOTES_FILE),
            vote=value,
            created=created,
        )
        key = (vote.voter_id, vote.comment_id)
        order = created.timestamp() if created is not None else -math.inf
        earlier = latest.get(key)
        # Latest timestamp wins; on equal (or missing) timestamps the later line wins.
        if earlier is None or (order, line) >= earlier[:2]:
            latest[key] = (order, line, vote)
    return PolisExport(
        comments=sorted(comments.values(), key=lambda comment: comment.comment_id),
        votes=[vote for _, _, vote in sorted(latest.values(), key=lambda item: item[1])],
    )


def reaction_matrix(export: PolisExport) -> tuple[NDArray[np.float32], list[int], list[int]]:
    """(voters x comments matrix of +1/-1/0 and NaN, voter ids, comment ids), both ids sorted.

    Moderated-out comments and votes on them (or on comments missing from ``comments.csv``)
    are left out; so are voters left with no vote.
    """
    comment_ids = sorted(
        comment.comment_id for comment in export.comments if comment.moderated != MODERATED_OUT
    )
    column = {comment_id: j for j, comment_id in enumerate(comment_ids)}
    kept = [vote for vote in export.votes if vote.comment_id in column]
    voter_ids = sorted({vote.voter_id for vote in kept})
    row = {voter_id: i for i, voter_id in enumerate(voter_ids)}
    matrix = np.full((len(voter_ids), len(comment_ids)), np.nan, dtype=np.float32)
    if kept:
        rows = np.fromiter((row[vote.voter_id] for vote in kept), dtype=np.intp, count=len(kept))
        cols = np.fromiter(
            (column[vote.comment_id] for vote in kept), dtype=np.intp, count=len(kept)
        )
        values = np.fromiter((vote.vote for vote in kept), dtype=np.float32, count=len(kept))
        matrix[rows, cols] = values
    return matrix, voter_ids, comment_ids


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line where the record starts, row) for each record; header names stripped."""
    name = path.name
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise PolisExportError(f"{name}: file not found in {path.parent}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as error:
            raise PolisExportError(f"{name}, line 1: {error}") from None
        if header is None:
            raise PolisExportError(f"{name}, line 1: the file is empty (no header row)")
        columns = [title.strip().lower() for title in header]
        for title in required:
            if title not in columns:
                raise PolisExportError(f"{name}, line 1, column {title!r}: missing from the header")
        start = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as error:
                raise PolisExportError(f"{name}, line {start}: {error}") from None
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) < len(columns):
                record = record + [""] * (len(columns) - len(record))
            yield line, dict(zip(columns, record, strict=False))


def _integer(row: dict[str, str], column: str, line: int, name: str) -> int:
    value = _optional_integer(row, column, line, name)
    if value is None:
        raise PolisExportError(f"{name}, line {line}, column {column!r}: a value is required")
    return value


def _optional_integer(row: dict[str, str], column: str, line: int, name: str) -> int | None:
    raw = row.get(column, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise PolisExportError(
            f"{name}, line {line}, column {column!r}: {raw!r} is not a whole number"
        ) from None


def _timestamp(row: dict[str, str], line: int, name: str) -> datetime | None:
    raw = row.get("timestamp", "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        raise PolisExportError(
            f"{name}, line {line}, column 'timestamp': {raw!r} is not a Unix timestamp"
        ) from None
    if not math.isfinite(seconds):
        raise PolisExportError(f"{name}, line {line}, column 'timestamp': {raw!r} is not finite")
    if seconds > MILLISECONDS_ABOVE:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise PolisExportError(
            f"{name}, line {line}, column 'timestamp': {raw!r} is out of range"
        ) from None
