"""Staff see their schools' events; only leaders, liaisons and the district admin manage them."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.events.models import Attendance, Invitation
from juntos.events.tests.helpers import make_event
from juntos.messaging.models import MessageRendition


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def test_another_schools_teacher_sees_nothing(world: World) -> None:
    event = make_event(world)
    south = client_for(world, "other_teacher")
    for url in (f"/events/{event.pk}/", f"/events/{event.pk}.ics", f"/events/{event.pk}/door/"):
        assert south.get(url).status_code == 404, url
    assert south.post(f"/events/{event.pk}/invite/", {"audience": "school"}).status_code == 404
    assert event.title not in south.get("/events/").content.decode()
    assert not Invitation.objects.exists()


def test_a_teacher_sees_but_does_not_manage(world: World) -> None:
    event = make_event(world)
    teacher = client_for(world, "teacher")
    assert event.title in teacher.get("/events/").content.decode()
    assert teacher.get(f"/events/{event.pk}/").status_code == 200
    assert teacher.get("/events/new/").status_code == 403
    assert teacher.post(f"/events/{event.pk}/invite/", {"audience": "school"}).status_code == 403
    assert teacher.get(f"/events/{event.pk}/door/").status_code == 403
    assert not Invitation.objects.exists()


def test_the_leader_invites_the_school_and_the_teacher_sees_only_their_families(
    world: World, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = ""
    event = make_event(world)
    leader = client_for(world, "school_leader")
    response = leader.post(f"/events/{event.pk}/invite/", {"audience": "school"})
    assert response.status_code == 302
    # With no PUBLIC_BASE_URL, the link is on the address the leader used.
    rendition = MessageRendition.objects.get(language="es")
    assert f"http://testserver/events/e/{event.pk}/" in rendition.text
    assert set(Invitation.objects.values_list("caregiver", flat=True)) == {
        world.north_family.pk,
        world.north_family_2.pk,
    }
    # At the door the teacher of Room 4 would see Rosa only; the liaison sees both.
    liaison = client_for(world, "liaison")
    door = liaison.get(f"/events/{event.pk}/door/?q=Tran").content.decode()
    assert "Lan" in door and "Rosa" not in door
    lan = world.north_family_2
    liaison.post(f"/events/{event.pk}/door/mark/", {"caregiver": lan.pk})
    assert Attendance.objects.get().caregiver == lan
    # A family not invited cannot be marked present.
    south = world.south_family.pk
    assert liaison.post(f"/events/{event.pk}/door/mark/", {"caregiver": south}).status_code == 404
