"""A teacher sends a positive note to a Vietnamese-speaking grandmother from a phone, reads it
in the local outbox in Vietnamese with its provenance, and sees her reply in the conversation.

The reply arrives the way Twilio delivers it: a signed form POST over HTTP to the live server's
webhook (the signature computed with Twilio's own algorithm over the live server's URL).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.language.models import TranslationMemory
from juntos.language.templates_library import source_hash
from juntos.messaging.models import Conversation, Message
from juntos.people import models as m
from juntos.testing.browser import (
    BrowserPages,
    assert_assets_loaded,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio_over_http

pytestmark = pytest.mark.browser

LAN_PHONE = "+15555550102"
SENTENCE = "Minh read his story aloud to the whole class today."
VIETNAMESE = "Hôm nay Minh đã đọc to câu chuyện của em cho cả lớp nghe."
REPLY = "Cảm ơn cô rất nhiều! Gia đình chúng tôi rất vui khi nghe tin này về cháu Minh."


@pytest.fixture
def lan(world: World, settings: Settings) -> m.Caregiver:
    """Minh (Room 7) lives with his grandmother Lan, who reads Vietnamese and texts."""
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.PUBLIC_BASE_URL = ""
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    m.SectionAssignment.objects.create(staff=teacher, section=world.north_class_2)
    m.ContactPoint.objects.create(
        caregiver=world.north_family_2, kind="phone", value=LAN_PHONE, sms_capable=True
    )
    # The school's liaison translated this sentence before: translation memory has it.
    TranslationMemory.objects.create(
        district=world.district, source_language="en", target_language="vi",
        source_hash=source_hash(SENTENCE), source_text=SENTENCE, target_text=VIETNAMESE,
        method="human", status="reviewed", reviewed_by=world.personas["liaison"],
        reviewed_at=timezone.now(),
    )  # fmt: skip
    return world.north_family_2


def post_signed_sms(base_url: str, params: dict[str, str]) -> int:
    return post_twilio_over_http(base_url, "/messaging/twilio/sms/", params)


def test_it_sends_a_positive_note_in_vietnamese(
    live_server: LiveServer, page: Page, world: World, lan: m.Caregiver
) -> None:
    sign_in(page, live_server.url, username="teacher", password=PASSWORD)
    page.goto(f"{live_server.url}/messaging/notes/new/")
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", level=1, name="Progress note")).to_be_visible()
    expect(page.locator("#own-balance")).to_contain_text("0 positive, 0 concern")

    # Choosing Room 7 reloads the class (no button press needed with JavaScript).
    page.get_by_label("Class").select_option(label="Room 7 · North Elementary")
    minh = page.locator("label.pick", has_text="Minh Tran")
    expect(minh).to_contain_text("no positive note yet this year")
    minh.click()
    expect(minh.locator("input")).to_be_checked()
    # Positive comes first and is already chosen.
    expect(page.get_by_role("radio", name="Positive note")).to_be_checked()
    page.get_by_label("One sentence about the student, in your words").fill(SENTENCE)
    expect(page.locator("#sentence-count")).to_have_text(f"{len(SENTENCE)} of 300 characters")

    # The preview follows the typing: the Vietnamese the family will read, and how it was made.
    preview = page.locator("#note-preview article[data-language='vi']")
    expect(preview).to_contain_text(VIETNAMESE)
    expect(preview).to_contain_text("Tin vui về em Minh từ")
    expect(preview).to_contain_text("Your sentence: translation memory (reviewed)")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)

    page.get_by_role("button", name="Send notes").click()
    expect(page.get_by_role("heading", name="Positive notes sent")).to_be_visible()
    confirmation = page.locator("section.confirmation")
    expect(confirmation).to_contain_text("1 note on its way")
    expect(confirmation).to_contain_text("Vietnamese (Tiếng Việt)")
    expect(confirmation).to_contain_text("SMS")
    expect(confirmation).to_contain_text("Delivered: 1")
    expect(page.locator("#own-balance")).to_contain_text("1 positive, 0 concern")

    # The local outbox: what Lan's phone would have received, in Vietnamese, with provenance.
    page.get_by_role("link", name="See what was sent in the outbox").click()
    entry = page.locator("li.outbox-entry").first
    expect(entry).to_contain_text("Lan Tran")
    expect(entry).to_contain_text(LAN_PHONE)
    expect(entry).to_contain_text("Vietnamese (Tiếng Việt)")
    expect(entry.locator("blockquote[lang='vi']")).to_contain_text(
        f"Tin vui về em Minh từ {world.personas['teacher'].staff.display_name}: {VIETNAMESE}"
    )
    expect(entry).to_contain_text("message template")
    expect(entry).to_contain_text("Teacher's sentence")
    expect(entry).to_contain_text("translation memory (reviewed)")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)

    # Lan answers by SMS.
    assert post_signed_sms(
        live_server.url,
        {"MessageSid": "SMreply1", "From": LAN_PHONE, "To": "+15005550006", "Body": REPLY},
    ) == 200  # fmt: skip
    conversation = Conversation.objects.get(caregiver=lan)
    reply = Message.objects.get(conversation=conversation, direction="in")
    assert (reply.body, reply.language) == (REPLY, "vi")

    # The reply waits in the teacher's inbox; the thread shows it under the note.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    row = page.locator("tr", has_text="Lan Tran")
    expect(row).to_contain_text("1 unread")
    row.get_by_role("link", name="Lan Tran").click()
    expect(page).to_have_url(re.compile(rf"/messaging/conversations/{conversation.pk}/$"))
    family_message = page.locator(f"li[data-message='{reply.pk}']")
    expect(family_message).to_contain_text(REPLY)
    expect(family_message).to_contain_text("Lan Tran")
    expect(page.locator("li[data-direction='out']").first).to_contain_text(SENTENCE)


def test_it_sends_a_note_without_javascript(
    live_server: LiveServer, pages: BrowserPages, world: World, lan: m.Caregiver
) -> None:
    page = pages.new_page(java_script_enabled=False)
    sign_in(page, live_server.url, username="teacher", password=PASSWORD)
    page.goto(f"{live_server.url}/messaging/notes/new/")
    page.get_by_label("Class").select_option(label="Room 7 · North Elementary")
    page.get_by_role("button", name="Show class").click()
    page.locator("label.pick", has_text="Minh Tran").click()
    page.get_by_label("One sentence about the student, in your words").fill(SENTENCE)

    # The preview button posts the whole form back: the page shows the Vietnamese, sends nothing.
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#note-preview article[data-language='vi']")).to_contain_text(VIETNAMESE)
    assert not Message.objects.exists()

    page.get_by_role("button", name="Send notes").click()
    expect(page.get_by_role("heading", name="Positive notes sent")).to_be_visible()
    assert Message.objects.get().kind == "progress_positive"
