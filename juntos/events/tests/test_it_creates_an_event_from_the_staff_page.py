"""A leader creates an event with two times and supports; bad input names the field and keeps
what was typed."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.events.models import Event

FORM = {
    "kind": "literacy_night",
    "title": "Family Literacy Night",
    "learning_statement": "Families read together.",
    "modality": "in_person",
    "place": "Library",
    "childcare": "on",
    "food": "on",
    "interpretation_languages": "es, vi",
    "capacity": "40",
    "option_1_date": "2030-03-06",
    "option_1_start": "18:00",
    "option_1_end": "19:30",
    "option_2_date": "2030-03-08",
    "option_2_start": "17:00",
    "option_2_end": "18:30",
}


def test_a_leader_creates_an_event(world: World) -> None:
    client = Client()
    client.force_login(world.personas["school_leader"])
    assert client.get("/events/new/").status_code == 200
    response = client.post("/events/new/", FORM | {"school": world.north.pk})
    assert response.status_code == 302
    event = Event.objects.get()
    assert response["Location"] == f"/events/{event.pk}/"
    assert (event.childcare, event.food, event.transport) == (True, True, False)
    assert event.interpretation_languages == ["es", "vi"]
    assert event.capacity == 40 and event.status == "draft"
    starts = [o.starts_at for o in event.time_options.all()]
    assert [s.isoformat() for s in starts] == [
        "2030-03-07T00:00:00+00:00",  # 18:00 in Chicago
        "2030-03-08T23:00:00+00:00",
    ]


def test_missing_statement_and_backwards_time_are_named(world: World) -> None:
    client = Client()
    client.force_login(world.personas["liaison"])
    bad = FORM | {"school": world.north.pk, "learning_statement": " ", "option_2_end": "16:00"}
    response = client.post("/events/new/", bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Each time must end after it starts." in html
    assert "Family Literacy Night" in html  # what was typed is kept
    assert not Event.objects.exists()
    # A school the liaison has no role at is not a choice.
    response = client.post("/events/new/", FORM | {"school": world.south.pk})
    assert not Event.objects.exists()
