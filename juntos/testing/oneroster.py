"""A small, valid OneRoster 1.1 bulk export written for tests (no real people)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

MANIFEST = [
    ["propertyName", "value"],
    ["manifest.version", "1.0"],
    ["oneroster.version", "1.1"],
    ["file.academicSessions", "bulk"],
    ["file.categories", "absent"],
    ["file.classes", "bulk"],
    ["file.classResources", "absent"],
    ["file.courses", "bulk"],
    ["file.courseResources", "absent"],
    ["file.demographics", "bulk"],
    ["file.enrollments", "bulk"],
    ["file.lineItems", "absent"],
    ["file.orgs", "bulk"],
    ["file.resources", "absent"],
    ["file.results", "absent"],
    ["file.users", "bulk"],
    ["source.systemName", "Test SIS"],
    ["source.systemCode", "test"],
]

ORGS = [
    ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
    ["dist-1", "", "", "Test District", "district", "D1", ""],
    ["sch-1", "", "", "Lincoln Elementary", "school", "100", "dist-1"],
]

SESSIONS = [
    ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
     "parentSourcedId", "schoolYear"],
    ["sy-2027", "", "", "2026-2027", "schoolYear", "2026-08-17", "2027-06-04", "", "2027"],
]  # fmt: skip

COURSES = [
    ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode",
     "grades", "orgSourcedId", "subjects", "subjectCodes"],
    ["crs-1", "", "", "sy-2027", "Grade 3 Homeroom", "HR3", "03", "sch-1", "", ""],
]  # fmt: skip

CLASSES = [
    ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
     "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects",
     "subjectCodes", "periods"],
    ["cls-1", "", "", "Room 12", "03", "crs-1", "HR3-12", "homeroom", "12", "sch-1", "sy-2027",
     "", "", ""],
]  # fmt: skip

USER_HEADER = [
    "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
    "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms",
    "phone", "agentSourcedIds", "grades", "password", "metadata.homeLanguage",
]  # fmt: skip

USERS = [
    USER_HEADER,
    ["tch-1", "", "", "true", "sch-1", "teacher", "mrivera", "", "Marta", "Rivera", "", "T1",
     "mrivera@example.org", "", "", "", "", "", "en"],
    ["stu-1", "", "", "true", "sch-1", "student", "", "", "Lucía", "Gómez", "", "S1", "", "", "",
     "grd-1", "03", "", "es"],
    ["stu-2", "", "", "true", "sch-1", "student", "", "", "Minh", "Nguyễn", "", "S2", "", "", "",
     "grd-2", "03", "", "vi"],
    ["grd-1", "", "", "true", "sch-1", "parent", "", "", "Rosa", "Gómez", "", "", "",
     "(555) 201-3344", "", "stu-1", "", "", "Spanish"],
    ["grd-2", "", "", "true", "sch-1", "guardian", "", "", "Lan", "Nguyễn", "", "",
     "lan@example.org", "", "555.201.7788", "stu-2", "", "", "vie"],
]  # fmt: skip

ENROLLMENTS = [
    ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
     "userSourcedId", "role", "primary", "beginDate", "endDate"],
    ["enr-1", "", "", "cls-1", "sch-1", "tch-1", "teacher", "true", "", ""],
    ["enr-2", "", "", "cls-1", "sch-1", "stu-1", "student", "false", "", ""],
    ["enr-3", "", "", "cls-1", "sch-1", "stu-2", "student", "false", "", ""],
]  # fmt: skip

DEMOGRAPHICS = [
    ["sourcedId", "status", "dateLastModified", "birthDate", "sex",
     "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
     "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
     "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation",
     "cityOfBirth", "publicSchoolResidenceStatus"],
    ["stu-1", "", "", "2018-03-02", "female", "false", "false", "false", "false", "false",
     "false", "true", "", "", "", ""],
]  # fmt: skip

FILES: dict[str, list[list[str]]] = {
    "manifest.csv": MANIFEST,
    "orgs.csv": ORGS,
    "academicSessions.csv": SESSIONS,
    "courses.csv": COURSES,
    "classes.csv": CLASSES,
    "users.csv": USERS,
    "enrollments.csv": ENROLLMENTS,
    "demographics.csv": DEMOGRAPHICS,
}


def render(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write_folder(folder: Path, overrides: dict[str, list[list[str]]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in {**FILES, **(overrides or {})}.items():
        (folder / name).write_text(render(rows), encoding="utf-8")
    return folder


def write_zip(target: Path, overrides: dict[str, list[list[str]]] | None = None) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for name, rows in {**FILES, **(overrides or {})}.items():
            archive.writestr(name, render(rows))
    return target
