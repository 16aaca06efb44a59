from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from juntos.listening.polis import PolisExportError, load_export, reaction_matrix
from juntos.listening.tests.polis_export import MODERATED_OUT_COMMENT, write_export

COMMENTS = (
    "\ufefftimestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body,extra\n"
    '1700000000,Tue Nov 14 2023,1,7,2,0,1,"Buses, earlier; and\n""safer"" stops \n",x\n'
    "1700000100,,2,,0,1,-1,Spam spam,\n"
    "1700000200000,,3,8,0,0,0,Plain idea,\n"
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "1700000500,,1,50,-1\n"  # latest vote of voter 50 on comment 1, although earlier in the file
    "1700000400,,1,50,1\n"
    "1700000400,,2,50,1\n"  # on a moderated-out comment
    "1700000450,,3,50,0\n"
    "1700000450,,1,51,+1\n"
    "1700000460,,2,52,1\n"  # voter 52 only voted on the moderated-out comment
)


def write(directory: Path, comments: str = COMMENTS, votes: str = VOTES) -> Path:
    (directory / "comments.csv").write_text(comments, encoding="utf-8")
    (directory / "votes.csv").write_text(votes, encoding="utf-8")
    return directory


def test_it_reads_comments_with_a_bom_quoted_multiline_bodies_and_extra_columns(
    tmp_path: Path,
) -> None:
    export = load_export(write(tmp_path))

    first, second, third = export.comments
    assert first.comment_id == 1
    assert first.author_id == 7
    assert first.body == 'Buses, earlier; and\n"safer" stops'
    assert first.moderated == 1
    assert first.created == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert second.author_id is None
    assert second.moderated == -1
    # A timestamp in milliseconds is read as such.
    assert third.created == datetime(2023, 11, 14, 22, 16, 40, tzinfo=UTC)


def test_it_keeps_the_latest_vote_by_timestamp(tmp_path: Path) -> None:
    export = load_export(write(tmp_path))

    votes = {(vote.voter_id, vote.comment_id): vote for vote in export.votes}
    assert len(export.votes) == 5
    assert votes[50, 1].vote == -1
    assert votes[50, 1].created == datetime.fromtimestamp(1700000500, tz=UTC)
    assert votes[51, 1].vote == 1


def test_it_keeps_the_later_line_when_timestamps_are_equal(tmp_path: Path) -> None:
    votes = VOTES + "1700000450,,1,51,-1\n"
    export = load_export(write(tmp_path, votes=votes))

    assert {(v.voter_id, v.comment_id): v.vote for v in export.votes}[51, 1] == -1


def test_it_leaves_moderated_out_comments_out_of_the_matrix(tmp_path: Path) -> None:
    matrix, voter_ids, comment_ids = reaction_matrix(load_export(write(tmp_path)))

    assert comment_ids == [1, 3]
    assert voter_ids == [50, 51]
    assert matrix.shape == (2, 2)
    assert matrix[0].tolist() == [-1.0, 0.0]
    assert matrix[1, 0] == 1.0
    assert math.isnan(matrix[1, 1])


def test_it_names_file_line_and_column_of_a_bad_vote(tmp_path: Path) -> None:
    votes = VOTES + "1700000470,,3,51,2\n"

    with pytest.raises(PolisExportError) as error:
        load_export(write(tmp_path, votes=votes))

    assert str(error.value) == (
        "votes.csv, line 8, column 'vote': '2' is not a vote "
        "(expected 1 agree, -1 disagree or 0 pass)"
    )


def test_it_counts_lines_of_multiline_bodies_in_errors(tmp_path: Path) -> None:
    comments = COMMENTS + "1700000300,,x4,8,0,0,0,Bad id,\n"

    with pytest.raises(PolisExportError) as error:
        load_export(write(tmp_path, comments=comments))

    # The quoted body of comment 1 spans lines 2 to 4, so this row is on line 7.
    assert (
        str(error.value) == "comments.csv, line 7, column 'comment-id': 'x4' is not a whole number"
    )


def test_it_names_a_missing_column_or_file(tmp_path: Path) -> None:
    with pytest.raises(PolisExportError, match=r"votes\.csv, line 1, column 'voter-id'"):
        load_export(write(tmp_path, votes="timestamp,comment-id,vote\n1,1,1\n"))

    (tmp_path / "votes.csv").unlink()
    with pytest.raises(PolisExportError, match=r"votes\.csv: file not found"):
        load_export(tmp_path)


def test_it_reads_the_generated_export(tmp_path: Path) -> None:
    truth = write_export(tmp_path)

    export = load_export(tmp_path)
    matrix, voter_ids, comment_ids = reaction_matrix(export)

    assert len(export.comments) == 12
    assert MODERATED_OUT_COMMENT not in comment_ids
    assert voter_ids == sorted(truth)
    assert matrix.shape == (40, 11)
    assert np.isin(matrix[~np.isnan(matrix)], [-1, 0, 1]).all()
