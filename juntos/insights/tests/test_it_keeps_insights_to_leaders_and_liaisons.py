"""Insights and the worklist: the district admin sees the district, leaders and liaisons their
schools; counselors and teachers are refused; a family of another school is not found."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import World
from juntos.people import models as m
from juntos.testing import factories as f


def client(world: World, persona: str) -> Client:
    c = Client()
    c.force_login(world.personas[persona])
    return c


@pytest.mark.parametrize("persona", ["teacher", "other_teacher", "counselor", "outsider"])
def test_other_roles_are_refused(world: World, persona: str) -> None:
    c = client(world, persona)
    for url in ("/insights/", "/insights/unreached/", "/insights/export.csv",
                f"/insights/unreached/{world.north_student.pk}/"):  # fmt: skip
        assert c.get(url).status_code == 403, url
    post = c.post(f"/insights/unreached/{world.north_student.pk}/attempt/",
                  {"method": "call", "outcome": "reached"})  # fmt: skip
    assert post.status_code == 403
    # The staff navigation offers insights only to those who may open it.
    if persona != "outsider":
        assert 'href="/insights/"' not in c.get("/messaging/inbox/").content.decode()


@pytest.mark.parametrize("persona", ["school_leader", "liaison"])
def test_leaders_and_liaisons_see_their_school_only(world: World, persona: str) -> None:
    c = client(world, persona)
    page = c.get("/insights/unreached/").content.decode()
    assert f'data-student="{world.north_student.pk}"' in page
    assert f'data-student="{world.south_student.pk}"' not in page
    assert c.get(f"/insights/unreached/{world.south_student.pk}/").status_code == 404
    assign = c.post(f"/insights/unreached/{world.south_student.pk}/attempt/",
                    {"method": "call", "outcome": "reached"})  # fmt: skip
    assert assign.status_code == 404
    assert 'href="/insights/"' in c.get("/insights/").content.decode()
    # Reach by school lists North only.
    html = c.get("/insights/").content.decode()
    assert "North Elementary" in html and "South Middle" not in html


def test_a_leader_of_two_schools_narrows_to_one(world: World) -> None:
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    m.StaffRole.objects.create(staff=leader, role=m.Role.SCHOOL_LEADER, school=world.south)
    c = client(world, "school_leader")
    assert (
        f'data-student="{world.south_student.pk}"' in c.get("/insights/unreached/").content.decode()
    )
    narrowed = c.get(f"/insights/unreached/?school={world.south.pk}").content.decode()
    assert f'data-student="{world.north_student.pk}"' not in narrowed


def test_the_district_admin_sees_every_school(world: World) -> None:
    other = f.district(name="Elsewhere", slug="elsewhere")
    stranger = f.student(district=other, given_name="Stranger")
    c = client(world, "district_admin")
    page = c.get("/insights/unreached/").content.decode()
    for student in (world.north_student, world.north_student_2, world.south_student):
        assert f'data-student="{student.pk}"' in page
    assert f'data-student="{stranger.pk}"' not in page
    assert c.get(f"/insights/unreached/{stranger.pk}/").status_code == 404
