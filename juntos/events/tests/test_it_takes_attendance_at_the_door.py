"""At the door: mark invited families present (once), undo a wrong tap, add walk-ins."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.events.models import Attendance
from juntos.events.tests.helpers import invite_class, make_event


def test_marking_undoing_and_walk_ins(world: World) -> None:
    event = make_event(world)
    invite_class(world, event)
    client = Client()
    client.force_login(world.personas["school_leader"])
    door = f"/events/{event.pk}/door/"
    assert "Rosa" in client.get(door).content.decode()
    # htmx search answers with the list alone.
    partial = client.get(door + "?q=ros", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<ul class="list" id="families">') and "Rosa" in partial
    for _ in range(2):
        client.post(door + "mark/", {"caregiver": world.north_family.pk})
    attendance = Attendance.objects.get()
    assert attendance.caregiver == world.north_family
    client.post(door + "undo/", {"attendance": attendance.pk})
    assert not Attendance.objects.exists()

    response = client.post(door + "walk-in/", {"name": "  ", "language": "es"})
    assert response.status_code == 400
    client.post(door + "walk-in/", {"name": "Luis Pérez", "language": "es"})
    walk_in = Attendance.objects.get()
    assert (walk_in.caregiver, walk_in.walk_in_name, walk_in.walk_in_language) == (
        None,
        "Luis Pérez",
        "es",
    )
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "walk-ins: 1" in page
