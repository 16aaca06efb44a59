"""Issue 5 acceptance: a caregiver who uses only the keyboard answers an invitation and writes to
the school.

Nothing is clicked or filled: the test presses Tab, Shift+Tab, Space, Enter and arrow keys and
types, the way a person with a keyboard or a switch device does. Locators are only used to
check what happened. At each step the focused element shows where the focus is (an outline or
a box-shadow), and the answer and the message reach the database.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import World
from juntos.events.models import Rsvp
from juntos.events.tests.helpers import TITLE, invite_class, make_event, sms_phone
from juntos.messaging.models import Message, OutboxEntry
from juntos.portal.actions import do_send_magic_link
from juntos.testing.browser import BrowserPages

pytestmark = pytest.mark.browser

PHONE = "+15555550101"
LINK = re.compile(r"(https?://\S+?/family/in/[A-Za-z0-9_-]+/)")
REPLY = "Thank you for the invitation. We will come with two children."
# More Tab presses than any family page has stops before the element looked for.
MAX_TABS = 60


def focused(page: Page) -> dict[str, Any]:
    """The focused element: its tag, type, name, text and whether its focus can be seen."""
    found: dict[str, Any] = page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {tag: "body"};
            const style = getComputedStyle(el);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
            return {
                tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "",
                value: el.value || "", text: (el.innerText || el.textContent || "").trim(),
                href: el.getAttribute("href") || "",
                visible_focus: outline || style.boxShadow !== "none",
            };
        }"""
    )
    return found


def tab_to(page: Page, description: str, wanted: Any, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``wanted(focused)`` holds; fail if it never does."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if wanted(focused(page)):
            return
    raise AssertionError(f"{description} was never focused with the keyboard")


def assert_focus_visible(page: Page) -> None:
    now = focused(page)
    assert now.get("visible_focus"), f"no visible focus indicator on {now}"


def test_it_completes_a_reply_and_an_rsvp_with_the_keyboard(
    world: World, live_server: LiveServer, pages: BrowserPages, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    rosa = world.north_family
    rosa.preferred_language = "en"
    rosa.save(update_fields=["preferred_language"])
    sms_phone(rosa, PHONE)
    event = make_event(world, options=2)
    invite_class(world, event)
    do_send_magic_link(caregiver=rosa, channel="sms", base_url=live_server.url + "/")
    entry = OutboxEntry.objects.filter(to=PHONE, body__contains="/family/in/").get()
    match = LINK.search(entry.body)
    assert match is not None, entry.body

    page = pages.new_page()
    page.goto(match.group(1))

    # The link's page: Tab to "Open my family page", Enter.
    tab_to(page, "the open button", lambda f: f["tag"] == "button" and "Open" in f["text"])
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/family/")

    # The family page: the invitation's link, Enter.
    tab_to(page, "the event's link", lambda f: f["tag"] == "a" and f["text"] == TITLE)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/events/e/{event.pk}/")

    # The event page: "Yes" with Space; the second evening with an arrow key; two children
    # for childcare; a ride with Space; send with Enter.
    tab_to(page, "the yes answer", lambda f: f["type"] == "radio" and f["name"] == "answer")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    expect(page.get_by_label("Yes, I will come")).to_be_checked()
    tab_to(page, "the first time", lambda f: f["type"] == "radio" and f["name"] == "time_option")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    second = event.time_options.order_by("starts_at")[1]
    assert focused(page)["value"] == str(second.pk)
    assert_focus_visible(page)
    tab_to(page, "the childcare count", lambda f: f["name"] == "childcare_children")
    assert_focus_visible(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to(page, "the ride checkbox", lambda f: f["name"] == "needs_ride")
    page.keyboard.press("Space")
    # One step back and forth: Shift+Tab returns to the count without changing it.
    tab_to(page, "the childcare count again", lambda f: f["name"] == "childcare_children",
           backwards=True)  # fmt: skip
    assert focused(page)["value"] == "2"
    tab_to(page, "the send button", lambda f: f["tag"] == "button" and "Send" in f["text"])
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#rsvp-saved")).to_be_visible()
    rsvp = Rsvp.objects.get(event=event, caregiver=rosa)
    assert (rsvp.answer, rsvp.time_option_id, rsvp.childcare_children, rsvp.needs_ride) == (
        "yes", second.pk, 2, True,
    )  # fmt: skip
    assert rsvp.channel == "portal"

    # Back to the family page through its navigation; write to the school; send.
    tab_to(page, "the Messages link", lambda f: f["tag"] == "a" and f["href"] == "/family/",
           backwards=True)  # fmt: skip
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/family/")
    tab_to(page, "the message box", lambda f: f["tag"] == "textarea")
    assert_focus_visible(page)
    page.keyboard.type(REPLY)
    page.keyboard.press("Tab")
    now = focused(page)
    assert (now["tag"], now["text"]) == ("button", "Send"), now
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Sent. The school will answer you.")
    message = Message.objects.get(body=REPLY)
    assert message.direction == Message.Direction.IN
    assert message.conversation is not None
    assert message.conversation.caregiver_id == rosa.pk
