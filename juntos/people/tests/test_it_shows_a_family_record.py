"""The family page shows what staff need to reach a family well, in readable form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from juntos.people.models import ContactWindow
from juntos.testing import factories as f


def test_it_shows_contacts_windows_language_and_do_not_contact(world: Any) -> None:
    family = world.north_family
    family.contacts.create(kind="phone", value="+15557436242", sms_capable=True)
    family.contacts.create(kind="email", value="rosa@example.org")
    ContactWindow.objects.create(
        caregiver=family, weekdays=[1, 3], start=dt.time(17, 0), end=dt.time(20, 0)
    )
    f.link(family, world.north_student_2, "aunt_uncle", may_contact=False)
    client = Client()
    client.force_login(world.personas["school_leader"])

    page = client.get(reverse("people:family_detail", args=[family.pk])).content.decode()

    assert "+1 555-743-6242" in page
    assert "rosa@example.org" in page
    assert "Monday, Wednesday" in page
    assert 'lang="es">español</span> (Spanish)' in page
    assert "Text message → Email" in page
    assert "Do not contact about this student" in page


def test_an_english_speaking_family_shows_its_language_once(world: Any) -> None:
    family = f.caregiver(district=world.district, given_name="Sam", preferred_language="en")
    f.link(family, world.north_student)
    client = Client()
    client.force_login(world.personas["teacher"])
    page = client.get(reverse("people:family_detail", args=[family.pk])).content.decode()
    assert "English (English)" not in page
    assert 'lang="en">English</span>' in page
