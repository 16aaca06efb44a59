"""Shared set-up for the listening-session tests: a session at North with a shipped protocol."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import World
from juntos.listening import sessions
from juntos.listening.models import ListeningSession, Protocol
from juntos.people import models as m


def staff(world: World, persona: str) -> m.Staff:
    return m.Staff.objects.get(user=world.personas[persona])


def shipped(key: str = "welcome") -> Protocol:
    return next(p for p in sessions.do_load_shipped_protocols() if p.key == key)


def make_session(world: World, **fields: Any) -> ListeningSession:
    values: dict[str, Any] = {
        "title": "Welcome night",
        "on": date(2026, 12, 3),
        "modality": ListeningSession.Modality.IN_PERSON,
        "languages": ["es", "vi"],
        "facilitators": [staff(world, "liaison")],
        "protocol": shipped(),
    } | fields
    return sessions.do_create_session(
        by=staff(world, "school_leader"), school=world.north, **values
    )
