"""A signed-in family sees their children's teachers' open times and books one, in their
language; a time taken meanwhile is refused with the others listed."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from juntos.conferences.models import Booking
from juntos.conferences.tests.helpers import slot, staff_of, tomorrow_at
from juntos.people import models as m
from juntos.portal.session import SESSION_KEY


def family_client(caregiver: m.Caregiver) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = caregiver.pk
    session.save()
    return client


def test_a_family_books_a_time_in_spanish(world: Any) -> None:
    teacher = staff_of(world, "teacher")
    first = slot(teacher, world.north, tomorrow_at(15))
    slot(staff_of(world, "other_teacher"), world.south, tomorrow_at(16))  # not their teacher
    client = family_client(world.north_family)
    page = client.get(reverse("conferences:family_book"))
    text = page.content.decode()
    assert f"Elija un horario para reunirse con {teacher.display_name} sobre Ana Lopez." in text
    assert "15:00" in text and "16:00" not in text
    assert page["Content-Language"] == "es"
    response = client.post(
        reverse("conferences:family_book"),
        {"slot": first.pk, "student": world.north_student.pk},
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.caregiver, booking.created_via) == (world.north_family, "portal")
    after = client.get(reverse("conferences:family_book")).content.decode()
    assert "Reservado: su reunión con" in after


def test_a_time_taken_meanwhile_is_refused_in_the_familys_language(world: Any) -> None:
    teacher = staff_of(world, "teacher")
    first = slot(teacher, world.north, tomorrow_at(15))
    slot(teacher, world.north, tomorrow_at(15, 30))
    Booking.objects.create(
        slot=first, caregiver=world.north_family_2, student=world.north_student_2,
        starts_at=first.starts_at, ends_at=first.ends_at, created_via="staff",
    )  # fmt: skip
    response = family_client(world.north_family).post(
        reverse("conferences:family_book"),
        {"slot": first.pk, "student": world.north_student.pk},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Lo sentimos, ese horario ya no está disponible. Otros horarios:" in text
    assert "15:30" in text


def test_another_familys_child_or_teacher_is_not_found(world: Any) -> None:
    south = slot(staff_of(world, "other_teacher"), world.south, tomorrow_at(15))
    client = family_client(world.north_family)
    for data in (
        {"slot": south.pk, "student": world.north_student.pk},
        {"slot": south.pk, "student": world.south_student.pk},
        {"slot": "x", "student": "1"},
    ):
        assert client.post(reverse("conferences:family_book"), data).status_code == 404
    assert not Booking.objects.exists()


def test_with_no_open_time_the_page_says_so_in_vietnamese(world: Any) -> None:
    page = family_client(world.north_family_2).get(reverse("conferences:family_book"))
    assert "Hiện chưa có giờ gặp nào còn trống." in page.content.decode()


def test_staff_and_strangers_are_sent_to_the_family_sign_in(world: Any) -> None:
    response = Client().get(reverse("conferences:family_book"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:request_link")
