"""Issue 6 acceptance: an idea exchange across languages.

The school leader asks North's families a question; it reaches Rosa (Spanish) and Lan
(Vietnamese) by SMS in their languages. Rosa texts an idea in Spanish, a liaison approves it.
Lan texts an idea in Vietnamese; the answer sends her Rosa's idea in Vietnamese and she agrees
with "1". The liaison approves Lan's idea on the staff page (its English rendition beside it).
Rosa opens her family page with a magic link, follows the exchange's link, reads Lan's idea in
Spanish with the original one click away, and agrees. The staff page shows both reactions.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.listening.models import Idea, IdeaExchange, Reaction
from juntos.listening.tests.helpers import (
    LAN_PHONE,
    QUESTION,
    QUESTION_ES,
    QUESTION_VI,
    ROSA_PHONE,
    remember,
    remember_question,
    sms_phone,
)
from juntos.messaging.models import OutboxEntry
from juntos.portal.actions import do_send_magic_link
from juntos.testing.browser import (
    BrowserPages,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio

pytestmark = pytest.mark.browser

ROSA_IDEA = "Que haya intérpretes en todas las reuniones de padres."
ROSA_IDEA_VI = "Nên có thông dịch viên trong tất cả các buổi họp phụ huynh."
LAN_IDEA = "Tôi muốn có lớp học tiếng Anh buổi tối cho phụ huynh tại trường."
LAN_IDEA_ES = "Me gustaría que hubiera clases de inglés por la noche para padres en la escuela."
LAN_IDEA_EN = "I would like evening English classes for parents at the school."
LINK = re.compile(r"(https?://\S+?/family/in/[A-Za-z0-9_-]+/)")


def assert_accessible(page: Page) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)


def text_message(live_server: LiveServer, body: str, phone: str) -> str:
    """A family's text through Twilio's signed webhook; returns the TwiML answer."""
    params = {
        "MessageSid": f"SM{abs(hash((body, phone)))}",
        "From": phone,
        "To": "+15005550006",
        "Body": body,
    }
    response = post_twilio(
        "/messaging/twilio/sms/", params, origin=live_server.url, client=Client()
    )
    assert response.status_code == 200
    return str(response.content.decode())


def test_it_exchanges_ideas_across_languages(
    world: World, live_server: LiveServer, pages: BrowserPages, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    rosa, lan = world.north_family, world.north_family_2
    sms_phone(rosa, ROSA_PHONE)
    sms_phone(lan, LAN_PHONE)
    # What liaisons who speak the languages translated once (translation memory).
    remember_question(world)
    remember(world, "es", "vi", ROSA_IDEA, ROSA_IDEA_VI)
    remember(world, "vi", "es", LAN_IDEA, LAN_IDEA_ES)
    remember(world, "vi", "en", LAN_IDEA, LAN_IDEA_EN)

    # The school leader asks every North family.
    leader = pages.new_page()
    sign_in(leader, live_server.url, username="leader", password=PASSWORD)
    leader.goto(live_server.url + "/listening/exchanges/new/")
    leader.get_by_label("School").select_option(label="North Elementary")
    leader.get_by_label("Question").fill(QUESTION)
    leader.get_by_label("Ask").select_option("school")
    leader.get_by_role("button", name="Create the exchange").click()
    leader.get_by_role("button", name="Open and send the question").click()
    expect(leader.get_by_text("The question was sent to 2 families.")).to_be_visible()
    exchange = IdeaExchange.objects.get()
    assert exchange.status == "open"
    to_lan = OutboxEntry.objects.get(to=LAN_PHONE)
    assert QUESTION_VI in to_lan.body
    to_rosa = OutboxEntry.objects.get(to=ROSA_PHONE)
    assert QUESTION_ES in to_rosa.body
    exchange_url = f"{live_server.url}/listening/x/{exchange.pk}/"
    assert exchange_url in to_rosa.body

    # Rosa texts an idea; a liaison approves it.
    assert "Gracias, recibimos su idea." in text_message(live_server, ROSA_IDEA, ROSA_PHONE)
    liaison = pages.new_page()
    sign_in(liaison, live_server.url, username="liaison", password=PASSWORD)
    liaison.goto(f"{live_server.url}/listening/exchanges/{exchange.pk}/")
    queue = liaison.get_by_test_id("moderation-queue")
    expect(queue).to_contain_text(ROSA_IDEA)
    queue.get_by_role("button", name="Approve").click()
    expect(liaison.get_by_test_id("ideas")).to_contain_text(ROSA_IDEA)

    # Lan texts an idea in Vietnamese and is sent Rosa's idea in Vietnamese; "1" agrees.
    answer = text_message(live_server, LAN_IDEA, LAN_PHONE)
    assert "Cảm ơn, chúng tôi đã nhận được ý kiến của quý vị." in answer
    assert ROSA_IDEA_VI in answer and "Trả lời 1 đồng ý, 2 không đồng ý, 3 bỏ qua." in answer
    text_message(live_server, "1", LAN_PHONE)
    rosa_idea = Idea.objects.get(text=ROSA_IDEA)
    assert Reaction.objects.get(idea=rosa_idea).value == "agree"

    # The liaison approves Lan's idea, read in English beside the original.
    liaison.reload()
    queue = liaison.get_by_test_id("moderation-queue")
    expect(queue).to_contain_text(LAN_IDEA)
    expect(queue).to_contain_text(LAN_IDEA_EN)
    queue.get_by_role("button", name="Approve").click()
    lan_idea = Idea.objects.get(text=LAN_IDEA)
    expect(liaison.get_by_test_id(f"idea-{lan_idea.pk}")).to_be_visible()

    # Rosa signs in with a magic link and opens the exchange from her text message.
    do_send_magic_link(caregiver=rosa, channel="sms", base_url=live_server.url + "/")
    link = OutboxEntry.objects.filter(to=ROSA_PHONE, body__contains="/family/in/").get()
    match = LINK.search(link.body)
    assert match is not None, link.body
    phone = pages.new_page()
    phone.goto(match.group(1))
    phone.get_by_role("button", name="Abrir mi página familiar").click()
    expect(phone).to_have_url(live_server.url + "/family/")
    phone.goto(exchange_url)
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.locator("#question")).to_have_text(QUESTION_ES)
    ideas = phone.get_by_test_id("family-ideas")
    expect(ideas).to_contain_text(LAN_IDEA_ES)
    expect(ideas).not_to_contain_text(ROSA_IDEA)  # her own idea is not offered to her
    original = ideas.get_by_text(LAN_IDEA, exact=True)
    expect(original).to_be_hidden()
    ideas.get_by_text("Ver el original").click()
    expect(original).to_be_visible()
    assert_accessible(phone)
    ideas.get_by_role("button", name="De acuerdo").click()
    # htmx swaps in the idea with her answer (without JavaScript the page reloads: same text).
    expect(ideas.get_by_role("status")).to_have_text("Gracias por su respuesta.")
    expect(ideas).to_contain_text("Su respuesta: de acuerdo")
    expect(ideas.get_by_role("button", name="De acuerdo")).to_have_attribute("aria-pressed", "true")
    assert_accessible(phone)

    # The staff page shows both reactions.
    leader.goto(f"{live_server.url}/listening/exchanges/{exchange.pk}/")
    rows = {idea.pk: leader.get_by_test_id(f"idea-{idea.pk}") for idea in (rosa_idea, lan_idea)}
    for row in rows.values():
        expect(row.get_by_test_id("agree")).to_have_text("1")
        expect(row.get_by_test_id("disagree")).to_have_text("0")
    assert Reaction.objects.filter(value="agree").count() == 2
