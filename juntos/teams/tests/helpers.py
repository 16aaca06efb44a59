"""A North Elementary team for the tests: a leader, a teacher, a liaison and two families."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conftest import World
from juntos.people import models as m
from juntos.teams.actions import do_add_member, do_create_team, do_schedule_meeting
from juntos.teams.models import Meeting, Member, Team


@dataclass
class Room:
    team: Team
    meeting: Meeting
    leader: Member
    teacher: Member
    liaison: Member
    rosa: Member  # family member, Spanish
    lan: Member  # family member (a grandmother), Vietnamese


def staff(world: World, persona: str) -> m.Staff:
    return m.Staff.objects.get(user=world.personas[persona])


def room(world: World, starts_at: datetime) -> Room:
    team = do_create_team(
        district_id=world.district.pk, school_id=world.north.pk, name="North partnership team"
    )
    leader = do_add_member(team=team, role="leader", staff=staff(world, "school_leader"))
    teacher = do_add_member(team=team, role="teacher", staff=staff(world, "teacher"))
    liaison = do_add_member(team=team, role="liaison", staff=staff(world, "liaison"))
    rosa = do_add_member(team=team, role="family", caregiver=world.north_family, cochair=True)
    lan = do_add_member(team=team, role="family", caregiver=world.north_family_2)
    meeting = do_schedule_meeting(team=team, title="October meeting", starts_at=starts_at)
    return Room(team, meeting, leader, teacher, liaison, rosa, lan)
