"""Staff conference pages: publish times, see bookings in scope, cancel, interpret."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from juntos.conferences import actions
from juntos.conferences.models import Booking, ConferenceOffer, ConferenceSlot
from juntos.conferences.tests.helpers import slot, staff_of, tomorrow_at


def signed_in(world: Any, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def publish(client: Client, world: Any, **overrides: str) -> Any:
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = {
        "school": str(world.north.pk), "day": day, "start": "15:00", "end": "16:00",
        "minutes": "20", "place": "Room 4", "modality": "in_person",
    } | overrides  # fmt: skip
    return client.post(reverse("conferences:publish"), data)


def test_a_teacher_publishes_a_day_of_times_and_an_overlap_is_refused(world: Any) -> None:
    client = signed_in(world, "teacher")
    response = publish(client, world)
    assert response.status_code == 302
    assert ConferenceSlot.objects.filter(teacher=staff_of(world, "teacher")).count() == 3
    refused = publish(client, world, start="15:30", end="17:00", minutes="30")
    assert refused.status_code == 400
    assert "You already have a meeting time from 15:20 to 15:40" in refused.content.decode()
    assert 'value="15:30"' in refused.content.decode()  # the form keeps what was typed
    assert ConferenceSlot.objects.count() == 3
    bad = publish(client, world, start="16:00", end="15:00")
    assert "The end must come after the start." in bad.content.decode()


def test_a_teacher_may_not_publish_at_another_school(world: Any) -> None:
    response = publish(signed_in(world, "other_teacher"), world)
    assert response.status_code == 400
    assert not ConferenceSlot.objects.exists()


def test_each_sees_the_bookings_in_scope_with_the_interpreter(world: Any) -> None:
    wanted = slot(staff_of(world, "teacher"), world.north, tomorrow_at(15))
    actions.do_book_slot(
        caregiver=world.north_family, slot_id=wanted.pk,
        student_id=world.north_student.pk, via="portal",
    )  # fmt: skip
    slot(staff_of(world, "other_teacher"), world.south, tomorrow_at(9))
    for persona in ("teacher", "school_leader", "liaison", "district_admin"):
        page = signed_in(world, persona).get(reverse("conferences:index")).content.decode()
        assert "Rosa Lopez" in page, persona
        assert "Ana Lopez" in page, persona
        assert "Spanish" in page, persona
        assert f"{staff_of(world, 'liaison').display_name} (es)" in page, persona
    other = signed_in(world, "other_teacher").get(reverse("conferences:index")).content.decode()
    assert "Rosa Lopez" not in other
    assert "09:00" in other


def test_a_family_with_no_free_interpreter_is_flagged_on_the_page(world: Any) -> None:
    world.north_family.preferred_language = "so"
    world.north_family.save(update_fields=["preferred_language"])
    wanted = slot(staff_of(world, "teacher"), world.north, tomorrow_at(15))
    actions.do_book_slot(
        caregiver=world.north_family, slot_id=wanted.pk,
        student_id=world.north_student.pk, via="portal",
    )  # fmt: skip
    page = signed_in(world, "teacher").get(reverse("conferences:index")).content.decode()
    assert "Interpreter needed" in page
    assert "no free liaison speaks so" in page


def test_cancelling_is_scoped_and_opens_the_time(world: Any) -> None:
    wanted = slot(staff_of(world, "teacher"), world.north, tomorrow_at(15))
    booking = actions.do_book_slot(
        caregiver=world.north_family, slot_id=wanted.pk,
        student_id=world.north_student.pk, via="portal",
    )  # fmt: skip
    url = reverse("conferences:cancel", args=[booking.pk])
    assert signed_in(world, "other_teacher").post(url).status_code == 404
    assert Booking.objects.get().status == "booked"
    assert signed_in(world, "teacher").post(url).status_code == 302
    assert Booking.objects.get().status == "cancelled"


def test_the_liaison_sees_the_meetings_they_interpret(world: Any) -> None:
    wanted = slot(staff_of(world, "teacher"), world.north, tomorrow_at(15))
    actions.do_book_slot(
        caregiver=world.north_family, slot_id=wanted.pk,
        student_id=world.north_student.pk, via="portal",
    )  # fmt: skip
    page = signed_in(world, "liaison").get(reverse("conferences:interpreting")).content.decode()
    assert "Rosa Lopez" in page and "Room 4" in page
    teacher_page = signed_in(world, "teacher").get(reverse("conferences:interpreting"))
    assert "Rosa Lopez" not in teacher_page.content.decode()


def test_a_teacher_offers_times_only_to_their_own_families(world: Any) -> None:
    slot(staff_of(world, "teacher"), world.north, tomorrow_at(15))
    family = f"{world.north_family.pk}-{world.north_student.pk}"
    south = f"{world.south_family.pk}-{world.south_student.pk}"
    client = signed_in(world, "teacher")
    assert client.post(reverse("conferences:offer"), {"family": south}).status_code == 404
    assert client.post(reverse("conferences:offer"), {"family": family}).status_code == 302
    assert ConferenceOffer.objects.get().caregiver == world.north_family
