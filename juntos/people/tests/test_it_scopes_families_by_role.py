"""Each role sees exactly the families and students it may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from juntos.people import queries
from juntos.people.models import Role
from juntos.testing import factories as f


def names(qs: Any) -> set[str]:
    return {obj.given_name for obj in qs}


@pytest.mark.parametrize(
    ("persona", "families", "students"),
    [
        ("district_admin", {"Rosa", "Lan", "Amina"}, {"Ana", "Minh", "Omar"}),
        ("school_leader", {"Rosa", "Lan"}, {"Ana", "Minh"}),
        ("counselor", {"Rosa", "Lan"}, {"Ana", "Minh"}),
        ("liaison", {"Rosa", "Lan"}, {"Ana", "Minh"}),
        ("teacher", {"Rosa"}, {"Ana"}),
        ("other_teacher", {"Amina"}, {"Omar"}),
        ("outsider", set(), set()),
        ("anonymous", set(), set()),
    ],
)
def test_it_scopes_by_role(
    world: Any, persona: str, families: set[str], students: set[str]
) -> None:
    user = world.personas[persona]
    assert names(queries.caregivers_for(user)) == families
    assert names(queries.students_for(user)) == students


def test_a_teacher_cannot_see_another_teachers_families_at_the_same_school(world: Any) -> None:
    teacher = world.personas["teacher"]
    assert world.north_family_2 not in queries.caregivers_for(teacher)
    with pytest.raises(Exception) as raised:
        queries.access_caregiver(teacher, world.north_family_2.pk, context="test")
    assert raised.type.__name__ == "Http404"


def test_a_caregiver_of_two_schools_shows_only_the_visible_child(world: Any) -> None:
    # Rosa also cares for Omar at South: South's teacher sees Rosa, but only Omar's link.
    f.link(world.north_family, world.south_student, "aunt_uncle")
    other = world.personas["other_teacher"]
    assert world.north_family in queries.caregivers_for(other)
    links = queries.links_visible_to(other, world.north_family)
    assert [link.student.given_name for link in links] == ["Omar"]


def test_roles_add_up(world: Any) -> None:
    # A South teacher who is also North's liaison sees both.
    staff = world.personas["other_teacher"].staff
    staff.roles.create(role=Role.LIAISON, school=world.north)
    user = world.personas["other_teacher"]
    user.__dict__.pop("_juntos_scope", None)
    assert names(queries.caregivers_for(user)) == {"Rosa", "Lan", "Amina"}


def test_inactive_staff_see_nothing(world: Any) -> None:
    staff = world.personas["school_leader"].staff
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    user = world.personas["school_leader"]
    user.__dict__.pop("_juntos_scope", None)
    assert not queries.caregivers_for(user).exists()


def test_search_matches_names_students_and_phones(world: Any) -> None:
    world.north_family.contacts.create(kind="phone", value="+15555550123", sms_capable=True)
    leader = world.personas["school_leader"]
    assert names(queries.search_caregivers(leader, "rosa")) == {"Rosa"}
    assert names(queries.search_caregivers(leader, "Minh")) == {"Lan"}
    assert names(queries.search_caregivers(leader, "5550123")) == {"Rosa"}
    # Amina is South's: a North leader's search never finds her.
    assert names(queries.search_caregivers(leader, "Amina")) == set()


def test_a_family_list_shows_only_the_children_the_user_may_see(world: Any) -> None:
    # Rosa cares for Ana at North and for Omar at South. South's teacher finds Rosa through
    # Omar, but the list must not reveal Ana, a North child.
    f.link(world.north_family, world.south_student, "aunt_uncle")
    client = Client()
    client.force_login(world.personas["other_teacher"])
    page = client.get(reverse("people:family_list") + "?q=Rosa").content.decode()
    assert "Rosa" in page
    assert "Omar Hassan" in page
    assert "Ana" not in page
