"""The data walk in Chromium, at a phone's size: North Elementary's school leader opens the
walk, sees reach by home language drawn by vega-embed (the Somali families visibly behind),
adds an observation to that chart from the phone, and turns it into a priority of the school's
partnership team. axe finds no serious violation on the way."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.insights import walks
from juntos.insights.models import Observation
from juntos.insights.tests.test_it_shows_the_walk_page import walk_school
from juntos.teams import actions as team_actions
from juntos.teams.models import Priority, Reality
from juntos.testing.browser import describe_violations, serious_accessibility_violations, sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "data-walk"
NOTICE = "Not one Somali-speaking family got our last message."


def test_it_walks_the_data_with_the_team(world: World, live_server: LiveServer, page: Page) -> None:
    walk_school(world)
    team = team_actions.do_create_team(
        district_id=world.district.pk, school_id=world.north.pk, name="North partnership team"
    )

    sign_in(page, live_server.url, username="leader", password=PASSWORD)
    page.get_by_role("link", name="Data walk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data walk: North Elementary")
    reach = page.locator(f"#figure-{walks.REACH_LANGUAGE}")
    drawing = reach.locator("[data-vega-spec]")
    expect(drawing).to_have_attribute("data-vega-state", "drawn")
    svg = drawing.locator("svg")
    expect(svg).to_be_visible()
    # Vega draws the groups' names and the reached shares as SVG text: Somali at 0%.
    expect(svg).to_contain_text("Somali")
    expect(svg).to_contain_text("Spanish")
    expect(svg).to_contain_text("0%")
    expect(svg).to_contain_text("100%")
    # On a phone the drawing fits the screen.
    box = svg.bounding_box()
    assert box is not None and box["width"] <= 390
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)

    section = page.locator("section.walk-item", has=reach)
    section.get_by_label("I notice").check()
    section.get_by_label("Your observation").fill(NOTICE)
    section.get_by_role("button", name="Add my observation").click()
    expect(page.get_by_role("status")).to_contain_text("Your observation is added.")
    observation = Observation.objects.get()
    assert (observation.chart, observation.kind, observation.school) == (
        walks.REACH_LANGUAGE, "notice", world.north,
    )  # fmt: skip
    item = page.locator(f"#observation-{observation.pk}")
    expect(item).to_contain_text(NOTICE)

    item.get_by_label("Team:", exact=True).select_option(label="North partnership team")
    item.get_by_label("The team sees it as a").select_option(label="Need")
    item.get_by_role("button", name="Make it a priority").click()
    expect(page.get_by_role("status")).to_contain_text(
        "It is now a priority of North partnership team."
    )
    expect(page.locator(f"#observation-{observation.pk}")).to_contain_text(
        f"Priority of the team: {NOTICE}"
    )
    # For people to look at: the walk on a phone, after the observation became a priority.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "walk-phone.png"), full_page=True)
    priority = Priority.objects.get(team=team)
    assert priority.text == NOTICE
    assert priority.reality is not None and priority.reality.kind == Reality.Kind.NEED
    violations = serious_accessibility_violations(page)
    assert not violations, describe_violations(violations)
