"""Households are derived from shared students, across schools, never stored."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from juntos.people import queries
from juntos.people.models import Relationship
from juntos.testing import factories as f


def test_caregivers_who_share_students_form_one_household(world: Any) -> None:
    grandmother = f.caregiver(district=world.district, given_name="Carmen")
    father = f.caregiver(district=world.district, given_name="Luis")
    alone = f.caregiver(district=world.district, given_name="Nobody")
    # Carmen cares for Ana (with Rosa) and for Omar at another school (with Amina); Luis is
    # Omar's father too. Rosa, Carmen, Amina and Luis are one household through Carmen.
    f.link(grandmother, world.north_student, Relationship.GRANDPARENT)
    f.link(grandmother, world.south_student, Relationship.GRANDPARENT)
    f.link(father, world.south_student, Relationship.FATHER)

    groups = queries.households(world.district.pk)

    ids = {
        c.pk: c.given_name
        for c in (world.north_family, world.north_family_2, world.south_family, grandmother,
                  father, alone)
    }  # fmt: skip
    named = sorted(sorted(ids[i] for i in group) for group in groups)
    assert named == [["Amina", "Carmen", "Luis", "Rosa"], ["Lan"], ["Nobody"]]


def test_the_family_page_lists_the_household_the_user_may_see(world: Any) -> None:
    father = f.caregiver(district=world.district, given_name="Jorge")
    f.link(father, world.north_student, Relationship.FATHER)
    client = Client()
    client.force_login(world.personas["teacher"])
    page = client.get(reverse("people:family_detail", args=[world.north_family.pk]))
    assert "Household" in page.content.decode()
    assert "Jorge Lopez" in page.content.decode()
