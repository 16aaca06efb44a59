"""The family portal in a real browser, on a phone-sized screen.

Rosa reads Spanish. She picks Español on the home page, asks for a link with her phone number,
the link reaches her (the local outbox) in Spanish, opening it and pressing the button signs her
in, her page speaks Spanish, and the message she writes there waits in her child's teacher's
inbox. An Arabic browser gets the home page right to left, with no serious axe violation.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.messaging.models import Conversation, Message, OutboxEntry
from juntos.people import models as m
from juntos.testing.browser import (
    MOBILE_VIEWPORT,
    BrowserPages,
    PageWatch,
    assert_assets_loaded,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser

ROSA_PHONE = "+15555550101"
REPLY = "Gracias por avisarme. Ana va a llevar el libro mañana."
LINK = re.compile(r"(https?://\S+?/family/in/[A-Za-z0-9_-]+/)")


@pytest.fixture
def rosa(world: World) -> m.Caregiver:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=ROSA_PHONE, sms_capable=True
    )
    return world.north_family


def test_a_spanish_speaking_mother_signs_in_and_writes_to_the_teacher(
    live_server: LiveServer, pages: BrowserPages, world: World, rosa: m.Caregiver
) -> None:
    page = pages.new_page()
    page.goto(live_server.url + "/")
    assert_assets_loaded(page)
    page.get_by_role("navigation", name="Language").get_by_role("link", name="español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Su número de celular o su correo electrónico").fill("(555) 555-0101")
    page.get_by_role("button", name="Envíenme un enlace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise sus mensajes")

    entry = OutboxEntry.objects.get(to=ROSA_PHONE)
    assert entry.language == "es"
    assert entry.body.startswith("Su enlace privado a la página familiar de North Elementary")
    match = LINK.search(entry.body)
    assert match is not None
    link = match.group(1)
    assert link.startswith(live_server.url)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Rosa")
    page.get_by_role("button", name="Abrir mi página familiar").click()
    expect(page).to_have_url(live_server.url + "/family/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text("Todavía no hay mensajes.")).to_be_visible()
    page.get_by_label("Su mensaje, en su idioma").fill(REPLY)
    page.get_by_role("button", name="Enviar", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Enviado. La escuela le responderá.")
    expect(page.get_by_text(REPLY)).to_be_visible()
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)

    # The link worked once: opening it again is refused kindly, with a way to a new one.
    again = pages.new_page()
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text("Este enlace ya no funciona")
    expect(again.get_by_role("button", name="Envíenme un enlace")).to_be_visible()

    conversation = Conversation.objects.get(caregiver=rosa)
    assert conversation.owner is not None
    assert conversation.owner.user == world.personas["teacher"]
    assert Message.objects.get(conversation=conversation).body == REPLY

    teacher = pages.new_page()
    sign_in(teacher, live_server.url, username="teacher", password=PASSWORD)
    teacher.goto(live_server.url + "/messaging/inbox/")
    teacher.get_by_role("link", name=rosa.display_name).click()
    expect(teacher.get_by_text(REPLY)).to_be_visible()


def test_an_arabic_browser_gets_the_home_page_right_to_left(
    live_server: LiveServer, browser: Browser, world: World
) -> None:
    # Its own context: BrowserPages pins the browser to en-US, and Chromium's locale is what
    # sets the Accept-Language header a family's phone sends.
    context = browser.new_context(locale="ar-EG", viewport=MOBILE_VIEWPORT)
    page = context.new_page()
    watch = PageWatch().attach(page)
    try:
        _check_arabic_home(page, live_server)
        watch.assert_clean()
    finally:
        context.close()


def _check_arabic_home(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    assert_assets_loaded(page)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.get_by_role("link", name="العربية")).to_have_attribute("aria-current", "true")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)
