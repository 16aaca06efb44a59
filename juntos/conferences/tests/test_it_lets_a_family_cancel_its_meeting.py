"""A family cancels its own conference from its family page; the time opens again. Another
family's booking cannot be cancelled from there."""

from __future__ import annotations

from conftest import World
from juntos.conferences.actions import do_book_slot
from juntos.conferences.models import Booking
from juntos.conferences.tests.helpers import slot, staff_of, tomorrow_at
from juntos.events.tests.helpers import family_client


def test_the_family_cancels_and_the_time_is_free_again(world: World) -> None:
    time = slot(staff_of(world, "teacher"), world.north, tomorrow_at(15))
    booking = do_book_slot(
        caregiver=world.north_family, slot_id=time.pk, student_id=world.north_student.pk,
        via=Booking.Via.PORTAL,
    )  # fmt: skip
    rosa = family_client(world.north_family)
    page = rosa.get("/conferences/book/").content.decode()
    assert "Cancelar esta reunión" in page
    lan = family_client(world.north_family_2)
    assert lan.post("/conferences/book/", {"cancel": booking.pk}).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED
    response = rosa.post("/conferences/book/", {"cancel": booking.pk})
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
    assert "Cancelar esta reunión" not in rosa.get("/conferences/book/").content.decode()
