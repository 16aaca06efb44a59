"""Fixtures for the real-browser tests (``pytest -m browser``).

``browser`` is one headless Debian Chromium for the session; ``page`` is a fresh context (no
cookies) per test at a phone's size; ``pages`` opens more (another person, JavaScript off).
A failed test leaves a screenshot of each of its pages in ``test-artifacts/``; a passing test
whose pages logged a console error or failed to load an asset fails at teardown.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from juntos.testing.browser import (
    ACTION_TIMEOUT_MS,
    BrowserPages,
    ChromiumMissingError,
    PageWatch,
    artifact_stem,
    launch_chromium,
)

expect.set_options(timeout=ACTION_TIMEOUT_MS)

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Keep each phase's report on the item so that fixtures can tell, at teardown, whether the
    # test failed (and so whether to take screenshots).
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(node: pytest.Item) -> bool:
    reports = node.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Once started, Playwright's sync API leaves an asyncio event loop marked as running in this
    # thread for the rest of the session, and Django then refuses every ORM call made here
    # (SynchronousOnlyOperation), although none ever runs concurrently with the loop: the test
    # blocks while Playwright works. DJANGO_ALLOW_ASYNC_UNSAFE is Django's documented escape
    # hatch for exactly this case. It is set here rather than at import so that a run without
    # browser tests (`pytest -m "not browser"`) keeps Django's check.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as running:
            yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    try:
        launched = launch_chromium(playwright)
    except ChromiumMissingError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def pages(browser: Browser, request: pytest.FixtureRequest) -> Iterator[BrowserPages]:
    opened = BrowserPages(browser)
    try:
        yield opened
        if _failed(request.node):
            folder = request.config.rootpath / "test-artifacts"
            for path in opened.screenshot_all(folder, artifact_stem(request.node.nodeid)):
                print(f"screenshot: {path}")
            # Shown under "Captured stdout teardown": often the cause of the failure.
            for problem in opened.problems():
                print(f"browser problem: {problem}")
        elif problems := opened.problems():
            pytest.fail("The browser saw problems:\n  " + "\n  ".join(problems), pytrace=False)
    finally:
        opened.close()


@pytest.fixture
def page(pages: BrowserPages) -> Page:
    return pages.new_page()


@pytest.fixture
def page_watch(pages: BrowserPages, page: Page) -> PageWatch:
    return pages.watch_for(page)
