"""The family page lists the events the family was invited to (title in their language, their
answer, a link to the event page) and their booked conferences (a link to the booking page);
another family's page lists none of them."""

from __future__ import annotations

from conftest import World
from juntos.conferences.actions import do_book_slot
from juntos.conferences.models import Booking
from juntos.conferences.tests.helpers import HOUR, slot, staff_of, tomorrow_at
from juntos.events.actions import do_record_rsvp
from juntos.events.models import Rsvp
from juntos.events.tests.helpers import (
    TITLE,
    TITLE_ES,
    family_client,
    invite_class,
    make_event,
    remember_spanish,
)


def test_an_invited_family_sees_the_event_with_its_answer(world: World) -> None:
    remember_spanish(world)
    event = make_event(world)
    invite_class(world, event)

    page = family_client(world.north_family).get("/family/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Eventos a los que está invitado" in text
    assert f'href="/events/e/{event.pk}/"' in text
    assert TITLE_ES in text
    assert "Todavía no ha respondido." in text

    do_record_rsvp(
        caregiver=world.north_family, event=event, answer=Rsvp.Answer.YES,
        channel=Rsvp.Channel.PORTAL, childcare_children=2,
    )  # fmt: skip
    text = family_client(world.north_family).get("/family/").content.decode()
    assert "Su respuesta: sí" in text
    assert "Todavía no ha respondido." not in text


def test_a_family_that_was_not_invited_sees_no_event(world: World) -> None:
    remember_spanish(world)
    event = make_event(world)
    invite_class(world, event)  # Room 4: Rosa's class, not Lan's (Room 7)

    page = family_client(world.north_family_2).get("/family/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f"/events/e/{event.pk}/" not in text
    assert TITLE not in text and TITLE_ES not in text
    assert 'data-testid="family-events"' not in text


def test_a_draft_event_is_not_listed(world: World) -> None:
    event = make_event(world)
    assert event.status == "draft"
    text = family_client(world.north_family).get("/family/").content.decode()
    assert f"/events/e/{event.pk}/" not in text


def test_a_booked_conference_is_listed_for_its_family_only(world: World) -> None:
    teacher = staff_of(world, "teacher")
    booked = slot(teacher, world.north, tomorrow_at(HOUR))
    do_book_slot(
        caregiver=world.north_family, slot_id=booked.pk, student_id=world.north_student.pk,
        via=Booking.Via.PORTAL,
    )  # fmt: skip

    text = family_client(world.north_family).get("/family/").content.decode()
    assert "Sus reuniones con maestros" in text
    assert f"Reunión con {teacher.display_name} sobre Ana" in text
    assert 'href="/conferences/book/"' in text

    other = family_client(world.north_family_2).get("/family/").content.decode()
    assert 'data-testid="family-conferences"' not in other
    assert "Ana" not in other
