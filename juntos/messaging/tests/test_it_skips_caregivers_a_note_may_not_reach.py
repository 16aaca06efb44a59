"""A caregiver the school may not contact about a student gets no note, and the teacher is
told who could not be reached and why."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import World
from juntos.messaging.models import Delivery, Message
from juntos.people import models as m
from juntos.testing import factories as f

URL = "/messaging/notes/new/"


def test_a_may_not_contact_caregiver_is_skipped_and_reported(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value="+15555550101", sms_capable=True
    )
    father = f.caregiver(district=world.district, given_name="Luis", preferred_language="es")
    m.ContactPoint.objects.create(
        caregiver=father, kind="phone", value="+15555550199", sms_capable=True
    )
    f.link(father, world.north_student, m.Relationship.FATHER, may_contact=False)
    # A caregiver with no phone or email: written, but reported as not reachable.
    aunt = f.caregiver(district=world.district, given_name="Carmen", channel_preferences=["sms"])
    f.link(aunt, world.north_student, m.Relationship.AUNT_UNCLE)
    client = Client()
    client.force_login(world.personas["teacher"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {
                "section": world.north_class.pk,
                "students": [world.north_student.pk],
                "kind": "positive",
                "sentence": "Ana led her group today.",
            },
        )

    assert response.status_code == 302
    assert not Message.objects.filter(conversation__caregiver=father).exists()
    assert not Delivery.objects.filter(caregiver=father).exists()
    assert Delivery.objects.get(caregiver=world.north_family).status == "delivered"
    skipped = Delivery.objects.get(caregiver=aunt)
    assert (skipped.status, skipped.skip_reason) == ("skipped", "no usable channel")

    page = client.get(response["Location"]).content.decode()
    assert "1 note on its way" in page
    assert "Could not be reached" in page
    assert 'Ana Lopez — Luis Lopez: <span class="warning">may not contact</span>' in page
    assert 'Ana Lopez — Carmen Lopez: <span class="warning">no usable channel</span>' in page
