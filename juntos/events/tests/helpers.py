"""Shared set-up for the events tests: an event at North, a family session, an SMS phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import Client

from conftest import World
from juntos.events import actions
from juntos.events.models import Event
from juntos.language.actions import do_remember_translation
from juntos.language.models import Method, Status
from juntos.people import models as m
from juntos.portal.session import SESSION_KEY

PHONE = "+15555550101"
TITLE = "Family Literacy Night"
TITLE_ES = "Noche de lectura en familia"
PLACE = "School library"
PLACE_ES = "Biblioteca de la escuela"
# A Thursday evening, well in the future (Chicago time: 18:00-19:30).
START = datetime(2030, 3, 7, 0, 0, tzinfo=UTC)


def staff(world: World, persona: str) -> m.Staff:
    return m.Staff.objects.get(user=world.personas[persona])


def remember_spanish(world: World) -> None:
    """What a liaison who speaks Spanish translated once (translation memory)."""
    for source, target in ((TITLE, TITLE_ES), (PLACE, PLACE_ES)):
        do_remember_translation(
            district_id=world.district.pk,
            source_language="en",
            target_language="es",
            source_text=source,
            target_text=target,
            method=Method.HUMAN,
            status=Status.REVIEWED,
        )


def make_event(world: World, *, options: int = 1, **fields: Any) -> Event:
    times = [
        (START + timedelta(days=2 * n), START + timedelta(days=2 * n, minutes=90))
        for n in range(options)
    ]
    values: dict[str, Any] = {
        "kind": Event.Kind.LITERACY_NIGHT,
        "title": TITLE,
        "learning_statement": "Families read together and take home books in their language.",
        "modality": Event.Modality.IN_PERSON,
        "place": PLACE,
        "childcare": True,
        "transport": True,
        "interpretation_languages": ["es", "vi"],
    } | fields
    return actions.do_create_event(
        by=staff(world, "school_leader"), school=world.north, time_options=times, **values
    )


def sms_phone(caregiver: m.Caregiver, phone: str = PHONE) -> None:
    m.ContactPoint.objects.create(caregiver=caregiver, kind="phone", value=phone, sms_capable=True)


def invite_class(world: World, event: Event, section: m.Section | None = None) -> int:
    return actions.do_publish_event_invitations(
        by=staff(world, "school_leader"),
        event=event,
        audience_kind="section",
        audience_ref={"ids": [(section or world.north_class).pk]},
    )


def family_client(caregiver: m.Caregiver) -> Client:
    """A browser with a family session for ``caregiver`` (as the portal's magic link sets)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = caregiver.pk
    session.save()
    return client
