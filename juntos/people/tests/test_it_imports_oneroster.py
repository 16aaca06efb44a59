"""It imports a OneRoster CSV roster (1.1 and 1.2, bulk and delta) into the district's people."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from juntos.people import models as m
from juntos.people.oneroster import ImportReport, import_path, parse_phone

FIXTURES = Path(__file__).parent / "fixtures" / "oneroster"
BULK_11 = FIXTURES / "v11_bulk"

USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "metadata.homeLanguage,metadata.relationship,metadata.doNotContact"
)
ENROLLMENTS_HEADER = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate"
)


def write_roster(folder: Path, files: dict[str, str]) -> Path:
    """Write CSV files (text given with \\n line ends) into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text.lstrip("\n"), encoding="utf-8", newline="")
    return folder


def copy_fixture(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def dump_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every people table and of the user table, for before/after comparisons."""
    models = [*apps.get_app_config("people").get_models(), get_user_model()]
    dump = {
        model._meta.label: list(model._default_manager.order_by("pk").values()) for model in models
    }
    through = m.Section.sessions.through
    dump["section_sessions"] = [dict(row) for row in through.objects.order_by("pk").values()]
    return dump


def table_counts() -> dict[str, int]:
    return {label: len(rows) for label, rows in dump_rows().items()}


def counts_of(report: ImportReport, *entities: str) -> dict[str, tuple[int, int, int, int]]:
    """(created, updated, deleted, unchanged) per entity."""
    return {
        entity: (
            report.counts[entity]["created"],
            report.counts[entity]["updated"],
            report.counts[entity]["deleted"],
            report.counts[entity]["unchanged"],
        )
        for entity in entities
    }


@pytest.fixture
def district(db: Any) -> m.District:
    return m.District.objects.create(name="Riverside", slug="riverside", default_language="en")


def phones_of(sourced_id: str) -> set[str]:
    return set(
        m.ContactPoint.objects.filter(
            caregiver__sourced_id=sourced_id, kind=m.ContactPoint.Kind.PHONE
        ).values_list("value", flat=True)
    )


def test_it_imports_the_edge_cases_of_a_11_folder(district: m.District) -> None:
    report = import_path(BULK_11, district=district)

    assert report.ok, [str(problem) for problem in report.errors]
    assert report.version == "1.1"
    assert report.written
    assert counts_of(report, *report.counts) == {
        "district": (0, 1, 0, 0),
        "schools": (2, 0, 0, 0),
        "academic_sessions": (3, 0, 0, 0),
        "courses": (3, 0, 0, 0),
        "sections": (2, 0, 0, 0),
        "students": (4, 0, 0, 0),
        "student_schools": (4, 0, 0, 0),
        "demographics": (4, 0, 0, 0),
        "caregivers": (4, 0, 0, 0),
        "caregiver_links": (5, 0, 0, 0),
        "contact_points": (6, 0, 0, 0),
        "staff": (3, 0, 0, 0),
        "staff_roles": (3, 0, 0, 0),
        "student_enrollments": (4, 0, 0, 0),
        "section_assignments": (2, 0, 0, 0),
    }
    district.refresh_from_db()
    assert (district.sourced_id, district.name) == ("d-1", "Riverside Unified")

    # Quoted commas (and a quoted line break in an unused column) read right.
    north = m.School.objects.get(sourced_id="sch-north")
    assert north.name == "North Elementary, Main Campus"
    assert north.slug == "north-elementary-main-campus"
    assert not m.School.objects.filter(sourced_id="dept-sci").exists()
    assert m.Course.objects.get(sourced_id="crs-math").school is None
    term = m.AcademicSession.objects.get(sourced_id="sem1")
    assert term.parent is not None and term.parent.sourced_id == "y2026"
    science = m.Section.objects.get(sourced_id="cls-sci6")
    assert science.title == "Science 6, Period 2"
    assert science.grades == ["06", "07"]
    assert science.kind == m.Section.Kind.SCHEDULED
    assert {s.sourced_id for s in science.sessions.all()} == {"sem1", "sem2"}
    assert m.Section.objects.get(sourced_id="cls-room4").kind == m.Section.Kind.HOMEROOM

    # Names in every script, exactly as written.
    names = {
        s.sourced_id: (s.given_name, s.family_name, s.middle_name, s.home_language, s.grade)
        for s in m.Student.objects.all()
    }
    assert names == {
        "s-mohammed": ("محمد", "الحسن", "", "ar", "03"),
        "s-xiaoming": ("小明", "王", "", "zh", "03"),
        "s-lan": ("Lan", "Nguyễn Thị", "", "vi", "06"),
        "s-ana": ('Ana "Annie"', "López, Jr.", "María", "es", "06"),
    }

    # A guardian of students at two schools is one caregiver; a student has several agents.
    assert m.Caregiver.objects.count() == 4
    lan = m.Caregiver.objects.get(sourced_id="g-lan")
    assert {s.sourced_id for s in lan.students.all()} == {"s-xiaoming", "s-lan"}
    mohammed = m.Student.objects.get(sourced_id="s-mohammed")
    assert {c.sourced_id for c in mohammed.caregivers.all()} == {"g-fatima", "g-ahmed"}
    links = {
        (link.caregiver.sourced_id, link.student.sourced_id): (link.relationship, link.may_contact)
        for link in m.CaregiverLink.objects.select_related("caregiver", "student")
    }
    assert links == {
        ("g-fatima", "s-mohammed"): ("mother", True),
        ("g-ahmed", "s-mohammed"): ("guardian", True),
        ("g-lan", "s-xiaoming"): ("grandparent", True),
        ("g-lan", "s-lan"): ("grandparent", True),
        ("g-rosa", "s-ana"): ("aunt_uncle", False),
    }

    # Phones in several US formats, as E.164; invalid ones are skipped with a warning.
    assert phones_of("g-fatima") == {"+13125550101"}
    assert phones_of("g-ahmed") == {"+13125550102"}
    assert phones_of("g-lan") == {"+13125550103", "+13125550104"}
    assert phones_of("g-rosa") == {"+13125550105"}
    emails = set(
        m.ContactPoint.objects.filter(kind=m.ContactPoint.Kind.EMAIL).values_list(
            "value", flat=True
        )
    )
    assert emails == {"fatima@example.org"}
    assert not m.ContactPoint.objects.filter(from_roster=False).exists()
    phones = m.ContactPoint.objects.filter(kind=m.ContactPoint.Kind.PHONE)
    assert all(phones.values_list("sms_capable", flat=True))

    caregivers = {
        c.sourced_id: (c.preferred_language, c.channel_preferences, c.sms_consent_method)
        for c in m.Caregiver.objects.all()
    }
    assert caregivers == {
        # No language of her own: her child's.
        "g-fatima": ("ar", ["sms", "email", "voice"], "roster"),
        "g-ahmed": ("so", ["sms", "voice"], ""),
        "g-lan": ("vi", ["sms", "voice"], "roster"),
        # "Klingonese" is no language: her child's, with a warning.
        "g-rosa": ("es", ["sms", "voice"], "roster"),
    }
    assert all(c.reads_preferred_language for c in m.Caregiver.objects.all())
    assert m.Caregiver.objects.get(sourced_id="g-lan").sms_consent_at is not None
    assert m.Caregiver.objects.get(sourced_id="g-ahmed").sms_consent_at is None

    warnings = [str(problem) for problem in report.warnings]
    assert "users.csv:12: phone: is not a valid phone number: not imported" in warnings
    assert "users.csv:12: email: is not a valid email address: not imported" in warnings
    assert any(w.startswith("users.csv:12: metadata.homeLanguage: 'Klingonese'") for w in warnings)
    assert not any("3125550105" in w or "rosa@" in w for w in warnings)

    # Staff: one user each, no usable password, roles mapped.
    staff = {s.sourced_id: s for s in m.Staff.objects.select_related("user")}
    assert {sid: s.user.username for sid, s in staff.items()} == {
        "t-rivera": "jrivera",
        "t-khan": "mkhan",
        "a-green": "pgreen",
    }
    assert not any(s.user.has_usable_password() for s in staff.values())
    assert staff["t-rivera"].email == "jrivera@riverside.example.org"
    roles = {
        (r.staff.sourced_id, r.role, r.school.sourced_id if r.school else None, r.from_roster)
        for r in m.StaffRole.objects.select_related("staff", "school")
    }
    assert roles == {
        ("t-rivera", "teacher", "sch-north", True),
        ("t-khan", "teacher", "sch-south", True),
        ("a-green", "school_leader", "sch-north", True),
    }
    enrollment = m.StudentEnrollment.objects.get(sourced_id="enr-2")
    assert (str(enrollment.begin_date), str(enrollment.end_date)) == ("2025-08-15", "2026-06-10")
    assert m.SectionAssignment.objects.filter(is_primary=True).count() == 2
    assert m.Demographics.objects.get(student__sourced_id="s-ana").hispanic_or_latino is True
    assert m.Demographics.objects.get(student__sourced_id="s-lan").sex == "female"
    assert set(
        m.StudentSchool.objects.values_list("student__sourced_id", "school__sourced_id")
    ) == {
        ("s-mohammed", "sch-north"),
        ("s-xiaoming", "sch-north"),
        ("s-lan", "sch-south"),
        ("s-ana", "sch-south"),
    }


def test_it_imports_the_same_folder_as_a_zip(district: m.District, tmp_path: Path) -> None:
    archive = tmp_path / "roster.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in BULK_11.iterdir():
            # Exports often wrap the files in a folder.
            zf.write(file, f"export-2025-09-01/{file.name}")
        zf.writestr("__MACOSX/export-2025-09-01/._users.csv", b"\x00\x05junk")

    report = import_path(archive, district=district)

    assert report.ok, [str(problem) for problem in report.errors]
    assert m.Student.objects.count() == 4
    assert m.Caregiver.objects.count() == 4
    assert m.ContactPoint.objects.count() == 6
    assert m.StudentEnrollment.objects.count() == 4


def test_a_second_identical_run_changes_nothing(district: m.District) -> None:
    call_command("import_oneroster", str(BULK_11), stdout=io.StringIO())
    before = dump_rows()

    out = io.StringIO()
    call_command("import_oneroster", str(BULK_11), stdout=out)

    assert "total: 0 created, 0 updated, 0 deleted" in out.getvalue()
    assert dump_rows() == before
    report = import_path(BULK_11, district=district)
    assert report.totals() == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 50}


def test_a_dry_run_counts_without_writing(district: m.District) -> None:
    before = dump_rows()
    out = io.StringIO()

    call_command("import_oneroster", str(BULK_11), "--dry-run", stdout=out)

    assert dump_rows() == before
    assert "total: 49 created, 1 updated, 0 deleted" in out.getvalue()
    assert "dry run, nothing written" in out.getvalue()


def test_it_imports_the_12_format_with_roles(district: m.District, tmp_path: Path) -> None:
    folder = write_roster(
        tmp_path / "v12",
        {
            "manifest.csv": """
propertyName,value
manifest.version,1.0
oneroster.version,1.2
file.orgs,bulk
file.users,bulk
file.roles,bulk
file.classes,bulk
file.courses,bulk
file.academicSessions,bulk
file.enrollments,bulk
file.demographics,absent
file.userProfiles,absent
""",
            "orgs.csv": """
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
d-1,,,Riverside Unified,district,,
sch-a,,,Adams Elementary,school,,d-1
sch-b,,,Baker Middle,school,,d-1
""",
            "academicSessions.csv": """
sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
y26,,,2025-2026,schoolYear,2025-08-15,2026-06-10,,2026
""",
            "courses.csv": """
sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
c-1,,,y26,Reading 2,READ2,02,sch-a,,
""",
            "classes.csv": """
sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
k-1,,,Reading 2A,02,c-1,R2A,scheduled,,sch-a,y26,,,
""",
            "users.csv": """
sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns,metadata.homeLanguage
u-kid,,,true,,,Guadalupe,Ramírez,,S9,,,,u-mom,02,,,,Lupita,,,sch-a,,es
u-mom,,,true,,,Carmen,Ramírez,,,carmen@example.org,312-555-0150,,u-kid,,,,,,,,sch-a,,
u-teach,,,true,ateach,,Alex,Teach,,,alex@example.org,,,,,,,,,,,sch-a,,
u-couns,,,true,,,Casey,Counsel,,,casey@example.org,,,,,,,,,,,sch-b,,
u-super,,,true,,,Dana,Boss,,,dana@example.org,,,,,,,,,,,d-1,,
u-proctor,,,true,,,Pat,Proctor,,,,,,,,,,,,,,sch-a,,
""",
            "roles.csv": """
sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
r-1,,,u-kid,primary,student,,,sch-a,
r-2,,,u-mom,primary,parent,,,sch-a,
r-3,,,u-teach,primary,teacher,,,sch-a,
r-4,,,u-teach,secondary,teacher,,,sch-b,
r-5,,,u-couns,primary,counselor,,,sch-b,
r-6,,,u-super,primary,districtAdministrator,,,d-1,
r-7,,,u-proctor,primary,proctor,,,sch-a,
r-8,,,u-couns,secondary,principal,,,sch-b,
""",
            "enrollments.csv": f"""
{ENROLLMENTS_HEADER}
e-1,,,k-1,sch-a,u-teach,teacher,true,,
e-2,,,k-1,sch-a,u-kid,student,false,,
""",
        },
    )

    report = import_path(folder, district=district)

    assert report.ok, [str(problem) for problem in report.errors]
    assert report.version == "1.2"
    kid = m.Student.objects.get(sourced_id="u-kid")
    assert (kid.given_name, kid.preferred_name, kid.home_language) == ("Guadalupe", "Lupita", "es")
    assert list(kid.schools.values_list("sourced_id", flat=True)) == ["sch-a"]
    mom = m.Caregiver.objects.get(sourced_id="u-mom")
    assert mom.preferred_language == "es"
    assert m.CaregiverLink.objects.get(caregiver=mom, student=kid).relationship == "parent"
    assert phones_of("u-mom") == {"+13125550150"}
    roles = {
        (r.staff.sourced_id, r.role, r.school.sourced_id if r.school else None)
        for r in m.StaffRole.objects.select_related("staff", "school")
    }
    assert roles == {
        ("u-teach", "teacher", "sch-a"),
        ("u-teach", "teacher", "sch-b"),
        ("u-couns", "counselor", "sch-b"),
        ("u-couns", "school_leader", "sch-b"),
        ("u-super", "district_admin", None),
    }
    # A proctor has nothing to do in Juntos.
    assert not m.Staff.objects.filter(sourced_id="u-proctor").exists()
    assert m.Staff.objects.get(sourced_id="u-super").user.is_staff is False
    assert m.SectionAssignment.objects.get().staff.sourced_id == "u-teach"
    assert m.StudentEnrollment.objects.get().student == kid

    again = import_path(folder, district=district)
    assert (again.totals()["created"], again.totals()["updated"]) == (0, 0)


def test_a_delta_deletes_updates_and_ignores_stale_rows(
    district: m.District, tmp_path: Path
) -> None:
    assert import_path(BULK_11, district=district).ok
    ana = m.Student.objects.get(sourced_id="s-ana")
    rosa = m.Caregiver.objects.get(sourced_id="g-rosa")
    opted_out = datetime(2025, 10, 1, tzinfo=UTC)
    m.ContactPoint.objects.filter(value="+13125550103").update(opted_out_at=opted_out)
    folder = write_roster(
        tmp_path / "delta",
        {
            "manifest.csv": """
propertyName,value
oneroster.version,1.1
file.users,delta
file.enrollments,delta
file.orgs,absent
file.classes,absent
file.courses,absent
file.academicSessions,absent
file.demographics,absent
""",
            "users.csv": "\n".join(
                [
                    USERS_HEADER,
                    "g-ahmed,active,2026-01-10T08:00:00Z,true,sch-north,guardian,,,Ahmed,Hassan"
                    ",,,,,(312) 555-0199,,,,Somali,,",
                    "s-ana,tobedeleted,2026-01-10T08:00:00Z,,,,,,,,,,,,,,,,,,",
                    "g-fatima,active,2025-06-01T00:00:00Z,true,sch-north,parent,,,Fatma,Old"
                    ",,,,,,s-mohammed,,,,,",
                    'g-lan,active,2026-01-10T08:00:00Z,true,"sch-north,sch-south",guardian,,'
                    ',Thị Lan,Nguyễn,,,,+1 312 555 0103,,"s-xiaoming,s-lan",,,Vietnamese'
                    ",grandmother,",
                    "s-new,active,2026-01-10T08:00:00Z,true,sch-north,student,,,Nour,Haddad"
                    ",,S010,,,,g-ahmed,03,,ar,,",
                ]
            ),
            "enrollments.csv": f"""
{ENROLLMENTS_HEADER}
enr-6,tobedeleted,2026-01-10T08:00:00Z,cls-sci6,sch-south,s-ana,student,,,
enr-9,active,2026-01-10T08:00:00Z,cls-room4,sch-north,s-new,student,,2026-01-10,
""",
        },
    )

    report = import_path(folder, district=district)

    assert report.ok, [str(problem) for problem in report.errors]
    assert report.files["users.csv"] == "delta"
    # tobedeleted: the student is deactivated and loses their links and enrollments.
    ana.refresh_from_db()
    assert ana.is_active is False
    assert not m.CaregiverLink.objects.filter(student=ana).exists()
    assert not m.StudentEnrollment.objects.filter(student=ana).exists()
    assert not m.StudentSchool.objects.filter(student=ana).exists()
    # Rosa is not in the delta: she stays, with her contacts.
    rosa.refresh_from_db()
    assert rosa.is_active is True
    assert phones_of("g-rosa") == {"+13125550105"}
    # A phone changed.
    assert phones_of("g-ahmed") == {"+13125550199"}
    # A stale row (older than what is stored) is ignored, with a warning.
    fatima = m.Caregiver.objects.get(sourced_id="g-fatima")
    assert (fatima.given_name, fatima.family_name) == ("Fatima", "الحسن")
    assert "users.csv:4: dateLastModified: is older than the stored record: row ignored" in [
        str(w) for w in report.warnings
    ]
    # g-lan dropped her second number; the one she opted out on keeps its opt-out.
    assert phones_of("g-lan") == {"+13125550103"}
    kept = m.ContactPoint.objects.get(value="+13125550103")
    assert kept.opted_out_at == opted_out
    # A new student, linked to a caregiver who is only in the database.
    nour = m.Student.objects.get(sourced_id="s-new")
    assert {c.sourced_id for c in nour.caregivers.all()} == {"g-ahmed"}
    assert m.StudentEnrollment.objects.get(sourced_id="enr-9").student == nour
    # Links of a delta are added, never dropped because a row does not repeat them.
    assert m.CaregiverLink.objects.filter(caregiver__sourced_id="g-ahmed").count() == 2
    assert counts_of(report, "students", "caregivers", "contact_points", "student_enrollments") == {
        "students": (1, 0, 1, 0),
        "caregivers": (0, 2, 0, 0),
        "contact_points": (1, 0, 2, 1),
        "student_enrollments": (1, 0, 1, 0),
    }


def test_a_bulk_import_deactivates_what_it_no_longer_lists(
    district: m.District, tmp_path: Path
) -> None:
    assert import_path(BULK_11, district=district).ok
    folder = copy_fixture(BULK_11, tmp_path / "next")
    users = (folder / "users.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "users.csv").write_text(
        "".join(line for line in users if not line.startswith(("s-ana,", "g-rosa,", "t-khan,"))),
        encoding="utf-8",
    )
    enrollments = (folder / "enrollments.csv").read_text(encoding="utf-8").splitlines(True)
    (folder / "enrollments.csv").write_text(
        "".join(line for line in enrollments if not line.startswith(("enr-6,", "enr-4,"))),
        encoding="utf-8",
    )
    demographics = (folder / "demographics.csv").read_text(encoding="utf-8").splitlines(True)
    (folder / "demographics.csv").write_text(
        "".join(line for line in demographics if not line.startswith("s-ana,")), encoding="utf-8"
    )

    report = import_path(folder, district=district)

    assert report.ok, [str(problem) for problem in report.errors]
    assert counts_of(report, "students", "caregivers", "staff", "caregiver_links") == {
        "students": (0, 0, 1, 3),
        "caregivers": (0, 0, 1, 3),
        "staff": (0, 0, 1, 2),
        "caregiver_links": (0, 0, 1, 4),
    }
    assert not m.Student.objects.get(sourced_id="s-ana").is_active
    assert not m.Caregiver.objects.get(sourced_id="g-rosa").is_active
    khan = m.Staff.objects.select_related("user").get(sourced_id="t-khan")
    assert (khan.is_active, khan.user.is_active) == (False, False)
    assert not khan.roles.exists()
    assert not khan.assignments.exists()
    assert not m.Demographics.objects.filter(student__sourced_id="s-ana").exists()


def test_hand_made_contacts_and_preferences_survive_a_reimport(district: m.District) -> None:
    assert import_path(BULK_11, district=district).ok
    lan = m.Caregiver.objects.get(sourced_id="g-lan")
    # The family chose email and Spanish on their page, added an email, and opted out of texts.
    lan.channel_preferences = ["email"]
    lan.preferred_language = "es"
    lan.save(update_fields=["channel_preferences", "preferred_language"])
    by_hand = m.ContactPoint.objects.create(
        caregiver=lan, kind="email", value="lan@example.org", label="home", from_roster=False
    )
    opted_out = timezone.now()
    m.ContactPoint.objects.filter(caregiver=lan, value="+13125550103").update(
        opted_out_at=opted_out
    )
    # Staff wrote down that Ahmed is the father, and a court order forbids contacting him.
    link = m.CaregiverLink.objects.get(caregiver__sourced_id="g-ahmed")
    link.relationship = m.Relationship.FATHER
    link.may_contact = False
    link.save(update_fields=["relationship", "may_contact"])

    report = import_path(BULK_11, district=district)

    assert report.totals()["created"] == 0
    assert report.totals()["updated"] == 0
    lan.refresh_from_db()
    assert (lan.channel_preferences, lan.preferred_language) == (["email"], "es")
    by_hand.refresh_from_db()
    assert (by_hand.value, by_hand.from_roster) == ("lan@example.org", False)
    assert m.ContactPoint.objects.get(value="+13125550103").opted_out_at == opted_out
    link.refresh_from_db()
    assert (link.relationship, link.may_contact) == ("father", False)


def test_the_command_creates_the_district_from_orgs_when_there_is_none(db: Any) -> None:
    out = io.StringIO()

    call_command("import_oneroster", str(BULK_11), stdout=out)

    district = m.District.objects.get()
    assert (district.name, district.sourced_id, district.slug) == (
        "Riverside Unified",
        "d-1",
        "riverside-unified",
    )
    assert m.Student.objects.filter(district=district).count() == 4
    assert "users.csv:12: phone: is not a valid phone number" in out.getvalue()


def test_it_reads_windows_1252_with_a_warning(district: m.District, tmp_path: Path) -> None:
    folder = tmp_path / "cp1252"
    folder.mkdir()
    (folder / "orgs.csv").write_bytes(
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\r\n"
        "sch-1,,,Escuela Peñasco,school,,\r\n".encode("cp1252")
    )

    report = import_path(folder, district=district)

    assert report.ok
    assert m.School.objects.get().name == "Escuela Peñasco"
    assert [str(w) for w in report.warnings] == [
        "orgs.csv:2: is not UTF-8; read as Windows-1252: check accented names and save the file "
        "as UTF-8 next time"
    ]


def test_phones_read_exactly_as_phonenumbers_reads_them() -> None:
    """The fast path for North American numbers must agree with the library it shortcuts."""
    rng = random.Random(11)
    # US, Canada, the Caribbean (whose blocks phonenumbers splits finer), toll-free, junk.
    areas = (312, 773, 617, 212, 305, 555, 800, 900, 416, 604, 876, 787, 242, 441, 671, 939)
    formats = (
        "({a}) {e}-{n}", "{a}.{e}.{n}", "+1 {a} {e} {n}", "{a}{e}{n}", "1-{a}-{e}-{n} ext 12",
        "{a}-{e}-{n} x7", "+1 ({a}) {e}-{n}",
    )  # fmt: skip
    mobile = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    samples = [
        rng.choice(formats).format(
            a=rng.choice(areas), e=f"{rng.randrange(1000):03d}", n=f"{rng.randrange(10_000):04d}"
        )
        for _ in range(1500)
    ]
    # Jamaica's 876-606 block is valid or not depending on the seventh digit.
    samples += [f"(876) 606-{n:04d}" for n in range(0, 10_000, 50)]
    for raw in samples:
        number = phonenumbers.parse(raw, "US")
        expected = (
            (
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                phonenumbers.number_type(number) in mobile,
            )
            if phonenumbers.is_valid_number(number)
            else None
        )
        assert parse_phone(raw) == expected, raw
    assert {parse_phone(raw) is None for raw in samples} == {True, False}
    assert parse_phone("555-01") is None
    assert parse_phone("+44 20 7946 0958") == ("+442079460958", False)


def test_the_command_needs_a_district_when_there_are_several(district: m.District) -> None:
    other = m.District.objects.create(name="Lakeside", slug="lakeside")

    with pytest.raises(CommandError, match="several districts"):
        call_command("import_oneroster", str(BULK_11), stdout=io.StringIO())
    call_command("import_oneroster", str(BULK_11), "--district", "lakeside", stdout=io.StringIO())

    assert m.Student.objects.filter(district=other).count() == 4
    assert not m.Student.objects.filter(district=district).exists()
