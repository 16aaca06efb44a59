"""Issue 5 acceptance: the family pages in Arabic read right to left.

Rosa reads Arabic. She opens the link the school texted her (on a phone whose browser asks for
English: the page language is hers), and her family page, the event page where she answers an
invitation, and her preferences are in Arabic, laid out right to left: the document's direction
is rtl, each page's main heading starts at the right edge (the layout is mirrored, not just
the letters), and axe finds no serious violation. A full-page screenshot of each is kept in
``test-artifacts/arabic-*.png`` for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import World
from juntos.events.tests.helpers import PLACE, TITLE, invite_class, make_event, sms_phone
from juntos.language.actions import do_remember_translation
from juntos.language.models import Method, Status
from juntos.messaging.models import OutboxEntry
from juntos.portal.actions import do_send_magic_link
from juntos.testing.browser import (
    BrowserPages,
    describe_violations,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser

PHONE = "+15555550101"
LINK = re.compile(r"(https?://\S+?/family/in/[A-Za-z0-9_-]+/)")
ARABIC = re.compile(r"[\u0600-\u06FF]{3,}")
TITLE_AR = "أمسية القراءة العائلية"
STATEMENT = "Families read together and take home books in their language."
ARABIC_MEMORY = {
    TITLE: TITLE_AR,
    PLACE: "مكتبة المدرسة",
    STATEMENT: "تقرأ العائلات معًا وتأخذ إلى البيت كتبًا بلغتها.",
}
# main's inline padding (1rem) and a few pixels of rounding.
EDGE_SLACK_PX = 24


def heading_edges(page: Page) -> dict[str, float]:
    """Where the h1's text (not its block box, which spans the line) starts and ends."""
    edges: dict[str, float] = page.evaluate(
        """() => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector("h1"));
            const box = range.getBoundingClientRect();
            return {left: box.left, right: box.right, width: document.documentElement.clientWidth};
        }"""
    )
    return edges


def assert_right_to_left(page: Page, screenshot: Path) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    direction = page.evaluate("() => getComputedStyle(document.querySelector('main')).direction")
    assert direction == "rtl"
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_visible()
    assert ARABIC.search(page.locator("main").inner_text()), "no Arabic text in the page"
    edges = heading_edges(page)
    # The heading hugs the right edge (inside main's padding) and leaves its room on the left.
    assert edges["width"] - edges["right"] <= EDGE_SLACK_PX, edges
    assert edges["left"] > edges["width"] - edges["right"], edges
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)


def test_it_shows_family_pages_right_to_left_in_arabic(
    world: World,
    live_server: LiveServer,
    pages: BrowserPages,
    settings: Any,
    request: pytest.FixtureRequest,
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    artifacts = request.config.rootpath / "test-artifacts"
    rosa = world.north_family
    rosa.preferred_language = "ar"
    rosa.save(update_fields=["preferred_language"])
    sms_phone(rosa, PHONE)
    # What an Arabic-speaking liaison translated once (translation memory).
    for source, target in ARABIC_MEMORY.items():
        do_remember_translation(
            district_id=world.district.pk, source_language="en", target_language="ar",
            source_text=source, target_text=target, method=Method.HUMAN, status=Status.REVIEWED,
        )  # fmt: skip
    event = make_event(world, options=2, learning_statement=STATEMENT)
    invite_class(world, event)

    do_send_magic_link(caregiver=rosa, channel="sms", base_url=live_server.url + "/")
    entry = OutboxEntry.objects.filter(to=PHONE, body__contains="/family/in/").get()
    match = LINK.search(entry.body)
    assert match is not None, entry.body

    phone = pages.new_page()  # Accept-Language: en-US
    phone.goto(match.group(1))
    assert_right_to_left(phone, artifacts / "arabic-open-link.png")
    phone.get_by_role("button").filter(has_text=ARABIC).last.click()
    expect(phone).to_have_url(live_server.url + "/family/")
    assert_right_to_left(phone, artifacts / "arabic-portal-home.png")

    phone.get_by_role("link", name=TITLE_AR).click()
    expect(phone).to_have_url(f"{live_server.url}/events/e/{event.pk}/")
    assert_right_to_left(phone, artifacts / "arabic-event.png")
    # The invitation itself is in Arabic, marked so inside the page.
    expect(phone.locator('div[lang="ar"][dir="rtl"] #invitation')).to_contain_text(TITLE_AR)
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE_AR)

    phone.goto(live_server.url + "/family/preferences/")
    assert_right_to_left(phone, artifacts / "arabic-preferences.png")
