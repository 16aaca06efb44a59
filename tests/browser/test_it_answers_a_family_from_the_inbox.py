"""The acceptance flow of the inbox: a correctly signed Twilio webhook with Spanish text from a
known caregiver appears in the owner's inbox with language es and an English rendition; the
owner opens it on a phone, replies, and sees the reply in the thread with what the family got.

The SMS arrives the way Twilio delivers it: a signed form POST over HTTP to the live server.
Machine translation goes to a local LibreTranslate-protocol server (``[en] HOLA …``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.messaging.models import Delivery, Message
from juntos.people import models as m
from juntos.testing.browser import (
    BrowserPages,
    assert_assets_loaded,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)
from juntos.testing.translation_servers import LibreTranslateServer
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio_over_http

pytestmark = pytest.mark.browser

ROSA_PHONE = "+15555550101"
SPANISH = "Hola maestra, mi hija no podrá ir a la escuela mañana porque tiene cita con el médico."
REPLY = "Thank you for telling me. I hope the appointment goes well."


@pytest.fixture
def libre(settings: Settings) -> Iterator[LibreTranslateServer]:
    with LibreTranslateServer(api_key="k") as server:
        settings.TRANSLATION_PROVIDER = "libretranslate"
        settings.LIBRETRANSLATE_URL = server.url
        settings.LIBRETRANSLATE_API_KEY = "k"
        yield server


@pytest.fixture
def rosa(world: World, settings: Settings, libre: LibreTranslateServer) -> m.Caregiver:
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = ""
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=ROSA_PHONE, sms_capable=True
    )
    return world.north_family


def post_signed_sms(base_url: str, params: dict[str, str]) -> int:
    return post_twilio_over_http(base_url, "/messaging/twilio/sms/", params)


def test_it_answers_a_family_from_the_inbox(
    live_server: LiveServer, page: Page, world: World, rosa: m.Caregiver
) -> None:
    status = post_signed_sms(
        live_server.url,
        {"MessageSid": "SM1", "From": ROSA_PHONE, "To": "+15005550006", "Body": SPANISH},
    )
    assert status == 200
    message = Message.objects.get(direction="in")
    assert message.language == "es"

    sign_in(page, live_server.url, username="teacher", password=PASSWORD)
    page.goto(f"{live_server.url}/messaging/inbox/")
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
    row = page.locator(f'tr[data-conversation="{message.conversation_id}"]')
    expect(row).to_contain_text("Rosa Lopez")
    expect(row).to_contain_text("(Spanish)")
    # The preview is the English rendition, marked as English.
    expect(row.locator('span[lang="en"]')).to_contain_text("[en] HOLA MAESTRA")
    expect(page.locator('[data-count="unread"]')).to_have_text("1")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)

    # The status filter narrows the list in place (htmx) and keeps a working URL.
    page.get_by_label("Status").select_option("unanswered")
    expect(page).to_have_url(re.compile(r"/messaging/inbox/\?show=mine&status=unanswered&"))
    expect(row).to_be_visible()

    row.get_by_role("link", name="Rosa Lopez").click()
    expect(page.get_by_role("heading", level=1, name="Rosa Lopez")).to_be_visible()
    family = page.locator(f'li[data-message="{message.pk}"]')
    expect(family.locator('blockquote[lang="es"]')).to_have_text(SPANISH)
    expect(family).to_contain_text("written in Spanish")
    expect(family).to_contain_text("In English (machine-translated)")
    expect(family.locator('blockquote[lang="en"]')).to_contain_text("[en] HOLA MAESTRA")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)

    box = page.get_by_label("Your reply (the family receives it in Spanish)")
    box.fill(REPLY)
    expect(page.locator("#segments")).to_contain_text("59 characters: 1 SMS segment")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Your reply is on its way.")
    latest = page.locator("#latest")
    expect(latest).to_contain_text(REPLY)
    latest.get_by_text("What the family received, in Spanish").click()
    expect(latest.locator('blockquote[lang="es"]')).to_contain_text("[es] THANK YOU")
    expect(latest).to_contain_text("machine-translated")
    reply = Message.objects.get(direction="out", kind="reply")
    assert Delivery.objects.get(message=reply).language == "es"

    # Answered: the inbox's unanswered filter is now empty.
    page.get_by_role("link", name="Back to the inbox").click()
    expect(page.locator('[data-count="unanswered"]')).to_have_text("0")


def test_the_inbox_works_without_javascript(
    live_server: LiveServer, pages: BrowserPages, world: World, rosa: m.Caregiver
) -> None:
    post_signed_sms(
        live_server.url,
        {"MessageSid": "SM2", "From": ROSA_PHONE, "To": "+15005550006", "Body": SPANISH},
    )
    page = pages.new_page(java_script_enabled=False)
    sign_in(page, live_server.url, username="teacher", password=PASSWORD)
    page.goto(f"{live_server.url}/messaging/inbox/")
    page.get_by_label("Status").select_option("unanswered")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"status=unanswered"))
    page.get_by_role("link", name="Rosa Lopez").click()
    box = page.get_by_label("Your reply (the family receives it in Spanish)")
    box.fill("   ")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_have_text("Write a message before sending.")
    assert not Message.objects.filter(direction="out").exists()


def test_a_liaison_moves_a_stray_text_from_triage_to_the_family(
    live_server: LiveServer, page: Page, world: World, rosa: m.Caregiver
) -> None:
    stray = "+15555550199"
    post_signed_sms(
        live_server.url,
        {"MessageSid": "SM3", "From": stray, "To": "+15005550006",
         "Body": "Hola, soy la mamá de Ana, este es mi número nuevo."},
    )  # fmt: skip
    message = Message.objects.get(direction="in")
    assert message.conversation is None
    sign_in(page, live_server.url, username="liaison", password=PASSWORD)
    page.goto(f"{live_server.url}/messaging/triage/")
    item = page.locator(f'li[data-message="{message.pk}"]')
    expect(item).to_contain_text("mi número nuevo")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)
    item.get_by_label("Find the family (name, student or phone)").fill("Rosa")
    item.get_by_role("button", name="Find").click()
    item.get_by_label("Add this number or address to the family's contacts").check()
    item.get_by_role("button", name="Move to Rosa Lopez").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The message is now in the conversation with Rosa Lopez."
    )
    expect(page.get_by_role("heading", level=1, name="Rosa Lopez")).to_be_visible()
    expect(page.locator(f'li[data-message="{message.pk}"]')).to_contain_text("mi número nuevo")
    assert m.ContactPoint.objects.filter(caregiver=rosa, value=stray).exists()
