"""Every demo role signs in through the public home page, in a real browser.

The demo district is built into the live server's database by ``seed_demo`` (seed 7, 150
students), exactly as ``make demo`` builds it; usernames and names are read back from the
database, never hard-coded beyond the documented ``<role>.<school-slug>`` pattern.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from juntos.people import queries
from juntos.people.models import Caregiver, CaregiverLink, Role, School, Section, Staff
from juntos.testing.browser import (
    BrowserPages,
    PageWatch,
    assert_assets_loaded,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "juntos-demo"
# Each role's username prefix in the demo (the district admin is plain "admin").
SCHOOL_ROLES = {
    "leader": Role.SCHOOL_LEADER,
    "counselor": Role.COUNSELOR,
    "liaison": Role.LIAISON,
    "teacher": Role.TEACHER,
}


@dataclass(frozen=True)
class Demo:
    schools: list[School]

    def staff(self, username: str) -> Staff:
        return Staff.objects.select_related("user").get(user__username=username)


@pytest.fixture
def demo(live_server: LiveServer) -> Demo:
    # The live server's database is the test database: seed it the way `make demo` does.
    # Its sign-in summary is not needed here (test_it_runs_the_demo_command checks it).
    call_command("seed_demo", "--seed", "7", "--students", "150", stdout=io.StringIO())
    schools = list(School.objects.order_by("name"))
    assert len(schools) >= 2, "the demo district should have several schools"
    return Demo(schools)


def _username(demo: Demo, account: str) -> str:
    """The demo username: "admin", or "<role>.<slug>" at the first school."""
    return account if account == "admin" else f"{account}.{demo.schools[0].slug}"


@pytest.mark.parametrize(
    ("account", "role"),
    [("admin", Role.DISTRICT_ADMIN), *SCHOOL_ROLES.items()],
    ids=["admin", *SCHOOL_ROLES],
)
def test_it_signs_in_and_out_as_each_role(
    account: str, role: Role, demo: Demo, live_server: LiveServer, page: Page
) -> None:
    username = _username(demo, account)
    staff = demo.staff(username)
    sign_in(page, live_server.url, username=username, password=DEMO_PASSWORD)

    expect(page).to_have_url(live_server.url + "/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {staff.given_name}")
    expect(page.get_by_role("region", name="Your roles")).to_contain_text(str(role.label))
    imports_link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Roster imports"
    )
    if role == Role.DISTRICT_ADMIN:
        expect(imports_link).to_be_visible()
    else:
        expect(imports_link).to_have_count(0)
    assert_assets_loaded(page)

    sign_out(page)
    expect(page).to_have_url(live_server.url + "/")
    # Signed out for real: the staff home sends back to sign-in.
    page.goto(live_server.url + "/staff/")
    expect(page.get_by_role("heading", level=1, name="Staff sign in")).to_be_visible()


def test_it_shows_a_teacher_their_classes_roster_and_families(
    demo: Demo, live_server: LiveServer, page: Page
) -> None:
    username = _username(demo, "teacher")
    teacher = demo.staff(username)
    sections = list(
        Section.objects.filter(assignments__staff=teacher, is_active=True).order_by("title")
    )
    assert sections, "the demo teacher should teach at least one class"

    sign_in(page, live_server.url, username=username, password=DEMO_PASSWORD)
    classes = page.get_by_role("region", name="Your classes")
    for section in sections:
        expect(classes.get_by_role("link", name=section.title, exact=True)).to_be_visible()

    section = sections[0]
    classes.get_by_role("link", name=section.title, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/staff/classes/{section.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(section.title)
    enrolled = section.enrollments.count()
    expect(page.get_by_role("table").locator("caption")).to_have_text(
        f"{enrolled} student" if enrolled == 1 else f"{enrolled} students"
    )

    # Open the first family listed in the roster.
    link = (
        CaregiverLink.objects.filter(student__enrollments__section=section)
        .select_related("caregiver")
        .order_by("student__family_name", "student__given_name", "pk")
        .first()
    )
    assert link is not None, "the demo class should have at least one family"
    family = link.caregiver
    page.locator(f'a[href="/staff/families/{family.pk}/"]').first.click()
    expect(page).to_have_url(f"{live_server.url}/staff/families/{family.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(family.display_name)


def _families_of_sections(section_ids: Any) -> set[int]:
    """Ids of caregivers linked to a student enrolled in one of these sections."""
    return set(
        CaregiverLink.objects.filter(student__enrollments__section__in=section_ids).values_list(
            "caregiver_id", flat=True
        )
    )


def _search_terms(demo: Demo) -> tuple[str, str]:
    """A search that finds a family of the teacher's own class, and one that finds (for the
    district admin) only families of another school's classes.

    Visibility is computed from enrollments directly, not through ``queries``, so the test does
    not trust the code it checks.
    """
    teacher = demo.staff(_username(demo, "teacher"))
    own = _families_of_sections(Section.objects.filter(assignments__staff=teacher))
    other = _families_of_sections(Section.objects.filter(school=demo.schools[1])) - own
    admin = demo.staff("admin").user

    def distinctive_name(candidates: set[int]) -> str:
        # A name that the district-wide search finds for this one family only.
        for caregiver in Caregiver.objects.filter(pk__in=candidates).order_by("pk"):
            term = caregiver.display_name
            if [c.pk for c in queries.search_caregivers(admin, term)] == [caregiver.pk]:
                return term
        raise AssertionError("no family in the demo district has a distinctive name")

    return distinctive_name(own), distinctive_name(other)


def _search_with_htmx(page: Page, term: str) -> None:
    """Type in the live search and wait for htmx's partial answer."""
    with page.expect_response(
        lambda r: "/staff/families/" in r.url and r.request.headers.get("hx-request") == "true"
    ) as answer:
        page.get_by_label("Search families").fill(term)
    assert answer.value.ok


def test_it_hides_another_schools_families_from_a_teacher(
    demo: Demo, live_server: LiveServer, page: Page, page_watch: PageWatch, pages: BrowserPages
) -> None:
    own_term, other_term = _search_terms(demo)
    username = _username(demo, "teacher")
    results = page.locator("#family-results")

    # With JavaScript: htmx swaps the results in place, without loading a new page.
    sign_in(page, live_server.url, username=username, password=DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    page.evaluate("window.juntosSamePage = true")
    _search_with_htmx(page, own_term)
    expect(results.get_by_role("link", name=own_term, exact=True)).to_be_visible()
    _search_with_htmx(page, other_term)
    expect(results).to_contain_text("No families found.")
    expect(results.get_by_role("link")).to_have_count(0)
    # The marker survives: the page was updated in place, never reloaded.
    assert page.evaluate("window.juntosSamePage") is True
    expect(page).to_have_url(re.compile(r"/staff/families/\?q="))
    page_watch.assert_clean()

    # Without JavaScript: the same form submits and the full page answers the same way.
    plain = pages.new_page(java_script_enabled=False)
    sign_in(plain, live_server.url, username=username, password=DEMO_PASSWORD)
    for term, found in ((own_term, True), (other_term, False)):
        plain.get_by_label("Search families").fill(term)
        plain.get_by_role("button", name="Search").click()
        expect(plain).to_have_url(re.compile(r"/staff/families/\?q="))
        plain_results = plain.locator("#family-results")
        if found:
            expect(plain_results.get_by_role("link", name=term, exact=True)).to_be_visible()
        else:
            expect(plain_results).to_contain_text("No families found.")
            expect(plain_results.get_by_role("link")).to_have_count(0)


def test_it_refuses_a_wrong_password(demo: Demo, live_server: LiveServer, page: Page) -> None:
    sign_in(page, live_server.url, username="admin", password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_role("heading", level=1, name="Staff sign in")).to_be_visible()
    # Still signed out.
    page.goto(live_server.url + "/staff/")
    expect(page.get_by_role("heading", level=1, name="Staff sign in")).to_be_visible()
