"""Issue 6, item 5: Lan reads Vietnamese. North Elementary opens a wave of its engagement-needs
survey; her link waits in the local outbox in Vietnamese. She opens it on a phone whose browser
asks for English, and the survey is in Vietnamese (her language, not the browser's). She
answers evenings and text messages, skipping the rest, and sends. Four other families have
answered, so the school leader's results page counts five respondents and five "Text message"
answers. Neither family page has a serious axe violation.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.messaging.models import OutboxEntry
from juntos.people import models as m
from juntos.surveys.actions import do_submit_response
from juntos.surveys.models import Response
from juntos.surveys.tests.helpers import (
    LINK,
    add_north_families,
    answers,
    leader,
    make_survey,
)
from juntos.testing.browser import (
    BrowserPages,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser

LAN_PHONE = "+15555550102"


def assert_accessible(page: Page) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)


def test_it_answers_a_survey_in_vietnamese(
    world: World, live_server: LiveServer, pages: BrowserPages, settings: Any
) -> None:
    from juntos.surveys.actions import do_open_wave

    settings.PUBLIC_BASE_URL = live_server.url
    lan = world.north_family_2
    assert lan.preferred_language == "vi"
    m.ContactPoint.objects.create(caregiver=lan, kind="phone", value=LAN_PHONE, sms_capable=True)
    others = add_north_families(world, 3)
    survey = make_survey(world, "engagement")
    opened = do_open_wave(by=leader(world), survey=survey, name="Fall 2026")
    for caregiver in [world.north_family, *others]:
        do_submit_response(
            token=opened.tokens[caregiver.pk],
            data=answers(channel="sms", times=["evening"]),
            language="es",
        )

    text = OutboxEntry.objects.get(to=LAN_PHONE)
    assert text.language == "vi"
    match = LINK.search(text.body)
    assert match is not None, text.body

    phone = pages.new_page()
    phone.goto(match.group(0))
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Điều gì phù hợp với gia đình quý vị?"
    )
    assert_accessible(phone)
    phone.get_by_role("group", name="Giờ nào thuận tiện nhất cho quý vị?").get_by_label(
        "Buổi tối"
    ).check()
    phone.get_by_role(
        "group", name="Quý vị muốn nhận tin nhắn của nhà trường bằng cách nào?"
    ).get_by_label("Tin nhắn điện thoại").check()
    phone.get_by_role("button", name="Gửi câu trả lời của tôi").click()
    expect(phone.locator("#survey-thanks")).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    assert_accessible(phone)
    assert Response.objects.filter(language="vi").count() == 1
    assert Response.objects.get(language="vi").answers == {"times": ["evening"], "channel": "sms"}

    staff = pages.new_page()
    sign_in(staff, live_server.url, username="leader", password=PASSWORD)
    staff.goto(f"{live_server.url}/surveys/{survey.pk}/")
    expect(staff.get_by_test_id("respondents")).to_have_text("5")
    channel = staff.get_by_role("table", name="How do you prefer to get messages from the school?")
    expect(channel.get_by_role("row", name="Text message")).to_contain_text("5")
    evenings = staff.get_by_role("table", name="Which times are best for you?")
    expect(evenings.get_by_role("row", name="Evening")).to_contain_text("5")
