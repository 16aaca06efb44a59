"""A liaison corrects a family's phone number, email and language from the worklist; the next
announcement uses the corrected data."""

from __future__ import annotations

from django.test import Client

from conftest import World
from juntos.messaging import actions as messaging
from juntos.messaging.models import Delivery
from juntos.people import models as m

OLD, NEW = "+15555550111", "+15555550222"


def announce(world: World) -> Delivery:
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    announcement = messaging.do_send_announcement(
        by=leader, audience_kind="section", audience_ref={"ids": [world.north_class.pk]},
        body="Picture day is Friday.", source_language="en",
    )  # fmt: skip
    return Delivery.objects.get(message__announcement=announcement, caregiver=world.north_family)


def test_it_corrects_contact_data_for_the_next_announcement(world: World) -> None:
    rosa = world.north_family
    m.ContactPoint.objects.create(caregiver=rosa, kind="phone", value=OLD, sms_capable=True)
    assert announce(world).to == OLD
    liaison = Client()
    liaison.force_login(world.personas["liaison"])
    url = f"/insights/unreached/{world.north_student.pk}/contact/"

    bad = liaison.post(url, {"caregiver": rosa.pk, "phone": "not a number"})
    assert bad.status_code == 400
    assert "Enter a phone number" in bad.content.decode()
    nothing = liaison.post(url, {"caregiver": rosa.pk})
    assert nothing.status_code == 400
    # Not an adult of this student's family.
    other = liaison.post(url, {"caregiver": world.south_family.pk, "phone": NEW})
    assert other.status_code == 400
    assert not m.ContactPoint.objects.filter(value=NEW).exists()

    done = liaison.post(url, {"caregiver": rosa.pk, "phone": "(555) 555-0222",
                              "sms_capable": "on", "language": "pt"})  # fmt: skip
    assert done.status_code == 302
    # In place: one phone, the new number.
    assert list(rosa.contacts.values_list("kind", "value")) == [("phone", NEW)]
    rosa.refresh_from_db()
    assert rosa.preferred_language == "pt"
    delivery = announce(world)
    assert (delivery.channel, delivery.to, delivery.language) == ("sms", NEW, "pt")

    # An email for a family whose only preference is text: email is added as a channel.
    liaison.post(url, {"caregiver": rosa.pk, "email": "Rosa@Example.org"})
    rosa.refresh_from_db()
    assert rosa.contacts.get(kind="email").value == "rosa@example.org"
    assert rosa.channel_preferences == ["sms", "email"]
    entries = m.AuditEntry.objects.filter(object_type="caregiver", object_id=rosa.pk,
                                          action="change")  # fmt: skip
    assert [e.context.rsplit(" ", 1)[-1] for e in entries.order_by("pk")] == [
        "phone,language", "email",
    ]  # fmt: skip


def test_a_correction_is_not_consent_for_a_number_that_opted_out(world: World) -> None:
    from django.utils import timezone

    rosa = world.north_family
    m.ContactPoint.objects.create(caregiver=rosa, kind="phone", value=OLD, sms_capable=True)
    m.ContactPoint.objects.create(caregiver=rosa, kind="phone", value=NEW, sms_capable=True,
                                  opted_out_at=timezone.now())  # fmt: skip
    liaison = Client()
    liaison.force_login(world.personas["liaison"])
    liaison.post(f"/insights/unreached/{world.north_student.pk}/contact/",
                 {"caregiver": rosa.pk, "phone": NEW, "sms_capable": "on"})  # fmt: skip
    point = rosa.contacts.get()
    assert point.value == NEW and point.opted_out_at is not None
