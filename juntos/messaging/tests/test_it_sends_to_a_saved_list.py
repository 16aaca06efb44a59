"""An announcement to a saved list reaches the list's families that may be contacted.

Needs the "list" audience kind in ``juntos/messaging/audience.py`` (audience_students: the
students of the list's caregivers, so that may_contact links still decide who is reached).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from conftest import World
from juntos.messaging.models import Announcement, Delivery
from juntos.messaging.tests.announcement_world import client_as, north_list, parse
from juntos.people import models as m
from juntos.testing import factories as f


def test_it_sends_to_the_families_of_a_list(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    saved = north_list(world)  # Rosa and Lan
    barred = f.caregiver(district=world.district, given_name="Barred")
    f.link(barred, world.north_student, m.Relationship.FATHER, may_contact=False)
    saved.caregivers.add(barred)
    leader = client_as(world, "school_leader")
    leader.post(
        reverse("messaging:announcement_new"),
        {"audience": f"list:{saved.pk}", "body": "Committee meets Tuesday.",
         "source_language": "en", "when": "now"},
    )  # fmt: skip
    announcement = Announcement.objects.get()
    assert (announcement.audience_kind, announcement.audience_ref) == ("list", {"ids": [saved.pk]})
    preview = parse(
        leader.get(reverse("messaging:announcement_detail", args=[announcement.pk])).content
    )
    assert "Families reached 2" in preview.find(id="reach").text()
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(reverse("messaging:announcement_send", args=[announcement.pk]))
    reached = set(Delivery.objects.values_list("caregiver_id", flat=True))
    assert reached == {world.north_family.pk, world.north_family_2.pk}
