"""Benchmark: import a large district's OneRoster 1.1 CSV roster into PostgreSQL.

Generates (deterministically, from a seed) a district of 50,000 students and about 90,000
guardians, 2,500 teachers with 5 classes each, 6 classes per student, demographics, orgs,
sessions and courses; imports it; then imports the same files again (which must change
nothing). Prints the figures; the last line of stdout is one JSON object.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/juntos_bench \\
        .venv/bin/python benchmarks/import_oneroster.py

The database is created if missing and migrated. Its people tables are emptied first, so the
script refuses to run on a database whose name does not contain "bench".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/juntos_bench"

GIVEN = (
    "Ana", "José", "María", "Luis", "Sofía", "Mateo", "Valentina", "Diego", "Camila", "Emma",
    "Liam", "Olivia", "Noah", "Ava", "Ethan", "Mia", "محمد", "فاطمة", "أحمد", "عائشة", "Omar",
    "Amina", "Hodan", "Abdi", "Minh", "Lan", "Thị Hoa", "Quốc", "Ngọc", "小明", "美玲", "伟",
    "Yuki", "Jae-won", "Seo-yeon", "Dmytro", "Olena", "Jean", "Widline", "Pa Nhia", "Tou",
)  # fmt: skip
FAMILY = (
    "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Smith",
    "Johnson", "Williams", "Brown", "Jones", "Nguyễn", "Trần", "Lê", "Phạm", "王", "李", "张",
    "الحسن", "حداد", "Hassan", "Abdullahi", "Warsame", "Kim", "Park", "Kovalenko", "Pierre",
    "Joseph", "Vang", "Xiong", "O'Brien", "Smith-Jones",
)  # fmt: skip
# Home languages as rosters spell them, weighted like a large US district's census.
LANGUAGES = (
    ("", 45), ("English", 15), ("Spanish", 15), ("spa", 4), ("es", 3), ("Arabic", 3),
    ("Vietnamese", 3), ("Chinese", 2), ("Somali", 2), ("Haitian Creole", 1), ("Hmong", 1),
    ("Ukrainian", 1), ("Dari", 1), ("Klingonese", 1),
)  # fmt: skip
RELATIONSHIPS = (
    ("mother", 40), ("father", 30), ("", 15), ("grandmother", 6), ("grandfather", 2),
    ("aunt", 3), ("uncle", 1), ("foster parent", 1), ("sibling", 2),
)  # fmt: skip
AREA_CODES = (312, 773, 872, 630, 708, 847, 617, 212, 718, 305, 713, 214, 415, 206, 404)


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def _phone(rng: random.Random) -> str:
    area, exchange, line = rng.choice(AREA_CODES), rng.randint(200, 989), rng.randint(0, 9999)
    if exchange % 100 == 11:  # N11 codes are not exchanges
        exchange += 1
    if rng.random() < 0.02:
        return "555-01"  # a junk value: a warning, never an error
    style = rng.randrange(6)
    return (
        f"({area}) {exchange}-{line:04d}",
        f"{area}.{exchange}.{line:04d}",
        f"+1 {area} {exchange} {line:04d}",
        f"{area}{exchange}{line:04d}",
        f"1-{area}-{exchange}-{line:04d}",
        f"{area}-{exchange}-{line:04d} ext {rng.randint(1, 99)}",
    )[style]


@dataclass
class Roster:
    """The generated files, as lists of rows, and a count of data rows."""

    files: dict[str, list[list[str]]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(rows) - 1 for name, rows in self.files.items() if name != "manifest.csv")

    def write(self, folder: Path) -> None:
        for name, rows in self.files.items():
            with (folder / name).open("w", encoding="utf-8", newline="") as file:
                csv.writer(file, lineterminator="\r\n").writerows(rows)


def generate(*, students: int, guardians: int, teachers: int, seed: int) -> Roster:
    """A OneRoster 1.1 bulk roster for one district, the same for the same arguments."""
    rng = random.Random(seed)
    roster = Roster()
    roster.files["manifest.csv"] = [
        ["propertyName", "value"],
        ["manifest.version", "1.0"],
        ["oneroster.version", "1.1"],
        *[
            [f"file.{name}", "bulk"]
            for name in ("academicSessions", "classes", "courses", "demographics",
                         "enrollments", "orgs", "users")
        ],
        *[[f"file.{name}", "absent"] for name in ("lineItems", "results", "resources")],
    ]  # fmt: skip
    schools = [f"sch-{n:03d}" for n in range(max(1, students // 800))]
    roster.files["orgs.csv"] = [
        ["sourcedId", "status", "dateLastModified", "name", "type", "identifier",
         "parentSourcedId"],
        ["dist-1", "", "", "Benchmark Unified School District", "district", "BUSD", ""],
        *[[s, "", "", f"School {i}, Campus {i % 3}", "school", str(100 + i), "dist-1"]
          for i, s in enumerate(schools)],
    ]  # fmt: skip
    roster.files["academicSessions.csv"] = [
        ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
         "parentSourcedId", "schoolYear"],
        ["y26", "", "", "2025-2026", "schoolYear", "2025-08-15", "2026-06-10", "", "2026"],
        ["s1", "", "", "Fall 2025", "semester", "2025-08-15", "2025-12-19", "y26", "2026"],
        ["s2", "", "", "Spring 2026", "semester", "2026-01-06", "2026-06-10", "y26", "2026"],
    ]  # fmt: skip
    courses = [["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title",
                "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"]]  # fmt: skip
    subjects = ("Reading", "Math", "Science", "Social Studies", "Art", "Music", "PE", "ESL")
    for school in schools:
        for subject in subjects:
            courses.append([f"{school}-{subject[:4].lower()}", "", "", "y26", subject,
                            subject[:4].upper(), "", school, subject.lower(), ""])  # fmt: skip
    roster.files["courses.csv"] = courses

    users = [["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
              "username", "userIds", "givenName", "familyName", "middleName", "identifier",
              "email", "sms", "phone", "agentSourcedIds", "grades", "password",
              "metadata.homeLanguage", "metadata.relationship", "metadata.doNotContact",
              "metadata.districtField"]]  # fmt: skip
    classes = [["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
                "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds",
                "subjects", "subjectCodes", "periods"]]  # fmt: skip
    enrollments = [["sourcedId", "status", "dateLastModified", "classSourcedId",
                    "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate",
                    "endDate"]]  # fmt: skip
    classes_of: dict[str, list[str]] = {school: [] for school in schools}
    for t in range(teachers):
        school = schools[t % len(schools)]
        sid = f"tch-{t:05d}"
        given, surname = rng.choice(GIVEN), rng.choice(FAMILY)
        users.append([sid, "", "", "true", school, "teacher", f"teacher{t}", "", given, surname,
                      "", f"T{t:05d}", f"teacher{t}@bench.example.org", "", "", "", "", "", "",
                      "", "", "x"])  # fmt: skip
        for period in range(1, 6):
            cls = f"cls-{t:05d}-{period}"
            subject = subjects[(t + period) % len(subjects)]
            terms = "y26" if period < 4 else rng.choice(("s1", "s2", "s1,s2"))
            course = f"{school}-{subject[:4].lower()}"
            classes.append([cls, "", "", f"{subject}, period {period}", "", course,
                            f"{subject[:4].upper()}-{period}", "scheduled", f"Room {t % 40}",
                            school, terms, subject.lower(), "", str(period)])  # fmt: skip
            enrollments.append([f"enr-{cls}-t", "", "", cls, school, sid, "teacher", "true",
                                "2025-08-15", ""])  # fmt: skip
            classes_of[school].append(cls)
    for n, school in enumerate(schools):
        users.append([f"adm-{n:03d}", "", "", "true", school, "administrator", f"principal{n}",
                      "", rng.choice(GIVEN), rng.choice(FAMILY), "", "", "", "", "", "", "",
                      "", "", "", "", ""])  # fmt: skip
    roster.files["classes.csv"] = classes

    # Families: siblings share their guardians; a guardian can have children at two schools.
    student_ids = [f"stu-{n:06d}" for n in range(students)]
    families: list[list[str]] = []
    position = 0
    while position < students:
        size = rng.choices((1, 2, 3), (78, 19, 3))[0]
        families.append(student_ids[position : position + size])
        position += size
    # Every family has a guardian; the others go to families at random (one to six each).
    per_family = [1] * len(families)
    for _ in range(max(0, guardians - len(families))):
        per_family[rng.randrange(len(families))] += 1
    guardian_count = 0
    agents: dict[str, list[str]] = {sid: [] for sid in student_ids}
    guardian_rows = []
    for family, wanted in zip(families, per_family, strict=True):
        family_name = rng.choice(FAMILY)
        for _ in range(wanted):
            gid = f"grd-{guardian_count:06d}"
            guardian_count += 1
            for child in family:
                agents[child].append(gid)
            role = rng.choices(("parent", "guardian", "relative"), (75, 18, 7))[0]
            sms = _phone(rng) if rng.random() < 0.7 else ""
            phone = _phone(rng) if rng.random() < 0.5 else ""
            email = f"{gid}@mail.example.org" if rng.random() < 0.6 else ""
            own_agents = ",".join(family) if rng.random() < 0.3 else ""
            guardian_rows.append([gid, "", "", "true", "", role, "", "", rng.choice(GIVEN),
                                  family_name, "", "", email, sms, phone, own_agents, "", "",
                                  _weighted(rng, LANGUAGES), _weighted(rng, RELATIONSHIPS),
                                  "true" if rng.random() < 0.005 else "", ""])  # fmt: skip
    demographics = [["sourcedId", "status", "dateLastModified", "birthDate", "sex",
                     "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                     "nativeHawaiianOrOtherPacificIslander", "white",
                     "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity",
                     "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth",
                     "publicSchoolResidenceStatus"]]  # fmt: skip
    for n, sid in enumerate(student_ids):
        school = schools[n % len(schools)]
        grade = f"{(n // len(schools)) % 13:02d}"
        users.append([sid, "", "", "true", school, "student", "", "", rng.choice(GIVEN),
                      rng.choice(FAMILY), "", f"S{n:06d}", "", "", "", ",".join(agents[sid]),
                      grade, "", _weighted(rng, LANGUAGES), "", "", ""])  # fmt: skip
        for cls in rng.sample(classes_of[school], 6):
            enrollments.append([f"enr-{cls}-{sid}", "", "", cls, school, sid, "student", "false",
                                "2025-08-15", ""])  # fmt: skip
        race = [rng.random() < p for p in (0.01, 0.06, 0.15, 0.005, 0.5, 0.04)]
        hispanic = "true" if rng.random() < 0.3 else "false"
        demographics.append([sid, "", "", "", rng.choice(("male", "female")),
                             *("true" if flag else "false" for flag in race), hispanic,
                             "", "", "", ""])  # fmt: skip
    users.extend(guardian_rows)
    roster.files["users.csv"] = users
    roster.files["enrollments.csv"] = enrollments
    roster.files["demographics.csv"] = demographics
    return roster


def _prepare_database(url: str) -> None:
    """Create the database if missing (PostgreSQL only), then set Django up on it."""
    from bench_database import ensure_bench_database

    ensure_bench_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juntos.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _reset() -> Any:
    """Migrate, empty the people tables and users, and create the district."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    from juntos.people.models import District

    call_command("migrate", verbosity=0)
    tables = [model._meta.db_table for model in apps.get_app_config("people").get_models()]
    quoted = ", ".join(connection.ops.quote_name(t) for t in [*tables, "auth_user"])
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    return District.objects.create(name="Benchmark", slug="bench")


def _timed_import(folder: Path, district: Any) -> tuple[float, Any, dict[str, float]]:
    from juntos.people.oneroster import import_path

    phases: dict[str, float] = {}
    current = {"phase": "start"}
    since = {"at": time.perf_counter()}

    def progress(done: int, total: int, phase: str) -> None:
        now = time.perf_counter()
        if phase != current["phase"]:
            previous = current["phase"]
            phases[previous] = phases.get(previous, 0.0) + now - since["at"]
            current["phase"], since["at"] = phase, now

    start = time.perf_counter()
    report = import_path(folder, district=district, progress=progress)
    elapsed = time.perf_counter() - start
    last = current["phase"]
    phases[last] = phases.get(last, 0.0) + time.perf_counter() - since["at"]
    return elapsed, report, phases


def _print_phases(title: str, phases: dict[str, float]) -> None:
    print(f"  {title} by phase:")
    for phase, seconds in phases.items():
        if seconds >= 0.05:
            print(f"    {phase:32} {seconds:7.2f} s")


def _row_count(tables: Iterable[str]) -> int:
    from django.db import connection

    total = 0
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            total += int(cursor.fetchone()[0])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--guardians", type=int, default=90_000)
    parser.add_argument("--teachers", type=int, default=2_500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, help="also write the CSV files to this folder")
    args = parser.parse_args()

    _prepare_database(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    from django.apps import apps

    started = time.perf_counter()
    roster = generate(
        students=args.students, guardians=args.guardians, teachers=args.teachers, seed=args.seed
    )
    with tempfile.TemporaryDirectory(prefix="oneroster-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        roster.write(folder)
        rows = roster.rows
        del roster  # keep the generator's lists out of the import's memory figure
        size = sum(path.stat().st_size for path in folder.iterdir())
        print(f"generated {rows:,} CSV rows ({size / 2**20:.1f} MiB) "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        district = _reset()

        import_s, report, phases = _timed_import(folder, district)
        if not report.ok:
            for problem in report.errors[:20]:
                print(problem)
            sys.exit("the import failed")
        totals = report.totals()
        tables = [m._meta.db_table for m in apps.get_app_config("people").get_models()]
        stored = _row_count(tables)
        print(f"import: {import_s:.1f} s, {totals['created']:,} rows created, "
              f"{len(report.warnings):,} warnings")  # fmt: skip
        _print_phases("import", phases)
        for entity, counts in report.counts.items():
            print(f"    {entity:24} {counts['created']:>9,} created")

        reimport_s, again, phases = _timed_import(folder, district)
        changes = again.totals()
        print(f"re-import: {reimport_s:.1f} s, {changes['created']} created, "
              f"{changes['updated']} updated, {changes['deleted']} deleted, "
              f"{changes['unchanged']:,} unchanged")  # fmt: skip
        _print_phases("re-import", phases)
        if changes["created"] or changes["updated"] or changes["deleted"]:
            sys.exit("the second identical import changed something")

    students = report.counts["students"]["created"]
    guardians = report.counts["caregivers"]["created"]
    result = {
        "students": students,
        "guardians": guardians,
        "teachers": report.counts["staff"]["created"],
        "rows": rows,
        "db_rows_written": totals["created"] + totals["updated"],
        "db_rows_in_people_tables": stored,
        "import_s": round(import_s, 2),
        "reimport_s": round(reimport_s, 2),
        "rows_per_s": round(rows / import_s),
        "reimport_changes": changes["created"] + changes["updated"] + changes["deleted"],
        # Linux reports kilobytes.
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
