"""A used, expired or unknown link gets a friendly page in the family's language, with the form
for a new link; opening a link (GET) uses nothing, so an SMS link preview cannot spend it."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from juntos.people import models as m
from juntos.portal.models import MagicLink
from juntos.portal.tests.conftest import ROSA_PHONE, Ask, links_sent

NEW_LINK_FORM = b'action="/family/link/"'


def test_opening_a_link_asks_first_and_uses_nothing(rosa: m.Caregiver, ask: Ask) -> None:
    ask(Client(), ROSA_PHONE)
    [token] = links_sent()
    for _ in range(3):  # a link previewer, then the family
        page = Client().get(f"/family/in/{token}/")
        assert page.status_code == 200
        assert "Presione el botón para abrir su página familiar." in page.content.decode()
        assert page["Content-Language"] == "es"
    assert MagicLink.objects.get().used_at is None
    response = Client().post(f"/family/in/{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/family/"


def test_a_used_link_is_refused_in_spanish_with_a_way_to_a_new_one(
    rosa: m.Caregiver, ask: Ask
) -> None:
    ask(Client(), ROSA_PHONE)
    [token] = links_sent()
    assert Client().post(f"/family/in/{token}/").status_code == 302
    for method in ("get", "post"):
        page = getattr(Client(), method)(f"/family/in/{token}/")
        text = page.content.decode()
        assert page.status_code == 200
        assert "Este enlace ya se usó." in text
        assert '<html lang="es"' in text
        assert NEW_LINK_FORM in page.content
        assert "Envíenme un enlace" in text


def test_an_expired_link_is_refused_in_the_caregivers_language(rosa: m.Caregiver, ask: Ask) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask(Client(), ROSA_PHONE)
        [token] = links_sent()
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        # The browser says English; the link says whose it was, and she reads Spanish.
        family = Client()
        page = family.post(f"/family/in/{token}/", HTTP_ACCEPT_LANGUAGE="en-US")
        assert family.get("/family/")["Location"] == "/family/link/"  # not signed in
    text = page.content.decode()
    assert "Este enlace es demasiado antiguo." in text
    assert NEW_LINK_FORM in page.content


def test_an_unknown_link_is_refused_in_the_browsers_language(db: None) -> None:
    page = Client().post("/family/in/made-up-token/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert page.status_code == 200
    assert "No reconocemos este enlace." in page.content.decode()
    assert NEW_LINK_FORM in page.content
