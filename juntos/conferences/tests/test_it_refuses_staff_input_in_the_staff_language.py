"""A refused conference or event explains itself in the staff member's language."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.utils import translation

from juntos.conferences.actions import ConferenceError, plan_day
from juntos.events.tests.helpers import make_event
from juntos.messaging.actions import InputError


def test_conference_refusals_follow_the_active_language() -> None:
    with translation.override("es"), pytest.raises(ConferenceError) as refused:
        plan_day(day=date(2030, 1, 7), start=time(15), end=time(16), minutes=1,
                 time_zone="America/Chicago")  # fmt: skip
    assert refused.value.message == "Una reunión dura entre 5 y 240 minutos."
    with pytest.raises(ConferenceError) as english:
        plan_day(day=date(2030, 1, 7), start=time(15), end=time(16), minutes=1,
                 time_zone="America/Chicago")  # fmt: skip
    assert english.value.message == "A meeting lasts between 5 and 240 minutes."


def test_event_refusals_follow_the_active_language(world: Any) -> None:
    with translation.override("es"), pytest.raises(InputError) as refused:
        make_event(world, title=" ", capacity=0)
    assert refused.value.errors["title"] == "Dé un título al evento."
    assert refused.value.errors["capacity"] == "La capacidad debe ser al menos 1, o quedar vacía."
