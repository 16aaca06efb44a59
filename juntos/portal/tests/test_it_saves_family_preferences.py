"""A family sets their own language, channels, contact windows, texts on or off per number and
access needs; a mistake is said in their language and nothing is saved."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.test import Client

from juntos.people import models as m
from juntos.portal.tests.conftest import ROSA_PHONE, Ask, signed_in


def form(rosa: m.Caregiver, **changes: Any) -> dict[str, Any]:
    phone = m.ContactPoint.objects.get(caregiver=rosa, value=ROSA_PHONE)
    data: dict[str, Any] = {
        "language": "es",
        "channel_1": "email",
        "channel_2": "sms",
        "channel_3": "",
        "channel_4": "",
        "window_0_days": ["1", "2", "3", "4", "5"],
        "window_0_start": "17:30",
        "window_0_end": "20:00",
        f"texts_{phone.pk}": "on",
        "needs_interpretation": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_family_saves_their_preferences(rosa: m.Caregiver, ask: Ask) -> None:
    family = signed_in(Client(), ask)
    page = family.get("/family/preferences/")
    assert page.status_code == 200
    assert '<option value="ar" lang="ar">العربية</option>' in page.content.decode()
    response = family.post("/family/preferences/", form(rosa))
    assert response.status_code == 302
    rosa.refresh_from_db()
    assert rosa.channel_preferences == ["email", "sms"]
    assert rosa.needs_interpretation and not rosa.needs_childcare
    [window] = m.ContactWindow.objects.filter(caregiver=rosa)
    assert (window.weekdays, window.start, window.end) == ([1, 2, 3, 4, 5], time(17, 30), time(20))
    assert "Guardado." in family.get(response["Location"]).content.decode()


def test_stop_and_start_per_number(rosa: m.Caregiver, ask: Ask) -> None:
    family = signed_in(Client(), ask)
    phone = m.ContactPoint.objects.get(value=ROSA_PHONE)
    assert (
        family.post("/family/preferences/", form(rosa, **{f"texts_{phone.pk}": None})).status_code
        == 302
    )
    phone.refresh_from_db()
    assert phone.opted_out_at is not None
    assert family.post("/family/preferences/", form(rosa)).status_code == 302
    phone.refresh_from_db()
    rosa.refresh_from_db()
    assert phone.opted_out_at is None
    assert rosa.sms_consent_method == m.Caregiver.ConsentMethod.PORTAL


def test_a_new_language_takes_effect_on_the_next_page(rosa: m.Caregiver, ask: Ask) -> None:
    family = signed_in(Client(), ask)
    family.post("/family/preferences/", form(rosa, language="ar"))
    rosa.refresh_from_db()
    assert rosa.preferred_language == "ar"
    assert '<html lang="ar" dir="rtl">' in family.get("/family/").content.decode()


def test_mistakes_are_said_in_spanish_and_nothing_is_saved(rosa: m.Caregiver, ask: Ask) -> None:
    family = signed_in(Client(), ask)
    bad = form(rosa, channel_2="email", window_0_start="21:00", language="ar")
    response = family.post("/family/preferences/", bad)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Elija cada forma solo una vez." in text
    assert "La hora de fin debe ser después de la hora de inicio." in text
    assert 'value="21:00"' in text  # what she typed is still there
    rosa.refresh_from_db()
    assert rosa.preferred_language == "es"
    assert rosa.channel_preferences == ["sms", "email"]
    assert not m.ContactWindow.objects.filter(caregiver=rosa).exists()
    none = family.post("/family/preferences/", form(rosa, channel_1="", channel_2=""))
    assert "Elija al menos una forma de comunicarnos con usted." in none.content.decode()
