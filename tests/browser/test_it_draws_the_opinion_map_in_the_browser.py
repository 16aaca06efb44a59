"""In a real browser (Debian's Chromium), the opinion map is drawn from its spec by walk.js on
the staff exchange page and, in Spanish, on the family page, with no script inline, no console
error and no serious accessibility violation."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.listening import analysis
from juntos.listening.tests.analysis_data import planted_exchange, rendition
from juntos.portal.session import SESSION_KEY
from juntos.testing.browser import (
    BrowserPages,
    describe_violations,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser


def assert_drawn(page: Page) -> None:
    drawing = page.locator("[data-vega-spec^='chart-opinion-map-']")
    expect(drawing).to_have_attribute("data-vega-state", "drawn")
    expect(drawing.locator("svg")).to_have_count(1)
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)


def test_the_map_is_drawn_for_staff_and_families(
    world: World,
    live_server: LiveServer,
    pages: BrowserPages,
    django_capture_on_commit_callbacks: Any,
) -> None:
    exchange, ideas, _planted = planted_exchange(world, {"A": 8, "B": 7, "C": 6})
    rendition(ideas[10], "es", "Maestros que nos saludan por nuestro nombre")
    rendition(ideas[11], "es", "Cartas a casa en nuestro idioma")
    with django_capture_on_commit_callbacks(execute=True):
        analysis.do_request_opinion_run(exchange=exchange)

    staff = pages.new_page()
    sign_in(staff, live_server.url, username="leader", password=PASSWORD)
    staff.goto(f"{live_server.url}/listening/exchanges/{exchange.pk}/")
    assert_drawn(staff)
    expect(staff.get_by_text("8 people")).to_be_visible()

    session = SessionStore()
    session[SESSION_KEY] = world.north_family.pk
    session.save()
    family = pages.new_page()
    family.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key or "",
          "url": live_server.url}]
    )  # fmt: skip
    family.goto(f"{live_server.url}/listening/x/{exchange.pk}/")
    heading = "Cómo se agrupan las opiniones de las familias"
    expect(family.get_by_role("heading", name=heading)).to_be_visible()
    assert_drawn(family)
    consensus = family.get_by_test_id("family-consensus")
    expect(consensus.get_by_text("Cartas a casa en nuestro idioma")).to_be_visible()
