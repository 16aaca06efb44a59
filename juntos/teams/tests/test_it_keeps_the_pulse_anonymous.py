""" "Did you feel heard today?": one answer per attendee, stored with no one's name on it, and
shown only once five people have answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from conftest import World
from juntos.teams.actions import (
    TeamError,
    do_answer_pulse,
    do_end_meeting,
    do_mark_attendance,
    do_start_meeting,
)
from juntos.teams.models import PulseAnswer, PulseInvitation
from juntos.teams.queries import pulse_summary
from juntos.teams.tests.helpers import room

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


def test_answers_hold_no_person_and_are_suppressed_under_five(world: World) -> None:
    r = room(world, T0)
    do_start_meeting(meeting=r.meeting, now=T0)
    everyone = (r.leader, r.teacher, r.liaison, r.rosa, r.lan)
    for member in everyone:
        do_mark_attendance(meeting=r.meeting, member=member)
    tokens = do_end_meeting(meeting=r.meeting, now=T0 + timedelta(hours=1))
    assert set(tokens) == {member.pk for member in everyone}

    scores = {r.leader.pk: 5, r.teacher.pk: 4, r.liaison.pk: 4, r.rosa.pk: 2}
    for member_id, score in scores.items():
        do_answer_pulse(token=tokens[member_id], score=score)

    # Four answers: nothing but their number is shown.
    summary = pulse_summary([r.meeting])
    assert (summary.answers, summary.suppressed, summary.mean, summary.counts) == (
        4, True, None, None,
    )  # fmt: skip

    # The answer table has no column that could name a person or a time.
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                cursor, PulseAnswer._meta.db_table
            )
        }
    assert columns == {"id", "meeting_id", "score"}
    stored = list(PulseAnswer.objects.values_list("score", flat=True))
    assert sorted(stored) == [2, 4, 4, 5]
    # The invitations record only that they were used, not the answer.
    assert {f.name for f in PulseInvitation._meta.get_fields()} == {
        "id", "meeting", "member", "token_hash", "used",
    }  # fmt: skip

    do_answer_pulse(token=tokens[r.lan.pk], score=3)
    summary = pulse_summary([r.meeting])
    assert (summary.answers, summary.suppressed) == (5, False)
    assert summary.mean == pytest.approx((5 + 4 + 4 + 2 + 3) / 5)
    assert summary.counts == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}


def test_a_pulse_link_answers_once(world: World) -> None:
    r = room(world, T0)
    do_start_meeting(meeting=r.meeting, now=T0)
    do_mark_attendance(meeting=r.meeting, member=r.rosa)
    token = do_end_meeting(meeting=r.meeting, now=T0 + timedelta(hours=1))[r.rosa.pk]
    do_answer_pulse(token=token, score=4)
    with pytest.raises(TeamError) as again:
        do_answer_pulse(token=token, score=1)
    assert again.value.code == "used"
    with pytest.raises(TeamError) as wrong:
        do_answer_pulse(token=token + "x", score=1)
    assert wrong.value.code == "unknown"
    with pytest.raises(TeamError) as out_of_range:
        do_answer_pulse(token=token, score=6)
    assert out_of_range.value.code == "score"
    assert list(PulseAnswer.objects.values_list("score", flat=True)) == [4]
