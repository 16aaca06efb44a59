"""Issue 6, item 1: a listening session at North Elementary. The liaison, its facilitator,
captures on a phone: the first question in Spanish, two quick notes (a family member, a
community member) and a tally of five family members who spoke. Lan answers on the session's
web page in Vietnamese, without signing in. The school leader's results page shows the notes,
Lan's answer and the tally. No page has a serious axe violation.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.listening.models import SessionResponse, SessionTally
from juntos.listening.tests.session_helpers import make_session
from juntos.testing.browser import (
    BrowserPages,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser

WELCOME_ES = "¿Qué ayuda a su familia a sentirse bienvenida en esta escuela?"
WELCOME_VI = "Điều gì giúp gia đình quý vị cảm thấy được chào đón ở trường này?"
NOTE_FAMILY = "Un saludo en la puerta, en español"
NOTE_COMMUNITY = "Carteles en varios idiomas"
LAN_SAYS = "Có người nói tiếng Việt ở văn phòng"


def assert_accessible(page: Page) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)


def test_it_captures_a_listening_session(
    world: World, live_server: LiveServer, pages: BrowserPages, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    session = make_session(world)

    phone = pages.new_page()  # a phone-sized window
    sign_in(phone, live_server.url, username="liaison", password=PASSWORD)
    phone.goto(f"{live_server.url}/listening/sessions/{session.pk}/capture/")
    expect(phone.get_by_test_id("capture-question")).to_have_text(WELCOME_ES)
    assert_accessible(phone)
    for text, role in ((NOTE_FAMILY, "Family member"), (NOTE_COMMUNITY, "Community member")):
        phone.get_by_label("What was said (no names)").fill(text)
        phone.get_by_role("radio", name=role).check()
        phone.get_by_role("button", name="Save the note").click()
        expect(phone.get_by_text("Note saved.")).to_be_visible()
    for _ in range(5):
        phone.get_by_test_id("count-family").click()
        expect(phone.get_by_text("Counted.")).to_be_visible()
    expect(phone.get_by_test_id("tally-family")).to_have_text("5")
    phone.get_by_role("link", name="Next question").click()
    expect(phone).to_have_url(
        f"{live_server.url}/listening/sessions/{session.pk}/capture/?q=2&lang=es"
    )
    assert_accessible(phone)

    family = pages.new_page()
    family.goto(f"{live_server.url}/listening/s/{session.token}/?lang=vi")
    expect(family.locator("html")).to_have_attribute("lang", "vi")
    family.get_by_label(WELCOME_VI).fill(LAN_SAYS)
    assert_accessible(family)
    family.get_by_role("button", name="Gửi câu trả lời của tôi").click()
    expect(family.locator("#session-thanks")).to_be_visible()
    assert_accessible(family)

    assert SessionResponse.objects.filter(session=session).count() == 3
    assert SessionTally.objects.get(session=session, role="family").count == 5

    leader = pages.new_page()
    sign_in(leader, live_server.url, username="leader", password=PASSWORD)
    leader.goto(f"{live_server.url}/listening/sessions/new/")
    expect(leader.get_by_role("heading", level=1)).to_have_text("New listening session")
    assert_accessible(leader)
    leader.goto(f"{live_server.url}/listening/sessions/{session.pk}/")
    heard = leader.get_by_test_id("responses-1")
    expect(heard).to_contain_text(NOTE_FAMILY)
    expect(heard).to_contain_text(NOTE_COMMUNITY)
    expect(heard).to_contain_text(LAN_SAYS)
    expect(leader.get_by_role("heading", name="What we heard (3 responses)")).to_be_visible()
    who_spoke = leader.locator("table.tally").first  # five family members: shown
    expect(who_spoke.locator("tbody td").first).to_have_text("5")
    assert_accessible(leader)
