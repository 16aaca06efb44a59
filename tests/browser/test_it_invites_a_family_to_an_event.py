"""A school leader creates a literacy night with two times and childcare and invites Room 4; the
Spanish-speaking family's invitation is in the local outbox in Spanish; the family opens its
link (a family session, as the portal's magic link starts), answers yes with childcare for two
children, and the leader sees the answer and the childcare count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.events.models import Event, Rsvp
from juntos.events.tests.helpers import PLACE, TITLE, TITLE_ES, remember_spanish, sms_phone
from juntos.portal.session import SESSION_KEY
from juntos.testing.browser import (
    BrowserPages,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser


def family_page(pages: BrowserPages, live_server: LiveServer, caregiver_id: int) -> Page:
    """A phone whose browser holds a family session for the caregiver."""
    store = SessionStore()
    store[SESSION_KEY] = caregiver_id
    store.create()
    page = pages.new_page()
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": str(store.session_key),
                "url": live_server.url,
            }
        ]
    )
    return page


def test_it_invites_a_family_to_an_event(
    world: World, live_server: LiveServer, page: Page, pages: BrowserPages, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    remember_spanish(world)
    sms_phone(world.north_family)

    sign_in(page, live_server.url, username="leader", password=PASSWORD)
    page.goto(f"{live_server.url}/events/new/")
    page.get_by_label("School").select_option(label="North Elementary")
    page.get_by_label("Kind of event").select_option(label="Literacy night")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("How this supports children's learning").fill(
        "Families read together and take home books in their language."
    )
    page.get_by_label("Place").fill(PLACE)
    page.get_by_label("Childcare").check()
    page.locator("input[name=option_1_date]").fill("2030-03-06")
    page.locator("input[name=option_1_start]").fill("18:00")
    page.locator("input[name=option_1_end]").fill("19:30")
    page.locator("input[name=option_2_date]").fill("2030-03-08")
    page.locator("input[name=option_2_start]").fill("17:00")
    page.locator("input[name=option_2_end]").fill("18:30")
    page.get_by_role("button", name="Create event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    event = Event.objects.get()

    page.get_by_label("Invite").select_option(label="Room 4")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status")).to_contain_text("1 families invited.")

    # The local outbox holds the text message, in Spanish, with the link to the event page.
    page.goto(f"{live_server.url}/messaging/outbox/")
    spanish = page.locator('.outbox-entry[data-language="es"] blockquote')
    expect(spanish).to_contain_text(f"Le invitamos a {TITLE_ES} en North Elementary")
    body = spanish.inner_text()
    link = re.search(r"https?://\S+/events/e/\d+/", body)
    assert link is not None, body

    phone = family_page(pages, live_server, world.north_family.pk)
    phone.goto(link.group(0))
    expect(phone.locator("#invitation")).to_contain_text(f"Le invitamos a {TITLE_ES}")
    violations = serious_accessibility_violations(phone)
    assert not violations, describe_violations(violations)
    phone.get_by_label("Sí, iré").check()
    phone.get_by_role("radio", name=re.compile(r"^\(1\) 6 de marzo de 2030")).check()
    phone.get_by_label("¿Cuántos niños necesitan cuidado infantil?").fill("2")
    phone.get_by_role("button", name="Enviar mi respuesta").click()
    expect(phone.locator("#rsvp-saved")).to_contain_text("Gracias, guardamos su respuesta")

    rsvp = Rsvp.objects.get(event=event)
    assert (rsvp.answer, rsvp.childcare_children, rsvp.channel) == ("yes", 2, "portal")
    page.goto(f"{live_server.url}/events/{event.pk}/")
    expect(page.get_by_test_id("childcare-total")).to_have_text("2")
    expect(page.locator("#rsvps")).to_contain_text("Rosa")
    expect(page.locator("#rsvps")).to_contain_text("childcare for 2 children")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)

    # At the door, on the leader's phone: find the family and tap "Here".
    page.get_by_role("link", name="Attendance at the door").click()
    page.get_by_label("Find a family").fill("Ros")
    page.get_by_role("button", name="Mark Rosa Lopez here").click()
    expect(page.locator("#families")).to_contain_text("here")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)
