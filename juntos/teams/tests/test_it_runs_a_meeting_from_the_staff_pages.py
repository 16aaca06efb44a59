"""A school leader sets up the team and runs a meeting from a phone, through the pages."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.teams.models import Attendance, Meeting, Member, PulseInvitation, Team, Turn
from juntos.teams.tests.helpers import staff


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def test_a_leader_builds_the_team_and_runs_a_meeting_in_stack_order(world: World) -> None:
    leader = client_for(world, "school_leader")
    response = leader.post("/teams/", {"name": "Equipo North", "school": world.north.pk})
    team = Team.objects.get(name="Equipo North")
    assert response.status_code == 302 and response["Location"] == f"/teams/{team.pk}/"

    def add(**data: object) -> None:
        answer = leader.post(f"/teams/{team.pk}/members/", data)
        assert answer.status_code == 302, answer.content.decode()[:2000]

    add(kind="staff", staff=staff(world, "school_leader").pk, role="leader")
    add(kind="staff", staff=staff(world, "teacher").pk, role="teacher")
    add(kind="caregiver", caregiver=world.north_family.pk, role="family", cochair="on")
    add(kind="name", name="Pastor Luis", organization="Iglesia San José", role="community")
    assert Member.objects.get(team=team, caregiver=world.north_family).cochair
    assert not Member.objects.get(team=team, role="teacher").cochair

    page = leader.get(f"/teams/{team.pk}/").content.decode()
    assert "Pastor Luis" in page and "Iglesia San José" in page
    assert 'id="composition-languages"' in page

    response = leader.post(
        f"/teams/{team.pk}/meetings/",
        {"title": "Reunión de octubre", "starts_at": "2026-10-06T18:00", "agenda": "Visión",
         "interpreted_languages": "es, vi"},
    )  # fmt: skip
    meeting = Meeting.objects.get(team=team)
    assert response["Location"] == f"/teams/meetings/{meeting.pk}/"
    assert meeting.interpreted_languages == ["es", "vi"]

    def step(name: str, member: Member | None = None) -> None:
        data = {"step": name} | ({"member": str(member.pk)} if member else {})
        assert leader.post(f"/teams/meetings/{meeting.pk}/step/", data).status_code == 302

    by_role = {m.role: m for m in Member.objects.filter(team=team)}
    step("start")
    for member in by_role.values():
        step("attend", member)
    step("ask", by_role["leader"])
    step("ask", by_role["teacher"])
    step("ask", by_role["family"])
    step("ask", by_role["community"])
    page = leader.get(f"/teams/meetings/{meeting.pk}/").content.decode()
    stack = page.split('id="stack"')[1].split("</ol>")[0]
    names = [by_role[r].display_name for r in ("family", "community", "teacher", "leader")]
    positions = [stack.index(name) for name in names]
    assert positions == sorted(positions), stack

    step("next")
    assert Turn.objects.get(meeting=meeting, ended_at__isnull=True).member == by_role["family"]
    step("next")
    assert Turn.objects.get(meeting=meeting, ended_at__isnull=True).member == by_role["community"]
    step("end")
    meeting.refresh_from_db()
    assert meeting.status == "ended"
    assert PulseInvitation.objects.filter(meeting=meeting).count() == 4
    assert Attendance.objects.filter(meeting=meeting).count() == 4
    page = leader.get(f"/teams/meetings/{meeting.pk}/").content.decode()
    assert 'id="balance"' in page and "Did you feel heard today?" in page

    # The leader answers the pulse once, anonymously.
    assert leader.post(f"/teams/meetings/{meeting.pk}/pulse/", {"score": "4"}).status_code == 302
    assert PulseInvitation.objects.get(meeting=meeting, member=by_role["leader"]).used
    assert (
        "Did you feel heard today?"
        not in leader.get(f"/teams/meetings/{meeting.pk}/").content.decode()
    )


def test_a_teacher_asks_for_herself_but_does_not_run_the_meeting(world: World) -> None:
    team = Team.objects.create(district=world.district, school=world.north, name="T")
    teacher = Member.objects.create(
        team=team, role="teacher", staff=staff(world, "teacher"), power_rank=2
    )
    other = Member.objects.create(team=team, role="family", caregiver=world.north_family,
                                  power_rank=0)  # fmt: skip
    meeting = Meeting.objects.create(
        team=team, title="M", starts_at="2026-10-06T18:00Z", status="in_progress"
    )
    client = client_for(world, "teacher")
    url = f"/teams/meetings/{meeting.pk}/step/"
    assert client.post(url, {"step": "ask", "member": teacher.pk}).status_code == 302
    assert client.post(url, {"step": "ask", "member": other.pk}).status_code == 403
    assert client.post(url, {"step": "next"}).status_code == 403
    assert client.post(url, {"step": "end"}).status_code == 403
    assert client.post(url, {"step": "explode"}).status_code == 404
    assert meeting.requests.get().member == teacher


def test_another_schools_teacher_cannot_see_the_team(world: World) -> None:
    team = Team.objects.create(district=world.district, school=world.north, name="North team")
    meeting = Meeting.objects.create(team=team, title="M", starts_at="2026-10-06T18:00Z")
    client = client_for(world, "other_teacher")
    assert client.get(f"/teams/{team.pk}/").status_code == 404
    assert client.get(f"/teams/meetings/{meeting.pk}/").status_code == 404
    assert "North team" not in client.get("/teams/").content.decode()
    # Only a leader or a district admin creates a team.
    assert client.post("/teams/", {"name": "X", "school": world.south.pk}).status_code == 403


def test_bad_member_input_is_refused_with_the_reason(world: World) -> None:
    leader = client_for(world, "school_leader")
    team = Team.objects.create(district=world.district, school=world.north, name="T")
    response = leader.post(f"/teams/{team.pk}/members/", {"kind": "name", "role": "community"})
    assert response.status_code == 400
    assert "Write the person&#x27;s name." in response.content.decode()
    Member.objects.create(team=team, role="family", caregiver=world.north_family, power_rank=0)
    response = leader.post(
        f"/teams/{team.pk}/members/",
        {"kind": "caregiver", "caregiver": world.north_family.pk, "role": "family"},
    )
    assert response.status_code == 400
    assert "This person is already on the team." in response.content.decode()
    assert Member.objects.filter(team=team).count() == 1
