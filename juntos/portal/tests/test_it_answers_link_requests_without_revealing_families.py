"""Asking for a link answers the same for a known and an unknown phone or email."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from conftest import World
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m
from juntos.portal.tests.conftest import ROSA_PHONE, Ask, links_sent, without_csrf


def test_a_known_and_an_unknown_contact_get_the_same_page(rosa: m.Caregiver, ask: Ask) -> None:
    known = ask(Client(), "(555) 555-0101")  # as a family types it
    unknown = ask(Client(), "+1 555 555 0199")
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert b"If this phone number or email is known to the school" in known.content
    assert len(links_sent()) == 1
    assert OutboxEntry.objects.count() == 1


def test_an_email_is_matched_whatever_its_case(world: World, ask: Ask) -> None:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="email", value="rosa@example.org"
    )
    assert ask(Client(), " Rosa@Example.org ").status_code == 200
    assert len(links_sent("rosa@example.org")) == 1


def test_an_opted_out_phone_gets_the_same_page_and_no_text(rosa: m.Caregiver, ask: Ask) -> None:
    m.ContactPoint.objects.filter(value=ROSA_PHONE).update(opted_out_at=timezone.now())
    response = ask(Client(), ROSA_PHONE)
    assert response.status_code == 200
    assert b"If this phone number or email is known to the school" in response.content
    assert not OutboxEntry.objects.exists()


def test_unreadable_input_is_said_so_and_kept(db: None, ask: Ask) -> None:
    response = ask(Client(), "call me maybe")
    assert response.status_code == 400
    assert b"does not look like a phone number or an email" in response.content
    assert b'value="call me maybe"' in response.content
