"""It checks the whole roster first and writes nothing when any row has an error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from juntos.people import models as m
from juntos.people.oneroster import import_path
from juntos.people.tests.test_it_imports_oneroster import (
    BULK_11,
    USERS_HEADER,
    copy_fixture,
    dump_rows,
    table_counts,
    write_roster,
)


@pytest.fixture
def district(db: None) -> m.District:
    return m.District.objects.create(name="Riverside", slug="riverside")


def broken_copy(tmp_path: Path) -> Path:
    """The good fixture with one bad role and one enrollment for a class that does not exist."""
    folder = copy_fixture(BULK_11, tmp_path / "broken")
    users = folder / "users.csv"
    users.write_bytes(
        users.read_bytes().replace(b",sch-south,teacher,mkhan,", b",sch-south,teachr,mkhan,")
    )
    with (folder / "enrollments.csv").open("ab") as file:
        file.write(b"enr-8,,,cls-missing,sch-north,s-mohammed,student,,,\r\n")
    return folder


def test_one_bad_role_and_one_missing_class_write_nothing(
    district: m.District, tmp_path: Path
) -> None:
    # A first, good import, so that there is something that must stay as it is.
    assert import_path(BULK_11, district=district).ok
    m.Student.objects.filter(sourced_id="s-ana").update(given_name="Ana María")
    before, counts = dump_rows(), table_counts()
    folder = broken_copy(tmp_path)

    for options in ([], ["--dry-run"]):
        out = io.StringIO()
        with pytest.raises(CommandError, match="2 error"):
            call_command("import_oneroster", str(folder), *options, stdout=out)

        assert table_counts() == counts
        assert dump_rows() == before
        lines = out.getvalue().splitlines()
        errors = lines[lines.index("errors (2):") + 1 :][:2]
        assert errors == [
            "  users.csv:3: role: 'teachr' is not a OneRoster role (student, teacher, aide, "
            "administrator, guardian, parent, relative…)",
            # Line 10: the file has a blank line 5, which is skipped but counted.
            "  enrollments.csv:10: classSourcedId: no class 'cls-missing' in classes.csv",
        ]
        assert "total: 0 created, 0 updated, 0 deleted" in out.getvalue()


def test_the_report_lists_every_problem_with_its_physical_line(
    district: m.District, tmp_path: Path
) -> None:
    folder = write_roster(
        tmp_path / "many",
        {
            "orgs.csv": """
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
sch-1,,,"Lincoln
Elementary",school,,
sch-1,,,Duplicate,school,,
sch-2,,,Kennedy,campus,,
sch-3,,yesterday,Roosevelt,school,,
""",
            "academicSessions.csv": """
sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
y1,,,2025-2026,schoolYear,08/15/2025,2026-06-10,,2026
y2,,,2026-2027,schoolYear,2026-08-15,2026-06-10,,2027
""",
            "courses.csv": """
sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
c-1,,,,Reading,,,sch-1,,
""",
            "classes.csv": """
sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
k-1,,,"Reading, ""A"" group",,c-9,,scheduled,,sch-9,,,,
k-2,,,Reading B,,c-1,,lecture,,sch-1,,,,
""",
            "users.csv": f"""
{USERS_HEADER}
u-1,,,true,sch-1,student,,,,Nobody,,,,,,,,,,,
u-2,,,true,,teacher,,,Tina,Teach,,,,,,,,,,,
u-3,,,true,sch-1,student,,,Sam,Student,,,,,,,,,,,
u-3,,,true,sch-1,student,,,Sam,Again,,,,,,,,,,,
""",
            "enrollments.csv": """
sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e-1,,,k-2,sch-1,u-404,student,,,
e-2,,,k-2,sch-1,u-3,teacher,,2025-13-01,
""",
        },
    )

    report = import_path(folder, district=district)

    assert not report.ok
    assert not report.written
    assert [str(problem) for problem in report.errors] == [
        # The quoted line break makes line 2-3 one row: the duplicate is on line 4.
        "orgs.csv:4: sourcedId: 'sch-1' is already on line 2",
        "orgs.csv:5: type: 'campus' is not one of department, district, local, national, "
        "school, state",
        "orgs.csv:6: dateLastModified: 'yesterday' is not a date and time like "
        "2024-08-15T14:30:00Z",
        "academicSessions.csv:2: startDate: '08/15/2025' is not a date like 2024-08-15",
        "academicSessions.csv:3: endDate: is before startDate",
        "classes.csv:2: schoolSourcedId: no school 'sch-9' in orgs.csv",
        "classes.csv:2: courseSourcedId: no course 'c-9' in courses.csv",
        "classes.csv:3: classType: 'lecture' is not homeroom or scheduled",
        "users.csv:2: givenName: is required",
        "users.csv:3: orgSourcedIds: is required for a teacher",
        "users.csv:5: sourcedId: 'u-3' is already on line 4",
        "enrollments.csv:2: userSourcedId: no user 'u-404' in users.csv",
        "enrollments.csv:3: beginDate: '2025-13-01' is not a date like 2024-08-15",
    ]
    assert m.School.objects.count() == 0


def test_a_missing_header_column_is_one_error_for_the_file(
    district: m.District, tmp_path: Path
) -> None:
    folder = write_roster(
        tmp_path / "header",
        {"users.csv": "sourcedId,role,orgSourcedIds,givenName\nu-1,student,sch-1,Ana\n"},
    )

    report = import_path(folder, district=district)

    assert [str(problem) for problem in report.errors] == [
        "users.csv:1: familyName: is missing from the header"
    ]
