"""Issue 5 acceptance: text at 200% does not break layouts (WCAG 1.4.4, resize text).

Each family page (in English and in Arabic, right to left) and the main staff pages are opened
with the root font size doubled, as a browser's text-size setting does (the stylesheet sizes
text in rem and em, so everything grows), on a phone (390 px) and on a laptop (1280 px). The
page must not scroll sideways, and no box that hides its overflow may cut its text off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from conftest import World
from tests.browser.test_it_has_no_serious_accessibility_violations import (
    LocalizedPages,
    open_page,
)

pytestmark = pytest.mark.browser

# Like a browser's text size at 200%: the stylesheet's rem and em all follow the root's size.
TEXT_200 = ":root { font-size: 200% !important; }"
WIDTHS = (390, 1280)
FAMILY_PAGES = (
    "home", "request a link", "unknown link refused", "portal home", "preferences",
    "family event page", "conference booking", "family idea exchange", "commitments board",
)  # fmt: skip
STAFF_PAGES = (
    "staff sign-in", "staff home", "family list", "family detail", "class roster",
    "import detail with errors", "inbox", "conversation", "new announcement", "announcement",
    "events", "event", "event door", "new event", "translation to review", "conferences",
    "insights", "unreached families",
)  # fmt: skip
CASES = [(name, "en") for name in FAMILY_PAGES + STAFF_PAGES] + [
    (name, "ar") for name in FAMILY_PAGES
]


def layout_problems(page: Page) -> list[str]:
    """Sideways scrolling of the page, and boxes that clip their text."""
    found: list[str] = page.evaluate(
        """() => {
            const problems = [];
            const root = document.scrollingElement;
            if (root.scrollWidth > window.innerWidth + 1) {
                // Name the widest elements, to say what to fix.
                const wide = [...document.querySelectorAll("body *")]
                    .filter((el) => el.getBoundingClientRect().width > window.innerWidth + 1)
                    .slice(-3).map((el) => el.outerHTML.slice(0, 120));
                problems.push(`page is ${root.scrollWidth}px wide in ${window.innerWidth}px: `
                    + wide.join(" | "));
            }
            for (const el of document.querySelectorAll("body *")) {
                const style = getComputedStyle(el);
                const clips = ["hidden", "clip"].includes(style.overflowX)
                    || ["hidden", "clip"].includes(style.overflowY);
                // A 1px box is text kept for screen readers only, hidden on purpose.
                if (!clips || el.clientWidth < 2 || style.display === "none") continue;
                if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
                    problems.push(`clipped: ${el.outerHTML.slice(0, 120)}`);
                }
            }
            return problems;
        }"""
    )
    return found


@pytest.fixture
def localized(browser: Browser) -> Iterator[LocalizedPages]:
    opened = LocalizedPages(browser)
    try:
        yield opened
    finally:
        opened.close()


@pytest.mark.parametrize(("name", "language"), CASES)
def test_it_keeps_layouts_at_200_percent_text(
    name: str, language: str, world: World, live_server: LiveServer, localized: LocalizedPages
) -> None:
    page = localized.new_page(language)
    open_page(page, live_server, world, name, language)
    normal: Any = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    page.add_style_tag(content=TEXT_200)
    doubled: Any = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert doubled == pytest.approx(2 * normal), "the text did not grow to 200%"
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems += [f"{width}px: {problem}" for problem in layout_problems(page)]
    assert not problems, f"{name} ({language}) at 200% text:\n  " + "\n  ".join(problems)
    localized.assert_clean()
