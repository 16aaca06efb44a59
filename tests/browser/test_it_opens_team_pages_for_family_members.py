"""Issue 7: every team page works for a family member of the team signed in through the portal,
in their language, and passes axe. Rosa reads Spanish; Mariam reads Arabic (right to left).
Each opens her link, finds "her teams", votes on a decision, asks to speak during the meeting
and, once it has ended, answers the felt-heard pulse."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import World
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m
from juntos.portal.actions import do_send_magic_link
from juntos.teams.actions import (
    do_add_member,
    do_end_meeting,
    do_mark_attendance,
    do_propose_decision,
    do_start_meeting,
)
from juntos.teams.models import PulseAnswer, SpeakRequest, Vote
from juntos.teams.tests.helpers import room
from juntos.testing import factories as f
from juntos.testing.browser import (
    BrowserPages,
    describe_violations,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser

LINK = re.compile(r"(https?://\S+?/family/in/[A-Za-z0-9_-]+/)")
T0 = datetime(2026, 10, 6, 23, 0, tzinfo=UTC)


def assert_accessible(page: Page) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)


def sign_in(
    pages: BrowserPages, live_server: LiveServer, caregiver: m.Caregiver, phone: str
) -> Page:
    m.ContactPoint.objects.create(caregiver=caregiver, kind="phone", value=phone, sms_capable=True)
    do_send_magic_link(caregiver=caregiver, channel="sms", base_url=live_server.url + "/")
    match = LINK.search(OutboxEntry.objects.filter(to=phone).latest("pk").body)
    assert match is not None
    page = pages.new_page()
    page.goto(match.group(1))
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(live_server.url + "/family/")
    return page


CASES = {
    # language: (words the pages must show, text direction)
    "es": {"teams": "Sus equipos", "decisions": "Decisiones", "agree": "Estoy de acuerdo",
           "vote": "Votar", "saved": "Gracias, guardamos su voto.", "speak": "Quiero hablar",
           "listed": "Usted está en la lista para hablar.", "send": "Enviar",
           "thanks": "Gracias. Su respuesta es anónima.", "dir": "ltr"},
    "ar": {"teams": "فرقك", "decisions": "القرارات", "agree": "أوافق", "vote": "صوّت",
           "saved": "شكرًا لك، تم حفظ صوتك.", "speak": "أريد أن أتحدث",
           "listed": "أنت في قائمة المتحدثين.", "send": "إرسال",
           "thanks": "شكرًا لك. إجابتك بدون اسم.", "dir": "rtl"},
}  # fmt: skip


@pytest.mark.parametrize("language", CASES)
def test_a_family_member_uses_every_team_page_in_her_language(
    language: str, world: World, live_server: LiveServer, pages: BrowserPages, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    words = CASES[language]
    r = room(world, T0)
    if language == "es":
        caregiver, member = world.north_family, r.rosa
    else:
        caregiver = f.caregiver(district=world.district, given_name="Mariam",
                                family_name="Haddad", preferred_language="ar")  # fmt: skip
        f.link(caregiver, world.north_student)
        member = do_add_member(team=r.team, role="family", caregiver=caregiver)
    decision = do_propose_decision(team=r.team, title="Saturday family nights",
                                   proposal="Meet on Saturday mornings.", method="consent",
                                   options=[])  # fmt: skip
    do_start_meeting(meeting=r.meeting)

    page = sign_in(pages, live_server, caregiver, "+15555550188")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    page.get_by_role("link", name=words["teams"]).click()
    expect(page).to_have_url(live_server.url + "/teams/family/")
    expect(html).to_have_attribute("dir", words["dir"])
    assert page.evaluate("getComputedStyle(document.body).direction") == words["dir"]
    assert_accessible(page)

    page.get_by_role("link", name=r.team.name).click()
    expect(page.get_by_role("heading", level=2, name=words["decisions"])).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=decision.title).click()
    page.get_by_label(words["agree"]).check()
    page.get_by_role("button", name=words["vote"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["saved"])
    assert Vote.objects.get(decision=decision, member=member).consent == "agree"
    assert_accessible(page)

    page.goto(f"{live_server.url}/teams/family/meetings/{r.meeting.pk}/")
    page.get_by_role("button", name=words["speak"]).click()
    expect(page.get_by_role("status").first).to_contain_text(words["listed"])
    assert SpeakRequest.objects.filter(meeting=r.meeting, member=member).exists()
    assert_accessible(page)
    if language == "ar":
        page.screenshot(path="test-artifacts/arabic-team-meeting.png", full_page=True)

    do_mark_attendance(meeting=r.meeting, member=member)
    do_end_meeting(meeting=r.meeting)
    page.reload()
    page.get_by_role("radio", name="4").check()
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["thanks"])
    assert list(PulseAnswer.objects.values_list("score", flat=True)) == [4]
    assert_accessible(page)
