"""Staff build saved lists of their school's families, choosing among those they can see."""

from __future__ import annotations

from django.urls import reverse

from conftest import World
from juntos.messaging.models import AudienceList
from juntos.messaging.tests.announcement_world import client_as, north_list, parse


def test_it_creates_a_list_from_families_the_user_sees(world: World) -> None:
    teacher = client_as(world, "teacher")
    page = parse(teacher.get(reverse("messaging:list_index"), {"q": "Lopez"}).content)
    offered = {i["value"] for i in page.find_all("input", name="caregivers")}
    assert offered == {str(world.north_family.pk)}  # their class's family only

    response = teacher.post(
        reverse("messaging:list_index"),
        {"name": "Room 4 helpers", "school": world.north.pk, "caregivers": [world.north_family.pk]},
    )
    saved = AudienceList.objects.get()
    assert response["Location"] == reverse("messaging:list_detail", args=[saved.pk])
    assert (saved.name, saved.school) == ("Room 4 helpers", world.north)
    assert list(saved.caregivers.all()) == [world.north_family]


def test_it_refuses_families_the_user_cannot_see(world: World) -> None:
    response = client_as(world, "teacher").post(
        reverse("messaging:list_index"),
        {
            "name": "Forged",
            "school": world.north.pk,
            "caregivers": [world.north_family.pk, world.north_family_2.pk],
        },
    )
    assert response.status_code == 400
    assert "not yours to add" in response.content.decode()
    assert 'value="Forged"' in response.content.decode()  # nothing typed is lost
    response = client_as(world, "school_leader").post(
        reverse("messaging:list_index"),
        {"name": "South", "school": world.south.pk, "caregivers": [world.south_family.pk]},
    )
    assert response.status_code == 400
    assert not AudienceList.objects.exists()


def test_it_edits_a_list_within_the_school(world: World) -> None:
    saved = north_list(world)
    url = reverse("messaging:list_detail", args=[saved.pk])
    # The teacher sees Rosa (their class) and not Lan (another class), but knows Lan is there.
    page = client_as(world, "teacher").get(url).content.decode()
    rosa, lan = world.north_family.display_name, world.north_family_2.display_name
    assert rosa in page and lan not in page and "and 1 family you cannot see" in page
    liaison = client_as(world, "liaison")
    liaison.post(url, {"name": "Committee", "remove": [world.north_family_2.pk]})
    saved.refresh_from_db()
    assert saved.name == "Committee"
    assert list(saved.caregivers.all()) == [world.north_family]
    assert (
        liaison.post(url, {"name": "Committee", "add": [world.south_family.pk]}).status_code == 400
    )
    assert client_as(world, "other_teacher").get(url).status_code == 404
    # A list of North is offered to North's leader as an audience, not to a teacher.
    assert (
        f'value="list:{saved.pk}"'
        in client_as(world, "school_leader")
        .get(reverse("messaging:announcement_new"))
        .content.decode()
    )
    assert (
        f'value="list:{saved.pk}"'
        not in client_as(world, "teacher")
        .get(reverse("messaging:announcement_new"))
        .content.decode()
    )
