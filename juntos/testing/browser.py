"""Shared helpers for the real-browser tests: Playwright driving Debian's Chromium.

Playwright's own browser download is never used (there is no network in CI but the package
registries): the tests drive the ``chromium`` found on ``PATH`` (``make browser`` installs it).

* :func:`launch_chromium` starts one headless Chromium for the whole test session;
* :class:`BrowserPages` opens one fresh context (cookies, storage) per page, watches every page
  for console errors, failed requests and broken assets, and screenshots them on failure;
* :func:`sign_in` and :func:`sign_out` walk the staff sign-in pages the way a person does;
* :func:`serious_accessibility_violations` runs axe-core in the page.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    ViewportSize,
    expect,
)

# Chromium flags for a quiet, reproducible headless run: no sandbox (CI containers run as root),
# no GPU, and none of the background traffic (updates, sync, QUIC probes) that would try to reach
# the network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
# Mobile first: most families and many liaisons use Juntos on a phone.
MOBILE_VIEWPORT: ViewportSize = {"width": 390, "height": 844}
# English pages whatever the machine's locale: assertions read English text, and
# LocaleMiddleware would otherwise follow Chromium's Accept-Language.
LOCALE = "en-US"
# Generous for a loaded CI machine; a passing test never waits this long (Playwright auto-waits
# only until the condition holds).
ACTION_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 15_000
# axe-core impacts that fail the accessibility smoke check.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


class ChromiumMissingError(RuntimeError):
    pass


def chromium_executable() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise ChromiumMissingError(
            "Chromium is missing: the browser tests drive Debian's Chromium, not a Playwright "
            "download. Install it with `make browser` (or `apt-get install chromium`)."
        )
    return path


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=chromium_executable(), headless=True, args=list(CHROMIUM_ARGS)
    )


@dataclass
class PageWatch:
    """Everything that went wrong in a page that no assertion on its content would notice.

    Recorded: uncaught JavaScript errors, console errors, requests that failed at the network
    level, any 5xx answer, and 4xx answers to anything but a page itself (a stylesheet, a script,
    an htmx request). A 4xx page is the application's deliberate answer (a 400 form with errors)
    and is checked by the test's own assertions.
    """

    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> PageWatch:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        # Chromium also logs "Failed to load resource" for every error response; those are
        # judged (with their URL and resource type) in _on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def _on_page_error(self, error: Exception) -> None:
        self.problems.append(f"uncaught JavaScript error: {error}")

    def _on_request_failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response: Response) -> None:
        is_page = response.request.resource_type == "document"
        if response.status >= 500 or (response.status >= 400 and not is_page):
            self.problems.append(
                f"HTTP {response.status} for {response.request.resource_type} "
                f"{response.request.method} {response.url}"
            )

    def assert_clean(self) -> None:
        if self.problems:
            raise AssertionError("The browser saw problems:\n  " + "\n  ".join(self.problems))


@dataclass
class _Opened:
    context: BrowserContext
    page: Page
    watch: PageWatch


class BrowserPages:
    """Pages opened during one test, each in its own browser context (its own cookies)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self._opened: list[_Opened] = []

    def new_page(
        self, *, java_script_enabled: bool = True, viewport: ViewportSize = MOBILE_VIEWPORT
    ) -> Page:
        context = self.browser.new_context(
            viewport=viewport, locale=LOCALE, java_script_enabled=java_script_enabled
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        page = context.new_page()
        self._opened.append(_Opened(context, page, PageWatch().attach(page)))
        return page

    def watch_for(self, page: Page) -> PageWatch:
        for opened in self._opened:
            if opened.page is page:
                return opened.watch
        raise LookupError("This page was not opened through BrowserPages.new_page")

    def problems(self) -> list[str]:
        return [problem for opened in self._opened for problem in opened.watch.problems]

    def screenshot_all(self, folder: Path, stem: str) -> list[Path]:
        """Save a full-page screenshot of every open page; never raises (it runs on failure)."""
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        for number, opened in enumerate(self._opened, start=1):
            target = folder / f"{stem}-{number}.png"
            try:
                opened.page.screenshot(path=str(target), full_page=True)
            except Exception:  # noqa: S112 - a closed or crashed page has nothing to show
                continue
            saved.append(target)
        return saved

    def close(self) -> None:
        for opened in self._opened:
            opened.context.close()
        self._opened.clear()


def artifact_stem(nodeid: str) -> str:
    """A file name for a test's artifacts: its node id with anything unsafe replaced."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:150]


def sign_in(page: Page, base_url: str, *, username: str, password: str) -> None:
    """From the public home page, follow "Staff sign in" and submit the sign-in form."""
    page.goto(base_url + "/")
    page.get_by_role("link", name="Staff sign in").click()
    expect(page.get_by_role("heading", level=1, name="Staff sign in")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    """Sign out through the header's POST form; lands on the public home page."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Staff sign in")).to_be_visible()


def assert_assets_loaded(page: Page) -> None:
    """The page's stylesheet and htmx arrived and were applied (a 404 would leave them out)."""
    stylesheet_applied = page.evaluate(
        """() => [...document.styleSheets].some(
            (sheet) => (sheet.href || "").endsWith("/static/juntos.css")
                && sheet.cssRules.length > 0
        )"""
    )
    if not stylesheet_applied:
        raise AssertionError(f"/static/juntos.css did not load in {page.url}")
    htmx_version = page.evaluate("() => window.htmx ? window.htmx.version : null")
    if not isinstance(htmx_version, str):
        raise AssertionError(f"htmx did not load in {page.url}")


def serious_accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of impact "serious" or "critical" in the page as it is now."""
    # Imported here so that only the accessibility check pays for loading axe's script.
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations: list[dict[str, Any]] = results.response["violations"]
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(
            f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}"
            for node in violation["nodes"]
        )
    return "\n".join(lines)
