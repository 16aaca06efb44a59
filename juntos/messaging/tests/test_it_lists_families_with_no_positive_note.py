"""The "no positive note yet" page lists the students a person can see whose families have
had no good news this school year, filterable by class and language, with a link to write one."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.messaging.notes import do_send_progress_notes
from juntos.people import models as m

URL = "/messaging/notes/no-positive-yet/"


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def give_phone(caregiver: m.Caregiver, number: str) -> None:
    m.ContactPoint.objects.create(caregiver=caregiver, kind="phone", value=number, sms_capable=True)


def test_a_teacher_sees_their_students_until_the_family_hears_good_news(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    give_phone(world.north_family, "+15555550101")
    client = client_for(world, "teacher")

    page = client.get(URL).content.decode()
    assert "Ana Lopez" in page
    assert f"/messaging/notes/new/?student={world.north_student.pk}" in page
    # Only the teacher's own class: Room 7 and South Middle are not theirs.
    assert "Minh" not in page and "Omar" not in page

    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    with django_capture_on_commit_callbacks(execute=True):
        do_send_progress_notes(
            by=teacher, student_ids=[world.north_student.pk], kind="concern", sentence="Tired."
        )
    assert "Ana Lopez" in client.get(URL).content.decode()  # a concern is not good news

    with django_capture_on_commit_callbacks(execute=True):
        do_send_progress_notes(
            by=teacher, student_ids=[world.north_student.pk], kind="positive", sentence="Kind."
        )
    page = client.get(URL).content.decode()
    assert "Ana Lopez" not in page
    assert "Every family you can see has heard good news this year." in page
    assert "Your notes this school year: 1 positive, 1 concern." in page


def test_the_composer_link_preselects_the_student(world: World) -> None:
    response = client_for(world, "teacher").get(
        f"/messaging/notes/new/?student={world.north_student.pk}"
    )

    assert f'name="students" value="{world.north_student.pk}" checked' in response.content.decode()


def test_a_leader_filters_by_class_and_language(world: World) -> None:
    client = client_for(world, "school_leader")

    page = client.get(URL).content.decode()
    assert "Ana Lopez" in page and "Minh Tran" in page
    assert "Omar" not in page  # South Middle is not the leader's school
    assert "North Elementary" in page  # the school's balance of notes

    by_language = client.get(URL, {"language": "vi"}).content.decode()
    assert "Minh Tran" in by_language and "Ana Lopez" not in by_language

    by_class = client.get(URL, {"section": world.north_class.pk}).content.decode()
    assert "Ana Lopez" in by_class and "Minh Tran" not in by_class


def test_a_class_outside_scope_is_not_a_way_in(world: World) -> None:
    response = client_for(world, "other_teacher").get(URL, {"section": world.north_class.pk})

    assert response.status_code == 200
    page = response.content.decode()
    # The filter refuses a class it does not offer; the list stays the teacher's own.
    assert "Ana" not in page
    assert "Omar Hassan" in page


def test_students_no_caregiver_may_be_contacted_about_are_counted_apart(world: World) -> None:
    m.CaregiverLink.objects.filter(student=world.north_student).update(may_contact=False)

    page = client_for(world, "teacher").get(URL).content.decode()

    assert "Ana Lopez" not in page
    assert "1 student has no caregiver the school may contact, and is not listed." in page
