"""A teacher publishes conference times; a Vietnamese-speaking grandmother, signed in to the
family page, books one; the teacher sees the booking with the liaison who will interpret."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.conferences.models import Booking
from juntos.people import models as m
from juntos.portal.session import SESSION_KEY
from juntos.testing import factories as f
from juntos.testing.browser import (
    BrowserPages,
    assert_assets_loaded,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_it_books_a_conference_with_a_vietnamese_interpreter(
    live_server: LiveServer, pages: BrowserPages, world: World
) -> None:
    teacher = m.Staff.objects.get(user=world.personas["teacher"])
    m.SectionAssignment.objects.create(staff=teacher, section=world.north_class_2)
    interpreter = f.staff_with_role(
        m.Role.LIAISON, school=world.north, username="liaison_vi", district=world.district,
        languages=("vi", "en"),
    )  # fmt: skip
    day = timezone.localdate() + timedelta(days=2)

    staff_page = pages.new_page()
    sign_in(staff_page, live_server.url, username="teacher", password=PASSWORD)
    staff_page.goto(f"{live_server.url}/conferences/")
    assert_assets_loaded(staff_page)
    staff_page.get_by_label("Day:", exact=True).fill(day.isoformat())
    staff_page.get_by_label("From:", exact=True).fill("15:00")
    staff_page.get_by_label("Until:", exact=True).fill("16:00")
    staff_page.get_by_label("Length of each meeting (minutes):", exact=True).fill("30")
    staff_page.get_by_label("Place:", exact=True).fill("Room 7")
    staff_page.get_by_role("button", name="Publish times").click()
    expect(staff_page.get_by_role("status")).to_contain_text("2 meeting times published.")
    expect(staff_page.locator("#slots tbody tr")).to_have_count(2)

    # Lan's family session, as the magic link would have started it.
    session = SessionStore()
    session[SESSION_KEY] = world.north_family_2.pk
    session.create()
    family_page = pages.new_page(java_script_enabled=False)  # the family page needs no JS
    family_page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key or "",
          "url": live_server.url}]
    )  # fmt: skip
    family_page.goto(f"{live_server.url}/conferences/book/")
    heading = f"Chọn giờ để gặp {teacher.display_name} về em Minh Tran."
    expect(family_page.get_by_role("heading", name=heading)).to_be_visible()
    family_page.get_by_role("button", name="15:30").click()
    expect(family_page.get_by_role("heading", name="Đã đặt lịch")).to_be_visible()

    booking = Booking.objects.get()
    assert (booking.interpreter, booking.interpreter_language) == (interpreter, "vi")
    staff_page.reload()
    booked = staff_page.locator("#slots tbody tr.booked")
    expect(booked).to_have_count(1)
    expect(booked).to_contain_text("Lan Tran")
    expect(booked).to_contain_text("Minh Tran")
    expect(booked).to_contain_text("Vietnamese")
    expect(booked).to_contain_text(f"{interpreter.display_name} (vi)")
    violations = serious_accessibility_violations(staff_page)
    assert not violations, describe_violations(violations)
