"""Staff see the commitments of their schools; leaders, liaisons and the district admin make
them and change their status; a teacher finds and cites only their own families' replies."""

from __future__ import annotations

import pytest

from conftest import World
from juntos.commitments.actions import do_link_input
from juntos.commitments.models import Commitment, InputLink
from juntos.commitments.tests.helpers import commitment, reply, staff, staff_client
from juntos.messaging.actions import InputError

ROSA_WORDS = "Please start a homework club after school"
LAN_WORDS = "Please start a homework club on Saturdays"


def test_a_teacher_searches_only_their_own_families_replies(world: World) -> None:
    rosa = reply(world.north_family, ROSA_WORDS)  # Room 4: the teacher's class
    lan = reply(world.north_family_2, LAN_WORDS)  # Room 7: not the teacher's
    c = commitment(world)

    teacher = staff_client(world, "teacher").get(f"/commitments/{c.pk}/?q=homework club")
    assert teacher.status_code == 200
    assert ROSA_WORDS in teacher.content.decode() and LAN_WORDS not in teacher.content.decode()

    leader = staff_client(world, "school_leader").get(f"/commitments/{c.pk}/?q=homework club")
    assert ROSA_WORDS in leader.content.decode() and LAN_WORDS in leader.content.decode()

    # Citing Lan's reply is refused to the teacher, through the action and the page alike.
    with pytest.raises(InputError):
        do_link_input(by=staff(world, "teacher"), commitment=c, kind="reply", object_id=lan.pk)
    client = staff_client(world, "teacher")
    client.post(f"/commitments/{c.pk}/link/", {"kind": "reply", "object_id": lan.pk})
    assert not InputLink.objects.exists()
    client.post(f"/commitments/{c.pk}/link/", {"kind": "reply", "object_id": rosa.pk})
    assert list(InputLink.objects.values_list("object_id", flat=True)) == [rosa.pk]


def test_south_staff_cannot_see_or_cite_north(world: World) -> None:
    rosa = reply(world.north_family, ROSA_WORDS)
    c = commitment(world)
    other = staff_client(world, "other_teacher")
    assert other.get(f"/commitments/{c.pk}/").status_code == 404
    assert (
        other.post(
            f"/commitments/{c.pk}/link/", {"kind": "reply", "object_id": rosa.pk}
        ).status_code
        == 404
    )
    assert c.title not in other.get("/commitments/").content.decode()
    assert c.title in staff_client(world, "teacher").get("/commitments/").content.decode()


def test_only_managers_create_and_change_status(world: World) -> None:
    teacher = staff_client(world, "teacher")
    assert teacher.get("/commitments/new/").status_code == 403
    c = commitment(world)
    assert teacher.post(f"/commitments/{c.pk}/status/", {"status": "done"}).status_code == 403
    liaison = staff_client(world, "liaison")
    created = liaison.post(
        "/commitments/new/",
        {"school": world.north.pk, "kind": "goal", "title": "Every family reached", "public": "on"},
    )
    made = Commitment.objects.get(title="Every family reached")
    assert created.status_code == 302 and created["Location"] == f"/commitments/{made.pk}/"
    assert made.kind == "goal" and made.public and made.status == "planned"
    # A liaison cannot make a commitment for South, where they hold no role.
    refused = liaison.post(
        "/commitments/new/", {"school": world.south.pk, "kind": "goal", "title": "South goal"}
    )
    assert refused.status_code == 200 and not Commitment.objects.filter(title="South goal").exists()


def test_who_cited_an_input_or_a_manager_may_stop_citing_it(world: World) -> None:
    rosa = reply(world.north_family, ROSA_WORDS)
    c = commitment(world)
    teacher = staff_client(world, "teacher")
    teacher.post(f"/commitments/{c.pk}/link/", {"kind": "reply", "object_id": rosa.pk})
    link = InputLink.objects.get()
    counselor = staff_client(world, "counselor")
    assert counselor.post(f"/commitments/{c.pk}/unlink/{link.pk}/").status_code == 403
    assert teacher.post(f"/commitments/{c.pk}/unlink/{link.pk}/").status_code == 302
    assert not InputLink.objects.exists()
    teacher.post(f"/commitments/{c.pk}/link/", {"kind": "reply", "object_id": rosa.pk})
    link = InputLink.objects.get()
    assert (
        staff_client(world, "school_leader")
        .post(f"/commitments/{c.pk}/unlink/{link.pk}/")
        .status_code
        == 302
    )
    assert not InputLink.objects.exists()


def test_a_teacher_who_cochairs_the_team_manages_the_schools_commitments(world: World) -> None:
    from django.test import Client

    from juntos.people.models import Staff
    from juntos.teams.actions import do_add_member, do_create_team

    client = Client()
    client.force_login(world.personas["teacher"])
    form = {"school": world.north.pk, "kind": "action", "title": "Saturday meetings"}
    assert client.post("/commitments/new/", form).status_code in (400, 403)
    team = do_create_team(district_id=world.district.pk, school_id=world.north.pk, name="Team")
    do_add_member(team=team, role="teacher", cochair=True,
                  staff=Staff.objects.get(user=world.personas["teacher"]))  # fmt: skip
    response = client.post("/commitments/new/", form)
    assert response.status_code == 302
