"""A "yes" beyond the event's capacity is kept on the waiting list; a family's own place holds;
a freed place goes to the first family waiting."""

from __future__ import annotations

from conftest import World
from juntos.events.actions import do_record_rsvp
from juntos.events.models import Rsvp
from juntos.events.tests.helpers import invite_class, make_event
from juntos.testing import factories as f


def test_the_second_yes_waits_and_changing_needs_keeps_a_place(world: World) -> None:
    event = make_event(world, capacity=1)
    invite_class(world, event)
    third = f.caregiver(district=world.district, given_name="Marta")
    first = do_record_rsvp(
        caregiver=world.north_family, event=event, answer="yes", channel=Rsvp.Channel.PORTAL
    )
    assert not first.waitlisted
    second = do_record_rsvp(
        caregiver=world.north_family_2, event=event, answer="yes", channel=Rsvp.Channel.SMS
    )
    assert second.waitlisted
    again = do_record_rsvp(
        caregiver=world.north_family,
        event=event,
        answer="yes",
        childcare_children=3,
        channel=Rsvp.Channel.PORTAL,
    )
    assert not again.waitlisted and again.childcare_children == 3
    # A "no" frees the place: the first family waiting gets it (and is told: see
    # test_it_cancels_reminds_and_moves_up_families); a later "yes" waits in turn.
    do_record_rsvp(caregiver=world.north_family, event=event, answer="no", channel="portal")
    second.refresh_from_db()
    assert not second.waitlisted
    late = do_record_rsvp(caregiver=third, event=event, answer="yes", channel="staff")
    assert late.waitlisted
    # Needs are only kept with a "yes".
    no = Rsvp.objects.get(caregiver=world.north_family)
    assert (no.childcare_children, no.needs_ride, no.time_option) == (0, False, None)
