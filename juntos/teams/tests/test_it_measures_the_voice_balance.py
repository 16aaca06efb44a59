"""The voice balance of a scripted meeting: turns and seconds by role against seats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import World
from juntos.teams.actions import (
    do_end_meeting,
    do_end_turn,
    do_mark_attendance,
    do_start_meeting,
    do_start_turn,
)
from juntos.teams.queries import balance
from juntos.teams.tests.helpers import room

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_scripted_meeting_matches_the_hand_computed_balance(world: World) -> None:
    r = room(world, T0)
    do_start_meeting(meeting=r.meeting, now=at(0))
    for member in (r.leader, r.teacher, r.rosa, r.lan):  # the liaison is absent
        do_mark_attendance(meeting=r.meeting, member=member)
    # The script (seconds from the start):
    #   leader   0-300   (300 s)          teacher 300-420 (120 s, ended by Rosa's turn)
    #   rosa   420-480   (60 s)           leader  600-840 (240 s; nobody spoke 480-600)
    #   lan    840-900   (60 s)           teacher 900-960 (60 s, ended by the meeting's end)
    do_start_turn(meeting=r.meeting, member=r.leader, now=at(0))
    do_start_turn(meeting=r.meeting, member=r.teacher, now=at(300))
    do_start_turn(meeting=r.meeting, member=r.rosa, now=at(420))
    do_end_turn(meeting=r.meeting, now=at(480))
    do_start_turn(meeting=r.meeting, member=r.leader, now=at(600))
    do_start_turn(meeting=r.meeting, member=r.lan, now=at(840))
    do_start_turn(meeting=r.meeting, member=r.teacher, now=at(900))
    do_end_meeting(meeting=r.meeting, now=at(960))

    by_role = {row.role: row for row in balance(r.meeting)}
    # Present: 4 (leader, teacher, two family members) -> family 2/4, leader 1/4, teacher 1/4.
    # Turns: 6 -> leader 2, teacher 2, family 2.   Seconds: 840 in all ->
    #   leader 300 + 240 = 540, teacher 120 + 60 = 180, family 60 + 60 = 120.
    family, leader, teacher = by_role["family"], by_role["leader"], by_role["teacher"]
    assert (family.present, family.turns, family.seconds) == (2, 2, 120)
    assert (leader.present, leader.turns, leader.seconds) == (1, 2, 540)
    assert (teacher.present, teacher.turns, teacher.seconds) == (1, 2, 180)
    assert family.share_present == pytest.approx(0.5)
    assert family.share_turns == pytest.approx(2 / 6)
    assert family.share_seconds == pytest.approx(120 / 840)
    assert leader.share_seconds == pytest.approx(540 / 840)
    # Families hold half the seats and 14% of the time: heard at 0.29 of their place.
    assert family.time_index == pytest.approx((120 / 840) / 0.5)
    assert leader.time_index == pytest.approx((540 / 840) / 0.25)
    # Roles with no one present are listed with zeros, not left out.
    assert by_role["liaison"].present == 0 and by_role["liaison"].time_index is None
    assert by_role["community"].turns == 0
