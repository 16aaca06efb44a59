"""A district admin uploads OneRoster files through /staff/imports/ and reads the report.

In the live server the test settings run tasks synchronously when the upload's transaction
commits, so the import has finished by the time the browser follows the redirect.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, World
from juntos.people.actions import do_run_roster_import
from juntos.people.models import (
    Caregiver,
    CaregiverLink,
    ImportRun,
    School,
    Section,
    Staff,
    Student,
    StudentEnrollment,
)
from juntos.people.oneroster import progress_key

pytestmark = pytest.mark.browser

# A minimal OneRoster 1.1 bulk export: one district, one school, one school year, one class with
# its teacher, two students and a caregiver for each. Columns as the 1.1 specification lists
# them (the importer drops the ones it does not use, birthDate included).
MANIFEST = """\
propertyName,value
manifest.version,1.0
oneroster.version,1.1
file.academicSessions,bulk
file.categories,absent
file.classes,bulk
file.classResources,absent
file.courses,bulk
file.courseResources,absent
file.demographics,bulk
file.enrollments,bulk
file.lineItems,absent
file.orgs,bulk
file.resources,absent
file.results,absent
file.users,bulk
source.systemName,Browser test SIS
source.systemCode,browser-test
"""
ORGS = """\
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
org-district,,,Riverside Unified,district,RUSD,
org-lincoln,,,Lincoln Elementary,school,LE-100,org-district
"""
SESSIONS = """\
sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
sy-2027,,,2026-2027,schoolYear,2026-08-17,2027-06-04,,2027
"""
COURSES = """\
sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
course-g3,,,sy-2027,Grade 3,G3,03,org-lincoln,,
"""
CLASSES = """\
sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
class-3a,,,Room 12,03,course-g3,3A,homeroom,,org-lincoln,sy-2027,,,
"""
USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
)
USERS = [
    "t-1,,,true,org-lincoln,teacher,mrivera,,Marta,Rivera,,T100,marta.rivera@example.org,,,,,",
    "s-1,,,true,org-lincoln,student,,,Sofia,Nguyen,,S100,,,,g-1,03,",
    "s-2,,,true,org-lincoln,student,,,Mateo,Ortega,,S101,,,,g-2,03,",
    "g-1,,,true,,parent,,,Lan,Nguyen,,,lan.nguyen@example.org,,,s-1,,",
    "g-2,,,true,,guardian,,,Rosa,Ortega,,,rosa.ortega@example.org,,,s-2,,",
]
ENROLLMENTS = """\
sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e-1,,,class-3a,org-lincoln,t-1,teacher,true,,
e-2,,,class-3a,org-lincoln,s-1,student,false,,
e-3,,,class-3a,org-lincoln,s-2,student,false,,
"""
DEMOGRAPHICS = """\
sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus
s-1,,,2017-03-02,female,false,true,false,false,false,false,false,,,,
s-2,,,2017-05-20,male,false,false,false,false,true,false,true,,,,
"""


def roster_zip(folder: Path, name: str, users: list[str]) -> Path:
    files = {
        "manifest.csv": MANIFEST,
        "orgs.csv": ORGS,
        "academicSessions.csv": SESSIONS,
        "courses.csv": COURSES,
        "classes.csv": CLASSES,
        "users.csv": USERS_HEADER + "".join(f"{row}\n" for row in users),
        "enrollments.csv": ENROLLMENTS,
        "demographics.csv": DEMOGRAPHICS,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, text in files.items():
            archive.writestr(filename, text)
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


def snapshot() -> dict[str, Any]:
    """What an import may change, to compare before and after a refused one."""
    models: list[Any] = [
        School, Section, Student, Caregiver, CaregiverLink, Staff, StudentEnrollment,
    ]  # fmt: skip
    return {
        model.__name__: sorted(model.objects.values_list("pk", "is_active"))
        if hasattr(model, "is_active")
        else model.objects.count()
        for model in models
    }


@pytest.fixture
def admin_page(world: World, live_server: LiveServer, page: Page, settings: Settings,
               tmp_path: Path) -> Page:  # fmt: skip
    # Uploads are written under MEDIA_ROOT: keep them out of the repository's var/.
    settings.MEDIA_ROOT = tmp_path / "media"
    page.goto(f"{live_server.url}/staff/login/?next=/staff/imports/")
    page.get_by_label("Username").fill(world.personas["district_admin"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster imports")
    return page


def upload(page: Page, path: Path) -> None:
    page.get_by_label("OneRoster file").set_input_files(path)
    page.get_by_role("button", name="Import").click()


def counts_row(page: Page, entity: str) -> Any:
    """The "Changes" table's cells (created, updated, removed, unchanged) for one entity."""
    table = page.get_by_role("table", name="Changes")
    row = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=entity, exact=True)
    )
    return row.get_by_role("cell")


def test_it_imports_a_roster_and_shows_the_report(
    admin_page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    page = admin_page
    upload(page, roster_zip(tmp_path, "lincoln.zip", USERS))

    expect(page).to_have_url(re.compile(r"/staff/imports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster import: lincoln.zip")
    expect(page.locator("#import-progress")).to_contain_text("Imported")
    # Created column: what the file added.
    for entity, created in (
        ("schools", "1"), ("sections", "1"), ("students", "2"), ("caregivers", "2"),
        ("caregiver_links", "2"), ("staff", "1"), ("student_enrollments", "2"),
        ("section_assignments", "1"),
    ):  # fmt: skip
        expect(counts_row(page, entity).first).to_have_text(created)
    expect(page.get_by_role("heading", name="Problems to fix")).to_have_count(0)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert page.url == f"{live_server.url}/staff/imports/{run.pk}/"
    sofia = Student.objects.get(sourced_id="s-1")
    assert sofia.caregivers.get().display_name == "Lan Nguyen"
    assert Section.objects.get(sourced_id="class-3a").enrollments.count() == 2

    # The list of imports shows it too.
    page.get_by_role("link", name="All imports").click()
    expect(page.get_by_role("link", name="lincoln.zip")).to_be_visible()


def test_it_refuses_a_roster_with_a_bad_row_and_changes_nothing(
    admin_page: Page, tmp_path: Path
) -> None:
    page = admin_page
    upload(page, roster_zip(tmp_path, "lincoln.zip", USERS))
    expect(page.locator("#import-progress")).to_contain_text("Imported")
    before = snapshot()

    # A valid new student, then a user whose role is not a OneRoster role: the whole file is
    # refused, the valid row included. The header is line 1, so the wizard is on line 8.
    bad_rows = [*USERS, "s-3,,,true,org-lincoln,student,,,Ana,Lopez,,S102,,,,,03,",
                "x-1,,,true,org-lincoln,wizard,,,Merlin,Ambrosius,,,,,,,,"]  # fmt: skip
    page.get_by_role("link", name="All imports").click()
    upload(page, roster_zip(tmp_path, "broken.zip", bad_rows))

    expect(page.get_by_role("heading", level=1)).to_have_text("Roster import: broken.zip")
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Not imported")
    expect(page.get_by_role("heading", name="Problems to fix")).to_be_visible()
    errors = progress.get_by_role("table").filter(has_text="Problem")
    error_row = errors.get_by_role("row").filter(has_text="wizard")
    expect(error_row.get_by_role("cell")).to_have_text(
        ["users.csv", "8", "role", re.compile("'wizard' is not a OneRoster role")]
    )

    assert ImportRun.objects.filter(status=ImportRun.Status.FAILED).count() == 1
    assert snapshot() == before
    assert not Student.objects.filter(sourced_id="s-3").exists()


def test_it_asks_for_a_zip_file(admin_page: Page, tmp_path: Path) -> None:
    page = admin_page
    not_a_zip = tmp_path / "users.csv"
    not_a_zip.write_text(USERS_HEADER + USERS[0] + "\n")
    upload(page, not_a_zip)

    expect(page.get_by_role("heading", level=1)).to_have_text("Roster imports")
    file_input = page.get_by_label("OneRoster file")
    expect(file_input).to_have_accessible_description(
        re.compile("Please upload a .zip file containing the OneRoster CSV files")
    )
    expect(page.get_by_role("alert")).to_have_text(
        "Please upload a .zip file containing the OneRoster CSV files."
    )
    assert not ImportRun.objects.exists()


def test_it_follows_a_running_import_until_it_finishes(
    admin_page: Page, live_server: LiveServer, world: World, tmp_path: Path
) -> None:
    """The import page polls (htmx, every second) while the run is waiting or running."""
    page = admin_page
    run = ImportRun.objects.create(
        district=world.district,
        created_by=world.personas["district_admin"],
        source_name="lincoln.zip",
        path=str(roster_zip(tmp_path, "lincoln.zip", USERS)),
    )
    page.goto(f"{live_server.url}/staff/imports/{run.pk}/")
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Waiting")
    expect(progress.get_by_role("progressbar", name="Import progress")).to_be_visible()
    page.evaluate("window.juntosSamePage = true")

    # What the worker publishes while it runs (through the cache: its writes are invisible
    # until they commit). The page shows it on its next poll.
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    cache.set(progress_key(run.pk), {"done": 4, "total": 9, "phase": "parsing users.csv"})
    bar = progress.get_by_role("progressbar", name="parsing users.csv")
    expect(bar).to_have_attribute("value", "4")
    expect(bar).to_have_attribute("max", "9")

    # The worker claims only waiting runs: put it back, and let the real action run it.
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.PENDING)
    do_run_roster_import(run_id=run.pk)
    expect(progress).to_contain_text("Imported")
    expect(counts_row(page, "students").first).to_have_text("2")
    # Updated in place by htmx, never reloaded; and polling stopped with the run.
    assert page.evaluate("window.juntosSamePage") is True
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("every"))
