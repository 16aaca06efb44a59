"""Who speaks next: families before staff, those who have not spoken before those who have,
then the order of asking (seed 003, progressive stacking)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import World
from juntos.teams import voice
from juntos.teams.actions import (
    TeamError,
    do_ask_to_speak,
    do_call_next,
    do_end_turn,
    do_set_power_rank,
    do_start_meeting,
    do_start_turn,
    stack,
)
from juntos.teams.models import SpeakRequest, Turn
from juntos.teams.tests.helpers import room

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_issue_example_family_who_has_not_spoken_first_then_family_teacher_leader(
    world: World,
) -> None:
    r = room(world, T0)
    do_start_meeting(meeting=r.meeting, now=at(0))
    # Lan has spoken once already.
    do_start_turn(meeting=r.meeting, member=r.lan, now=at(1))
    do_end_turn(meeting=r.meeting, now=at(2))
    # They ask in the opposite order of power: the leader first, Rosa last.
    do_ask_to_speak(meeting=r.meeting, member=r.leader, now=at(3))
    do_ask_to_speak(meeting=r.meeting, member=r.teacher, now=at(4))
    do_ask_to_speak(meeting=r.meeting, member=r.lan, now=at(5))
    do_ask_to_speak(meeting=r.meeting, member=r.rosa, now=at(6))

    assert [q.member for q in stack(r.meeting)] == [r.rosa, r.lan, r.teacher, r.leader]

    # Calling the stack serves it in that order, each turn ending the one before.
    called = [do_call_next(meeting=r.meeting, now=at(7 + i)) for i in range(4)]
    assert [turn.member for turn in called if turn] == [r.rosa, r.lan, r.teacher, r.leader]
    assert do_call_next(meeting=r.meeting, now=at(12)) is None
    assert Turn.objects.filter(meeting=r.meeting, ended_at__isnull=True).count() == 1
    assert not SpeakRequest.objects.filter(status="waiting").exists()


def test_asking_twice_keeps_the_first_place(world: World) -> None:
    r = room(world, T0)
    do_start_meeting(meeting=r.meeting, now=at(0))
    first = do_ask_to_speak(meeting=r.meeting, member=r.teacher, now=at(1))
    again = do_ask_to_speak(meeting=r.meeting, member=r.teacher, now=at(2))
    assert first.pk == again.pk and again.asked_at == at(1)


def test_a_team_can_move_a_member_in_the_stack(world: World) -> None:
    r = room(world, T0)
    do_start_meeting(meeting=r.meeting, now=at(0))
    do_ask_to_speak(meeting=r.meeting, member=r.liaison, now=at(1))
    do_ask_to_speak(meeting=r.meeting, member=r.teacher, now=at(2))
    assert stack(r.meeting)[0].member == r.liaison
    # The teacher is also a parent at the school: the team places her with the families.
    do_set_power_rank(member=r.teacher, power_rank=0)
    assert stack(r.meeting)[0].member == r.teacher


def test_no_one_asks_or_speaks_before_the_meeting_starts(world: World) -> None:
    r = room(world, T0)
    with pytest.raises(TeamError) as refused:
        do_ask_to_speak(meeting=r.meeting, member=r.rosa, now=at(0))
    assert refused.value.code == "not_running"


def test_the_rule_alone_orders_by_rank_then_turns_then_time() -> None:
    requests = [
        voice.Request(member_id=1, power_rank=3, turns_so_far=0, asked_at=at(0)),
        voice.Request(member_id=2, power_rank=0, turns_so_far=2, asked_at=at(1)),
        voice.Request(member_id=3, power_rank=0, turns_so_far=1, asked_at=at(2)),
        voice.Request(member_id=4, power_rank=0, turns_so_far=0, asked_at=at(4)),
        voice.Request(member_id=5, power_rank=0, turns_so_far=0, asked_at=at(3)),
        voice.Request(member_id=6, power_rank=2, turns_so_far=0, asked_at=at(5)),
    ]
    assert [r.member_id for r in voice.stack_order(requests)] == [5, 4, 3, 2, 6, 1]
