"""Issue 5 acceptance: Rosa reads Spanish. The school invites her child's class to a literacy
night; the invitation waits in the local outbox in Spanish. She asks for a link to her family
page, opens it on a phone whose browser asks for English, and everything she reads is Spanish
(the page language is hers, not the browser's). Her family page lists the event; on the event
page she answers yes with childcare for two children; back on her family page she writes to the
teacher in Spanish. The teacher sees her reply in the inbox, and the event page shows her answer
and the childcare count. No family page she visits has a serious axe violation.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.events.models import Rsvp
from juntos.events.tests.helpers import TITLE_ES, invite_class, make_event, remember_spanish
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m
from juntos.portal.actions import do_send_magic_link
from juntos.testing.browser import (
    BrowserPages,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser

ROSA_PHONE = "+15555550101"
REPLY = "Gracias por la invitación. Iremos con mis dos hijos a la noche de lectura."
LINK = re.compile(r"(https?://\S+?/family/in/[A-Za-z0-9_-]+/)")


def assert_accessible(page: Page) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)


def test_it_answers_an_event_invitation_in_spanish(
    world: World, live_server: LiveServer, pages: BrowserPages, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    rosa = world.north_family
    assert rosa.preferred_language == "es"
    m.ContactPoint.objects.create(caregiver=rosa, kind="phone", value=ROSA_PHONE, sms_capable=True)

    # The school leader publishes a literacy night to Room 4 (creating one through the pages
    # is test_it_invites_a_family_to_an_event's subject).
    remember_spanish(world)
    event = make_event(world, options=2)
    assert invite_class(world, event) == 1
    invitation = OutboxEntry.objects.get(to=ROSA_PHONE)
    assert invitation.language == "es"
    assert f"Le invitamos a {TITLE_ES} en North Elementary" in invitation.body

    # Rosa asks for a link to her family page; it reaches her phone.
    do_send_magic_link(caregiver=rosa, channel="sms", base_url=live_server.url + "/")
    entry = OutboxEntry.objects.filter(to=ROSA_PHONE).exclude(pk=invitation.pk).get()
    match = LINK.search(entry.body)
    assert match is not None, entry.body

    # Her phone's browser sends Accept-Language: en-US (BrowserPages pins it).
    phone = pages.new_page()
    phone.goto(match.group(1))
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hola, Rosa")
    assert_accessible(phone)
    phone.get_by_role("button", name="Abrir mi página familiar").click()
    expect(phone).to_have_url(live_server.url + "/family/")
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    events = phone.get_by_role("list", name="Eventos a los que está invitado")
    expect(events).to_contain_text("Todavía no ha respondido.")
    assert_accessible(phone)

    # The event page, in Spanish: yes, the first evening, childcare for two children.
    events.get_by_role("link", name=TITLE_ES).click()
    expect(phone).to_have_url(f"{live_server.url}/events/e/{event.pk}/")
    # The whole event page is in the family's language, not the browser's.
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.locator('div[lang="es"] #invitation')).to_contain_text(
        f"Le invitamos a {TITLE_ES}"
    )
    assert_accessible(phone)
    phone.get_by_label("Sí, iré").check()
    phone.get_by_role("radio", name=re.compile(r"^\(1\) 6 de marzo de 2030")).check()
    phone.get_by_label("¿Cuántos niños necesitan cuidado infantil?").fill("2")
    phone.get_by_role("button", name="Enviar mi respuesta").click()
    expect(phone.locator("#rsvp-saved")).to_contain_text("Gracias, guardamos su respuesta")
    rsvp = Rsvp.objects.get(event=event, caregiver=rosa)
    assert (rsvp.answer, rsvp.childcare_children, rsvp.channel) == ("yes", 2, "portal")

    # Back on her family page: her answer, then a message to the teacher in Spanish.
    phone.goto(live_server.url + "/family/")
    expect(phone.get_by_role("list", name="Eventos a los que está invitado")).to_contain_text(
        "Su respuesta: sí"
    )
    phone.get_by_label("Su mensaje, en su idioma").fill(REPLY)
    phone.get_by_role("button", name="Enviar", exact=True).click()
    expect(phone.get_by_role("status")).to_have_text("Enviado. La escuela le responderá.")
    expect(phone.get_by_text(REPLY)).to_be_visible()
    assert_accessible(phone)

    # The teacher, on another device: the reply in the inbox, the answer on the event page.
    teacher = pages.new_page()
    sign_in(teacher, live_server.url, username="teacher", password=PASSWORD)
    teacher.goto(live_server.url + "/messaging/inbox/")
    teacher.get_by_role("link", name=rosa.display_name).click()
    expect(teacher.get_by_text(REPLY)).to_be_visible()
    teacher.goto(f"{live_server.url}/events/{event.pk}/")
    expect(teacher.get_by_test_id("childcare-total")).to_have_text("2")
    expect(teacher.locator("#rsvps")).to_contain_text("Rosa")
    expect(teacher.locator("#rsvps")).to_contain_text("childcare for 2 children")
