"""A liaison who reads Arabic opens the translation queue, translates a teacher's message that
was held for her, and finds it in the outbox, sent in Arabic."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.language.models import HumanTranslationRequest
from juntos.messaging import actions
from juntos.people import models as m
from juntos.testing import factories as f
from juntos.testing.browser import describe_violations, serious_accessibility_violations

pytestmark = pytest.mark.browser

NOTE = "Ana did great work in math today."
ARABIC = "قامت آنا بعمل رائع في الرياضيات اليوم."


def test_a_liaison_translates_a_held_arabic_message(
    world: World, live_server: LiveServer, page: Page, settings: Any
) -> None:
    settings.TRANSLATION_HOLD_FOR_HUMAN = True
    family = f.caregiver(
        district=world.district, given_name="Layla", family_name="Haddad", preferred_language="ar"
    )
    f.link(family, world.north_student, m.Relationship.MOTHER)
    m.ContactPoint.objects.create(
        caregiver=family, kind="phone", value="+15555550177", sms_capable=True
    )
    liaison = f.staff_with_role(
        m.Role.LIAISON, school=world.north, username="arabic_liaison",
        district=world.district, languages=("ar",),
    )  # fmt: skip
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    conversation = actions.do_open_conversation(
        caregiver=family, owner=teacher, student_id=world.north_student.pk, school=world.north
    )
    message = actions.do_send_conversation_message(
        by=teacher, conversation=conversation, body=NOTE, source_language="en"
    )
    assert message.deliveries.get().skip_reason == actions.HELD_FOR_HUMAN
    request = HumanTranslationRequest.objects.get(waiting_id=str(message.pk))
    assert request.assigned_to == liaison

    page.goto(f"{live_server.url}/staff/login/?next=/staff/translations/")
    page.get_by_label("Username").fill("arabic_liaison")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Translation queue")
    problems = serious_accessibility_violations(page)
    assert not problems, describe_violations(problems)

    page.get_by_role("link", name=NOTE).click()
    box = page.get_by_label("Your translation into Arabic")
    problems = serious_accessibility_violations(page)
    assert not problems, describe_violations(problems)
    expect(box).to_have_attribute("dir", "auto")
    expect(box).to_have_attribute("lang", "ar")
    box.fill(ARABIC)
    page.get_by_role("button", name="Submit translation").click()
    expect(page.get_by_role("status")).to_contain_text("the translation is saved")
    expect(page.get_by_role("link", name=NOTE)).to_have_count(0)

    page.goto(f"{live_server.url}/messaging/outbox/")
    expect(page.get_by_text(ARABIC)).to_be_visible()
    assert message.deliveries.get().status == "delivered"
