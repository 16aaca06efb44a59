"""The API gives authorised staff the exchanges of their schools, the ideas with their English
rendition and reaction counts — never a participant."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from conftest import World
from juntos.listening import actions
from juntos.listening.models import Idea
from juntos.listening.tests.helpers import open_exchange, staff


def client_as(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def test_staff_read_ideas_and_counts_and_moderators_also_pending(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        exchange = open_exchange(world)
    approved = actions.do_add_idea(
        exchange=exchange, caregiver=world.north_family,
        text="Clases de inglés por la tarde", channel="portal",
    )  # fmt: skip
    actions.do_add_idea(
        exchange=exchange, caregiver=world.north_family_2, text="Xe buýt sớm hơn", channel="sms"
    )
    actions.do_moderate_idea(by=staff(world, "school_leader"), idea=approved, approve=True)
    actions.do_react(idea=approved, caregiver=world.north_family_2, value="agree", channel="portal")

    listed = json.loads(client_as(world, "teacher").get("/api/listening/exchanges").content)
    assert [e["id"] for e in listed] == [exchange.pk]

    teacher = json.loads(
        client_as(world, "teacher").get(f"/api/listening/exchanges/{exchange.pk}").content
    )
    assert [(i["text"], i["agrees"], i["status"]) for i in teacher["ideas"]] == [
        ("Clases de inglés por la tarde", 1, "approved")
    ]
    leader = json.loads(
        client_as(world, "school_leader").get(f"/api/listening/exchanges/{exchange.pk}").content
    )
    assert {i["status"] for i in leader["ideas"]} == {"approved", "pending"}
    # Only how many took part, never who: no participant or caregiver field on an idea.
    assert leader["participants"] == 2
    assert all(set(i) == set(teacher["ideas"][0]) for i in leader["ideas"])
    assert not any("participant" in key or "caregiver" in key for key in teacher["ideas"][0])
    assert Idea.objects.count() == 2

    other = client_as(world, "other_teacher").get(f"/api/listening/exchanges/{exchange.pk}")
    assert other.status_code == 404
    assert Client().get("/api/listening/exchanges").status_code == 401
    schema = json.loads(client_as(world, "teacher").get("/api/openapi.json").content)
    assert "/api/listening/exchanges/{exchange_id}" in schema["paths"]
