"""Best time: the option most invited families' contact windows overlap, by language, with
past yes rates at the same weekday and hour."""

from __future__ import annotations

from datetime import time

from django.test import Client

from conftest import World
from juntos.events.besttime import best_time, shown
from juntos.events.models import Invitation, Rsvp
from juntos.events.tests.helpers import make_event
from juntos.people import models as m
from juntos.testing import factories as f


def window(caregiver: m.Caregiver, weekdays: list[int], start: time, end: time) -> None:
    m.ContactWindow.objects.create(caregiver=caregiver, weekdays=weekdays, start=start, end=end)


def test_the_option_inside_most_windows_wins(world: World) -> None:
    # Options (Chicago): Wed 6 March 18:00 and Fri 8 March 18:00 (2030).
    event = make_event(world, options=2)
    families = [f.caregiver(district=world.district, preferred_language="es") for _ in range(5)]
    families.append(world.north_family_2)  # Vietnamese
    families.append(world.south_family)  # Somali, no window recorded
    for family in families:
        Invitation.objects.create(event=event, caregiver=family)
    for family in families[:5]:
        window(family, [5], time(17), time(20))  # Friday evenings
    window(world.north_family_2, [3], time(17, 30), time(19))  # Wednesday evening
    # A past event on a Friday at 18:00: 2 of 4 Spanish-speaking invitees said yes to it.
    past = make_event(world, title="Past night")
    past.time_options.all().delete()
    from datetime import UTC, datetime

    option = past.time_options.create(
        starts_at=datetime(2029, 3, 3, 0, tzinfo=UTC), ends_at=datetime(2029, 3, 3, 1, tzinfo=UTC)
    )
    for n, family in enumerate(families[:4]):
        Invitation.objects.create(event=past, caregiver=family)
        if n < 2:
            Rsvp.objects.create(
                event=past, caregiver=family, answer="yes", time_option=option, channel="sms"
            )

    result = best_time(event)
    wednesday, friday = result.rows
    assert result.top is friday
    assert (wednesday.reachable, friday.reachable) == (1, 5)
    assert friday.no_window == 1
    assert friday.by_language["es"]["window"] == 5
    assert friday.by_language["vi"]["window"] == 0 and wednesday.by_language["vi"]["window"] == 1
    assert friday.past_rate["es"] == 0.5 and friday.past_rate["vi"] is None
    assert wednesday.past_rate_all is None

    # Small groups are suppressed on the page.
    assert (shown(0), shown(1), shown(4), shown(5)) == ("0", "<5", "<5", "5")
    client = Client()
    client.force_login(world.personas["school_leader"])
    html = client.get(f"/events/{event.pk}/").content.decode()
    assert 'id="best-time"' in html and "(5 / 7)" in html
