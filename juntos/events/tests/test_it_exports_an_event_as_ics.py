"""The .ics download: one VEVENT per time, RFC 5545 escaping and folding, scoped like the page."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.events.ics import fold
from juntos.events.tests.helpers import family_client, invite_class, make_event


def test_staff_and_invited_families_download_the_calendar(world: World) -> None:
    event = make_event(
        world,
        options=2,
        title="Math night; games, snacks",
        learning_statement="Families learn the games we play in class.\nBring your questions.",
    )
    client = Client()
    client.force_login(world.personas["teacher"])
    response = client.get(f"/events/{event.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Math night\\; games\\, snacks\r\n" in body
    assert "DTSTART:20300307T000000Z\r\nDTEND:20300307T013000Z" in body
    assert "Bring your" in body.replace("\r\n ", "")
    assert "\\nBring your questions." in body.replace("\r\n ", "")
    for line in body.split("\r\n"):
        assert len(line.encode()) <= 75
    invite_class(world, event)
    assert family_client(world.north_family).get(f"/events/e/{event.pk}.ics").status_code == 200
    assert family_client(world.south_family).get(f"/events/e/{event.pk}.ics").status_code == 404


def test_folding_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "ñ" * 80
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(part.encode()) <= 75 for part in parts)
