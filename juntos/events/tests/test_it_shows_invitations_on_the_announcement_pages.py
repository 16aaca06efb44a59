"""An invitation is an announcement to its audience: the list, the page with its previews and
the delivery report show it, and sending it again does nothing."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.events.tests.helpers import TITLE, invite_class, make_event, sms_phone
from juntos.messaging.models import Announcement, Delivery


def test_the_invitation_appears_with_its_delivery_report(world: World) -> None:
    sms_phone(world.north_family)
    event = make_event(world)
    invite_class(world, event)
    # Inviting the same class again invites nobody twice and sends nothing more.
    assert invite_class(world, event) == 0
    announcement = Announcement.objects.get()
    assert (announcement.subject, announcement.status) == (TITLE, "sent")
    assert announcement.body.startswith(f"You are invited to {TITLE} at North Elementary")
    assert Delivery.objects.count() == 1

    client = Client()
    client.force_login(world.personas["school_leader"])
    assert TITLE in client.get("/messaging/announcements/").content.decode()
    for path in ("", "report/"):
        response = client.get(f"/messaging/announcements/{announcement.pk}/{path}")
        assert response.status_code == 200, path
    client.post(f"/messaging/announcements/{announcement.pk}/send/")
    assert Delivery.objects.count() == 1
