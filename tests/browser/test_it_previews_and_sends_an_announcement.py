"""A school leader composes an announcement to a class whose families read Spanish,
Vietnamese and Arabic, checks the three previews (provenance, Arabic right to left), sends
it, and watches the delivery report fill in.

The live server runs tasks on the embedded thread runner here, and the local outbox (the
stand-in for the SMS and email providers) waits at a gate the test opens: the page is seen
while the messages are still being sent, then the htmx polling brings the final counts.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.language.models import Method, Status
from juntos.messaging.channels.base import OutboundMessage, SendResult
from juntos.messaging.channels.outbox import OutboxAdapter
from juntos.messaging.models import Delivery
from juntos.messaging.tests.announcement_world import remember, room4_family
from juntos.testing.browser import (
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser

BODY = "The book fair is on Friday."
SPANISH = "La feria del libro es el viernes."
ARABIC = "معرض الكتاب يوم الجمعة."


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> threading.Event:
    settings.JUNTOS_TASK_RUNNER = "thread"
    opened = threading.Event()
    real_send = OutboxAdapter.send

    def send_when_open(self: OutboxAdapter, message: OutboundMessage) -> SendResult:
        opened.wait(timeout=60)
        return real_send(self, message)

    monkeypatch.setattr(OutboxAdapter, "send", send_when_open)
    return opened


def test_it_previews_and_sends_an_announcement(
    world: World, live_server: LiveServer, page: Page, gate: threading.Event
) -> None:
    room4_family(world, "Marisol", "es", phone="+15555550601")
    room4_family(world, "Lan", "vi", channels=("email",), email="lan@example.org")
    room4_family(world, "Huda", "ar", phone="+15555550602")
    remember(world, BODY, "es", SPANISH, method=Method.HUMAN, status=Status.REVIEWED)
    remember(world, BODY, "ar", ARABIC, method=Method.HUMAN, status=Status.REVIEWED)

    sign_in(page, live_server.url, username="leader", password=PASSWORD)
    page.goto(f"{live_server.url}/messaging/announcements/new/")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_label("To").select_option(label="Room 4 · North Elementary")
    page.get_by_label("Subject").fill("Book fair")
    page.get_by_label("Message").fill(BODY)
    page.get_by_role("button", name="Save and preview").click()

    expect(page.locator("#reach")).to_contain_text("Families reached")
    previews = page.locator("section.rendition")
    expect(previews).to_have_count(3)
    spanish = page.locator('section.rendition[lang="es"]')
    expect(spanish.locator(".family-text")).to_have_text(SPANISH)
    expect(spanish.locator(".provenance")).to_contain_text("memory (remembered human translation)")
    expect(spanish.locator(".provenance")).to_contain_text("reviewed")
    expect(spanish.locator(".segments")).to_contain_text("1 segment")
    arabic = page.locator('section.rendition[lang="ar"] .family-text')
    expect(arabic).to_have_text(ARABIC)
    expect(arabic).to_have_attribute("dir", "rtl")
    # Right to left as laid out by the browser, not only as written in the attribute.
    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
    vietnamese = page.locator('section.rendition[lang="vi"]')
    expect(vietnamese).to_contain_text("Needs a human translator")
    expect(vietnamese.locator(".provenance")).to_contain_text("UCS-2")
    assert not Delivery.objects.exists()  # the preview sent nothing
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)

    page.get_by_role("button", name="Send to 4 families").click()
    report = page.locator("#report")
    expect(report).to_be_visible()
    # Still sending: the partial polls every 5 s.
    expect(report).to_have_attribute("hx-trigger", "every 5s")
    totals = report.locator("tr.totals td")
    expect(totals.last).to_have_text("4")

    gate.set()  # the providers answer
    # Three delivered (Marisol, Lan, Huda) and one not sent (Rosa has no phone or email).
    expect(report.locator('tr[data-language="ar"]')).to_contain_text("1", timeout=20_000)
    expect(totals).to_have_text(["0", "0", "0", "3", "0", "1", "4"], timeout=20_000)
    expect(report).not_to_have_attribute("hx-trigger", "every 5s")
    expect(report.locator("table.problems")).to_contain_text("Rosa Lopez")
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)
    statuses: Any = set(Delivery.objects.values_list("status", flat=True))
    assert statuses == {"delivered", "skipped"}


def test_it_keeps_the_lists_paper_and_call_pages_accessible(
    world: World, live_server: LiveServer, page: Page
) -> None:
    from juntos.messaging import actions
    from juntos.messaging.channels.voice import NO_TTS_FOR_LANGUAGE
    from juntos.messaging.tests.announcement_world import north_list, paper_family, staff_of

    north_list(world)
    paper_family(world, language="ar", given_name="Waraq")
    room4_family(world, "Faadumo", "so", channels=("voice",), phone="+15555550603", sms=False)
    remember(world, BODY, "ar", ARABIC, method=Method.HUMAN, status=Status.REVIEWED)
    actions.do_send_announcement(
        by=staff_of(world, "school_leader"),
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        body=BODY,
        source_language="en",
        school=world.north,
    )
    Delivery.objects.filter(channel="voice").update(status="failed", error=NO_TTS_FOR_LANGUAGE)

    sign_in(page, live_server.url, username="liaison", password=PASSWORD)
    for path, heading in [
        ("/messaging/lists/?q=Lopez", "Saved lists"),
        (f"/messaging/lists/{north_list(world).pk}/", "Family committee"),
        ("/messaging/paper/", "Paper letters"),
        ("/messaging/calls/", "Calls to make"),
        ("/messaging/announcements/", "Announcements"),
    ]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        violations = serious_accessibility_violations(page)
        assert not violations, f"{path}: {describe_violations(violations)}"
    page.goto(live_server.url + "/messaging/paper/")
    # The form's POST, sent with the page's cookies and token but without opening the PDF in
    # Chromium's viewer (an extension page the watcher would report).
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    printed = page.request.post(
        live_server.url + "/messaging/paper/",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": live_server.url + "/messaging/paper/"},
        max_redirects=0,
    )
    assert printed.status == 302
    pdf = page.request.get(live_server.url + printed.headers["location"])
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.goto(live_server.url + "/messaging/paper/")
    expect(page.get_by_role("link", name=re.compile(r"Batch \d+ \(PDF\)"))).to_be_visible()
    page.goto(live_server.url + "/messaging/calls/")
    page.get_by_role("button", name="Called — reached").click()
    expect(page.get_by_text("No calls to make.")).to_be_visible()
