"""The compose page offers, and the draft action accepts, only the audiences a person may
address; emergencies are for leaders and district admins; a schedule must be in the future."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from conftest import World
from juntos.messaging.models import Announcement
from juntos.messaging.tests.announcement_world import client_as

NEW = "messaging:announcement_new"


def post(world: World, persona: str, **fields: str) -> Any:
    data = {"body": "Bring a coat tomorrow.", "source_language": "en", "when": "now"} | fields
    return client_as(world, persona).post(reverse(NEW), data)


def test_it_offers_a_teacher_their_own_classes_only(world: World) -> None:
    page = client_as(world, "teacher").get(reverse(NEW)).content.decode()
    assert f'value="section:{world.north_class.pk}"' in page
    assert f'value="section:{world.north_class_2.pk}"' not in page  # a colleague's class
    assert f'value="school:{world.north.pk}"' not in page
    assert 'value="district"' not in page
    assert 'name="emergency"' not in page


def test_it_offers_a_leader_their_school_grades_and_classes(world: World) -> None:
    page = client_as(world, "school_leader").get(reverse(NEW)).content.decode()
    assert f'value="school:{world.north.pk}"' in page
    assert f'value="grade:{world.north.pk}:03"' in page
    assert f'value="section:{world.north_class_2.pk}"' in page
    assert f'value="school:{world.south.pk}"' not in page
    assert f'value="section:{world.south_class.pk}"' not in page
    assert 'name="emergency"' in page
    assert "ignores quiet hours" in page


def test_it_refuses_a_forged_audience(world: World) -> None:
    for persona, audience in [
        ("teacher", f"school:{world.north.pk}"),
        ("teacher", f"section:{world.north_class_2.pk}"),
        ("teacher", f"section:{world.south_class.pk}"),
        ("school_leader", f"school:{world.south.pk}"),
        ("school_leader", f"grade:{world.south.pk}:03"),
        ("school_leader", "grade:*:03"),
        ("school_leader", "district"),
        ("liaison", f"section:{world.south_class.pk}"),
        ("teacher", "section:not-a-number"),
    ]:
        response = post(world, persona, audience=audience)
        assert response.status_code == 400, (persona, audience)
        page = response.content.decode()
        assert "Bring a coat tomorrow." in page  # nothing typed is lost
    assert not Announcement.objects.exists()


def test_it_saves_a_draft_for_an_allowed_audience(world: World) -> None:
    response = post(world, "teacher", audience=f"section:{world.north_class.pk}")
    draft = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:announcement_detail", args=[draft.pk])
    assert (draft.status, draft.audience_kind, draft.audience_ref) == (
        "draft",
        "section",
        {"ids": [world.north_class.pk]},
    )
    assert draft.school == world.north
    assert not draft.messages.exists()  # a draft sends nothing
    post(world, "district_admin", audience="district")
    post(world, "district_admin", audience="grade:*:03")
    assert Announcement.objects.count() == 3


def test_it_refuses_an_emergency_from_a_teacher(world: World) -> None:
    response = post(world, "teacher", audience=f"section:{world.north_class.pk}", emergency="on")
    assert response.status_code == 400
    assert "Only school leaders and district administrators" in response.content.decode()
    assert not Announcement.objects.exists()
    post(world, "school_leader", audience=f"school:{world.north.pk}", emergency="on")
    assert Announcement.objects.get().emergency


def test_it_refuses_a_schedule_in_the_past(world: World) -> None:
    zone = ZoneInfo(world.district.time_zone)
    past = (timezone.now() - timedelta(hours=1)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    response = post(
        world,
        "school_leader",
        audience=f"school:{world.north.pk}",
        when="later",
        scheduled_for=past,
    )
    assert response.status_code == 400
    assert "This time has passed" in response.content.decode()
    assert not Announcement.objects.exists()

    future = (timezone.now() + timedelta(days=1)).astimezone(zone).replace(second=0, microsecond=0)
    post(
        world,
        "school_leader",
        audience=f"school:{world.north.pk}",
        when="later",
        scheduled_for=future.strftime("%Y-%m-%dT%H:%M"),
    )
    # Read in the district's time zone, stored as an instant.
    assert Announcement.objects.get().scheduled_for == future
