"""axe-core finds no serious or critical accessibility violation on the main pages.

A smoke check, not an audit: axe catches what a machine can (names, labels, contrast,
landmarks, table headers); keyboard use and screen-reader sense still need a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.people.models import ImportRun
from juntos.testing.browser import describe_violations, serious_accessibility_violations

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Runs:
    succeeded: ImportRun
    failed: ImportRun


@pytest.fixture
def runs(world: World) -> Runs:
    # Finished runs as the importer leaves them: the report page's tables are what is checked.
    admin = world.personas["district_admin"]
    succeeded = ImportRun.objects.create(
        district=world.district, created_by=admin, source_name="roster-2026-08.zip",
        path="/nonexistent.zip", status=ImportRun.Status.SUCCEEDED,
        report={"counts": {"students": {"created": 3, "updated": 1, "deleted": 0,
                                        "unchanged": 12}},
                "warnings": [{"file": "users.csv", "line": 4, "column": "email",
                              "reason": "Not an email address; left out."}]},
    )  # fmt: skip
    failed = ImportRun.objects.create(
        district=world.district, created_by=admin, source_name="roster-broken.zip",
        path="/nonexistent.zip", status=ImportRun.Status.FAILED,
        report={"errors": [{"file": "users.csv", "line": 7, "column": "role",
                            "reason": "Unknown role: wizard"}]},
    )  # fmt: skip
    return Runs(succeeded, failed)


# Each page: (who signs in, or None for anonymous; its path given the world and the runs).
PageSpec = tuple[str | None, Callable[[World, Runs], str]]
PAGES: dict[str, PageSpec] = {
    "home": (None, lambda w, r: "/"),
    "login": (None, lambda w, r: "/staff/login/"),
    "staff home": ("district_admin", lambda w, r: "/staff/"),
    "staff home of a teacher": ("teacher", lambda w, r: "/staff/"),
    "family list": ("district_admin", lambda w, r: "/staff/families/"),
    "family search": ("district_admin", lambda w, r: "/staff/families/?q=Tran"),
    "family search, nothing found": ("teacher", lambda w, r: "/staff/families/?q=Hassan"),
    "family detail": ("district_admin", lambda w, r: f"/staff/families/{w.north_family_2.pk}/"),
    "student detail": ("district_admin", lambda w, r: f"/staff/students/{w.north_student.pk}/"),
    "class roster": ("district_admin", lambda w, r: f"/staff/classes/{w.north_class.pk}/"),
    "import list": ("district_admin", lambda w, r: "/staff/imports/"),
    "import detail": ("district_admin", lambda w, r: f"/staff/imports/{r.succeeded.pk}/"),
    "import detail with errors": (
        "district_admin", lambda w, r: f"/staff/imports/{r.failed.pk}/",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_it_has_no_serious_accessibility_violations(
    name: str, world: World, runs: Runs, live_server: LiveServer, page: Page
) -> None:
    persona, path = PAGES[name]
    target = path(world, runs)
    url = live_server.url + target
    if persona is None:
        page.goto(url)
    else:
        # Sign in through the form, sent on to the page by ?next=.
        page.goto(f"{live_server.url}/staff/login/?next={quote(target)}")
        page.get_by_label("Username").fill(world.personas[persona].username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    violations = serious_accessibility_violations(page)
    assert not violations, f"{name} ({url}):\n{describe_violations(violations)}"
