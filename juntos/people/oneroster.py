"""OneRoster 1.1 and 1.2 CSV import: parser, validator and writer.

A district's student information system exports its roster as a folder (or a .zip) of CSV files.
:func:`import_path` reads it, checks all of it, and only then writes it, in one transaction, into
the district's people: schools, sessions, courses, sections, students, caregivers, staff and the
links between them. ``docs/oneroster.md`` explains the mapping for district staff.

Privacy (DESIGN.md section 2, rule 8): birth date, country, state and city of birth and residence
status are never read — the parser keeps only the columns it needs, as each line is read — and no
``metadata.*`` extension column is read except the home-language, relationship and may-contact
ones. Problems name the file, line and column but never repeat a contact value.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import gc
import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Final, NamedTuple, TypeAlias, TypeVar

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from juntos.language import registry
from juntos.people.models import (
    AcademicSession,
    Caregiver,
    CaregiverLink,
    Channel,
    ContactPoint,
    Course,
    Demographics,
    District,
    Relationship,
    Role,
    School,
    Section,
    SectionAssignment,
    Staff,
    StaffRole,
    Student,
    StudentEnrollment,
    StudentSchool,
)

ProgressCallback: TypeAlias = Callable[[int, int, str], None]
R = TypeVar("R", bound="_Rec")
# A row's identity while planning: the roster's sourcedId for roster rows, the primary key for
# rows made by hand (which have no sourcedId and so can never match a roster row).
Ident: TypeAlias = str | int

# --- What we read -------------------------------------------------------------------------------

MANIFEST = "manifest.csv"
ORGS = "orgs.csv"
SESSIONS = "academicSessions.csv"
COURSES = "courses.csv"
CLASSES = "classes.csv"
USERS = "users.csv"
ROLES = "roles.csv"
ENROLLMENTS = "enrollments.csv"
DEMOGRAPHICS = "demographics.csv"
# Reading order; also the order problems are listed in. Other files (lineItems, results,
# resources, userProfiles…) are ignored.
FILES: Final = (MANIFEST, ORGS, SESSIONS, COURSES, CLASSES, USERS, ROLES, ENROLLMENTS, DEMOGRAPHICS)

# Never read, never stored, never echoed (DESIGN.md section 2, rule 8). The parser drops every
# column that is not in COLUMNS; this list exists so that a misconfigured extension column cannot
# bring one of them back.
FORBIDDEN_COLUMNS: Final = frozenset(
    {
        "birthDate",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    }
)
RELATIONSHIP_COLUMN: Final = "metadata.relationship"
MAY_CONTACT_COLUMN: Final = "metadata.mayContact"
DO_NOT_CONTACT_COLUMN: Final = "metadata.doNotContact"

_COMMON = ("sourcedId", "status", "dateLastModified")
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    MANIFEST: ("propertyName", "value"),
    ORGS: (*_COMMON, "name", "type", "identifier", "parentSourcedId"),
    SESSIONS: (
        *_COMMON, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear",
    ),
    COURSES: (*_COMMON, "title", "courseCode", "orgSourcedId"),
    CLASSES: (
        *_COMMON, "title", "grades", "courseSourcedId", "classCode", "classType",
        "schoolSourcedId", "termSourcedIds",
    ),
    USERS: (
        *_COMMON, "orgSourcedIds", "role", "username", "givenName", "familyName", "middleName",
        "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
        "preferredGivenName", "primaryOrgSourcedId",
        RELATIONSHIP_COLUMN, MAY_CONTACT_COLUMN, DO_NOT_CONTACT_COLUMN,
    ),
    ROLES: (*_COMMON, "userSourcedId", "roleType", "role", "orgSourcedId"),
    ENROLLMENTS: (
        *_COMMON, "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary",
        "beginDate", "endDate",
    ),
    DEMOGRAPHICS: (
        *_COMMON, "sex", "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
    ),
}  # fmt: skip
# Header columns a file must have (tobedeleted rows only need their sourcedId).
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    MANIFEST: ("propertyName", "value"),
    ORGS: ("sourcedId", "name", "type"),
    SESSIONS: ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    COURSES: ("sourcedId", "title", "orgSourcedId"),
    CLASSES: ("sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId"),
    USERS: ("sourcedId", "givenName", "familyName"),
    ROLES: ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
    ENROLLMENTS: ("sourcedId", "classSourcedId", "userSourcedId", "role"),
    DEMOGRAPHICS: ("sourcedId",),
}

ORG_TYPES: Final = frozenset({"department", "school", "district", "local", "state", "national"})
SESSION_TYPES: Final = {kind.value.lower(): kind.value for kind in AcademicSession.Kind}
CLASS_TYPES: Final = {kind.value: kind.value for kind in Section.Kind}
# OneRoster 1.1 and 1.2 role names; both are accepted in both versions because exports mix them.
STAFF_ROLES: Final[dict[str, str]] = {
    "teacher": Role.TEACHER,
    "aide": Role.TEACHER,
    "counselor": Role.COUNSELOR,
    "principal": Role.SCHOOL_LEADER,
    "siteAdministrator": Role.SCHOOL_LEADER,
    "administrator": Role.SCHOOL_LEADER,
    "districtAdministrator": Role.DISTRICT_ADMIN,
    "systemAdministrator": Role.DISTRICT_ADMIN,
}
CAREGIVER_ROLES: Final[dict[str, str]] = {
    "guardian": Relationship.GUARDIAN,
    "parent": Relationship.PARENT,
    "relative": Relationship.OTHER,
}
# Proctors sign in to tests; Juntos has nothing for them, so they are read and skipped.
USER_ROLES: Final = {
    name.lower(): name for name in ("student", "proctor", *STAFF_ROLES, *CAREGIVER_ROLES)
}
ENROLLMENT_ROLES: Final = {
    name.lower(): name
    for name in ("student", "teacher", "aide", "administrator", "proctor", "guardian", "parent")
}
# Values of the metadata.relationship extension, as districts type them.
RELATIONSHIPS: Final[dict[str, str]] = {
    "mother": Relationship.MOTHER,
    "mom": Relationship.MOTHER,
    "father": Relationship.FATHER,
    "dad": Relationship.FATHER,
    "parent": Relationship.PARENT,
    "stepmother": Relationship.PARENT,
    "stepfather": Relationship.PARENT,
    "stepparent": Relationship.PARENT,
    "grandmother": Relationship.GRANDPARENT,
    "grandfather": Relationship.GRANDPARENT,
    "grandparent": Relationship.GRANDPARENT,
    "aunt": Relationship.AUNT_UNCLE,
    "uncle": Relationship.AUNT_UNCLE,
    "aunt uncle": Relationship.AUNT_UNCLE,
    "foster parent": Relationship.FOSTER_PARENT,
    "foster mother": Relationship.FOSTER_PARENT,
    "foster father": Relationship.FOSTER_PARENT,
    "guardian": Relationship.GUARDIAN,
    "legal guardian": Relationship.GUARDIAN,
    "sibling": Relationship.SIBLING,
    "brother": Relationship.SIBLING,
    "sister": Relationship.SIBLING,
    "other": Relationship.OTHER,
}
_TRUE: Final = frozenset({"true", "t", "yes", "y", "1"})
_FALSE: Final = frozenset({"false", "f", "no", "n", "0"})
SEX: Final[dict[str, str]] = {
    "female": Demographics.Sex.FEMALE,
    "f": Demographics.Sex.FEMALE,
    "male": Demographics.Sex.MALE,
    "m": Demographics.Sex.MALE,
    "other": Demographics.Sex.OTHER,
    "x": Demographics.Sex.OTHER,
    "unspecified": Demographics.Sex.UNSPECIFIED,
}
RACE_COLUMNS: Final = (
    ("americanIndianOrAlaskaNative", "american_indian_or_alaska_native"),
    ("asian", "asian"),
    ("blackOrAfricanAmerican", "black_or_african_american"),
    ("nativeHawaiianOrOtherPacificIslander", "native_hawaiian_or_other_pacific_islander"),
    ("white", "white"),
    ("demographicRaceTwoOrMoreRaces", "two_or_more_races"),
    ("hispanicOrLatinoEthnicity", "hispanic_or_latino"),
)

ENTITIES: Final = (
    "district",
    "schools",
    "academic_sessions",
    "courses",
    "sections",
    "students",
    "student_schools",
    "demographics",
    "caregivers",
    "caregiver_links",
    "contact_points",
    "staff",
    "staff_roles",
    "student_enrollments",
    "section_assignments",
)
BULK, DELTA, ABSENT = "bulk", "delta", "absent"
# A zip whose roster files expand past this is refused rather than read into memory.
MAX_UNZIPPED_BYTES: Final = 4 * 2**30
WRITE_BATCH: Final = 2000
# Field values compared (and written) per table; the order matters for the tuples below.
SCHOOL_FIELDS: Final = ("name", "identifier", "is_active", "source_modified_at")
SESSION_FIELDS: Final = (
    "title", "kind", "start_date", "end_date", "school_year", "parent_id", "is_active",
    "source_modified_at",
)  # fmt: skip
COURSE_FIELDS: Final = ("title", "code", "school_id", "is_active", "source_modified_at")
SECTION_FIELDS: Final = (
    "school_id", "course_id", "title", "code", "kind", "grades", "is_active", "source_modified_at",
)  # fmt: skip
STUDENT_FIELDS: Final = (
    "given_name", "family_name", "middle_name", "preferred_name", "identifier", "grade",
    "home_language", "is_active", "source_modified_at",
)  # fmt: skip
CAREGIVER_FIELDS: Final = (
    "given_name", "family_name", "is_active", "source_modified_at", "sms_consent_method",
    "sms_consent_at",
)  # fmt: skip
STAFF_FIELDS: Final = ("given_name", "family_name", "email", "is_active", "source_modified_at")
USER_FIELDS: Final = ("email", "first_name", "last_name", "is_active")
DEMOGRAPHIC_FIELDS: Final = ("sex", *(name for _, name in RACE_COLUMNS))
LINK_FIELDS: Final = ("relationship", "may_contact", "sourced_id")
CONTACT_FIELDS: Final = ("label", "sms_capable")
ENROLLMENT_FIELDS: Final = ("sourced_id", "begin_date", "end_date", "source_modified_at")
ASSIGNMENT_FIELDS: Final = ("sourced_id", "is_primary", "source_modified_at")


# --- The report ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem in one cell (or line, or file). ``line`` is the physical line; header = 1."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "reason": self.reason}


def _zero_counts() -> dict[str, dict[str, int]]:
    return {
        entity: {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0} for entity in ENTITIES
    }


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or with errors, would have done)."""

    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=_zero_counts)
    version: str = ""
    files: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def totals(self) -> dict[str, int]:
        totals = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
        for counts in self.counts.values():
            for key in totals:
                totals[key] += counts[key]
        return totals

    def error(self, file: str, line: int, column: str, reason: str) -> None:
        self.errors.append(RowProblem(file, line, column, reason))

    def warn(self, file: str, line: int, column: str, reason: str) -> None:
        self.warnings.append(RowProblem(file, line, column, reason))

    def sort(self) -> None:
        order = {name: index for index, name in enumerate(FILES)}

        def key(problem: RowProblem) -> tuple[int, str, int]:
            return (order.get(problem.file, -1), problem.file, problem.line)

        self.errors.sort(key=key)
        self.warnings.sort(key=key)

    def to_json(self, *, limit: int | None = 1000) -> dict[str, Any]:
        """JSON for ``ImportRun.report``; problem lists are cut at ``limit`` (totals kept)."""
        return {
            "version": self.version,
            "files": dict(self.files),
            "dry_run": self.dry_run,
            "written": self.written,
            "counts": {entity: dict(counts) for entity, counts in self.counts.items()},
            "totals": self.totals(),
            "errors_total": len(self.errors),
            "warnings_total": len(self.warnings),
            "errors": [problem.to_json() for problem in self.errors[:limit]],
            "warnings": [problem.to_json() for problem in self.warnings[:limit]],
        }


def progress(run_id: int) -> dict[str, Any] | None:
    """The latest progress of a running import: ``{"done", "total", "phase"}``, or None.

    The import writes in one transaction, invisible to other connections until it commits, so
    progress is published through the cache instead of the ImportRun row.
    """
    value = cache.get(progress_key(run_id))
    return value if isinstance(value, dict) else None


def progress_key(run_id: int) -> str:
    return f"import-progress:{run_id}"


# --- Reading files ------------------------------------------------------------------------------


Row: TypeAlias = tuple[int, dict[str, str]]


def _read_sources(path: Path, report: ImportReport) -> dict[str, bytes]:
    """The bytes of every known file in a folder or a .zip (at any depth inside the zip)."""
    found: dict[str, bytes] = {}
    if path.is_dir():
        for name in FILES:
            candidate = path / name
            if candidate.is_file():
                found[name] = candidate.read_bytes()
        return found
    if not path.is_file() or not zipfile.is_zipfile(path):
        report.error(path.name, 0, "", "is neither a folder nor a .zip file of OneRoster CSVs")
        return found
    with zipfile.ZipFile(path) as archive:
        wanted = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and PurePosixPath(info.filename).name in FILES
            and not info.filename.startswith("__MACOSX/")
        ]
        if sum(info.file_size for info in wanted) > MAX_UNZIPPED_BYTES:
            report.error(path.name, 0, "", "the roster files inside the zip are too large")
            return found
        for info in wanted:
            name = PurePosixPath(info.filename).name
            if name in found:
                report.error(name, 0, "", "appears twice in the zip; keep one")
                continue
            found[name] = archive.read(info)
    return found


def _decode(name: str, data: bytes, report: ImportReport) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            report.error(name, line, "", "is not UTF-8 text; save the file as UTF-8")
            return None
        # Spreadsheets on Windows save "CSV" as cp1252; names still read right in most cases.
        report.warn(
            name, line, "", "is not UTF-8; read as Windows-1252: check accented names and "
            "save the file as UTF-8 next time",
        )  # fmt: skip
        return text


def _parse_csv(
    name: str, text: str, wanted: Sequence[str], required: Sequence[str], report: ImportReport
) -> tuple[frozenset[str], list[Row]] | None:
    """Rows as (first physical line, {wanted column: stripped value}); None if unusable.

    Only ``wanted`` columns are kept: every other cell (forbidden ones included) is dropped as
    its line is read.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        report.error(name, 1, "", f"cannot read the header ({exc})")
        return None
    if header is None:
        report.error(name, 1, "", "is empty; a OneRoster file starts with a header line")
        return None
    header = [cell.strip() for cell in header]
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            report.error(name, 1, column, "appears twice in the header")
            return None
        seen.add(column)
    missing = [column for column in required if column not in seen]
    for column in missing:
        report.error(name, 1, column, "is missing from the header")
    if missing:
        return None
    index = [(column, i) for i, column in enumerate(header) if column in wanted]
    width = len(header)
    rows: list[Row] = []
    end_of_previous = reader.line_num
    try:
        for cells in reader:
            line = end_of_previous + 1
            end_of_previous = reader.line_num
            count = len(cells)
            if count == width:
                values = {column: cells[i].strip() for column, i in index}
            elif not "".join(cells).strip():
                continue  # a blank line
            elif count > width and "".join(cells[width:]).strip():
                report.error(
                    name, line, "", f"has {count} fields but the header has {width}; "
                    "is a comma inside a value that is not in quotes?",
                )  # fmt: skip
                continue
            else:
                values = {column: cells[i].strip() if i < count else "" for column, i in index}
            if any(values.values()):
                rows.append((line, values))
    except csv.Error as exc:
        report.error(name, reader.line_num, "", f"cannot be read as CSV ({exc})")
        return None
    return frozenset(header), rows


# --- Parsing cells ------------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _parse_date(raw: str) -> date | None:
    try:
        if "T" in raw:
            return datetime.fromisoformat(raw).date()
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _parse_datetime(raw: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return None
    # OneRoster times are UTC ("…Z"); a time written without a zone is read as UTC too.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _parse_bool(raw: str) -> bool | None:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


_MOBILE_TYPES: Final = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
# A North American number as rosters write it: "(312) 555-0101", "312.555.0101",
# "+1 312 555 0101", "1-312-555-0101 ext 12"… Anything else goes through phonenumbers.parse.
_NANP = re.compile(
    r"(?:\+?1[\s.-]*)?\(?([2-9]\d{2})\)?[\s.-]*(\d{3})[\s.-]*(\d{4})"
    r"(?:\s*(?:ext\.?|extension|x|#)\s*\d{1,6})?",
    re.IGNORECASE,
)


_NON_DIGITS = re.compile(r"\D")


@functools.lru_cache(maxsize=2**16)
def _us_block(prefix: str) -> bool | None:
    """Whether numbers of one US NPA-NXX block ("312555") can receive SMS; None if the block
    is not a valid US one.

    phonenumbers decides a US number's validity and type from its first six digits (its US
    patterns leave the last four free; other NANP countries' do not), and checking them costs
    ~30 µs a number: a district's 150,000 phones share a few thousand blocks.
    """
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(prefix + "0000"))
    if not phonenumbers.is_valid_number_for_region(number, "US"):
        return None
    return phonenumbers.number_type(number) in _MOBILE_TYPES


def parse_phone(raw: str) -> tuple[str, bool] | None:
    """(E.164, can receive SMS) for a phone written in any common US way, or None if invalid.

    An extension ("ext 12") is dropped: E.164 has no place for it and SMS cannot use it.
    """
    match = _NANP.fullmatch(raw.strip())
    if match is not None:
        national = "".join(match.groups())
        mobile = _us_block(national[:6])
        if mobile is not None:
            return f"+1{national}", mobile
    elif not raw.lstrip().startswith(("+", "011")) and len(_NON_DIGITS.sub("", raw)) < 10:
        return None  # without a country code it must be a 10-digit North American number
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.number_type(number) in _MOBILE_TYPES


def parse_email(raw: str) -> str | None:
    value = raw.strip().lower()
    if len(value) > 254:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


# --- Parsed records -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Rec:
    sid: str
    line: int
    deleted: bool
    modified: datetime | None


@dataclass(slots=True)
class _Org(_Rec):
    name: str = ""
    kind: str = ""
    identifier: str = ""


@dataclass(slots=True)
class _Session(_Rec):
    title: str = ""
    kind: str = ""
    start: date | None = None
    end: date | None = None
    parent: str = ""
    school_year: int = 0


@dataclass(slots=True)
class _Course(_Rec):
    title: str = ""
    code: str = ""
    org: str = ""


@dataclass(slots=True)
class _Class(_Rec):
    title: str = ""
    code: str = ""
    kind: str = ""
    grades: list[str] = field(default_factory=list)
    course: str = ""
    school: str = ""
    terms: list[str] = field(default_factory=list)


class _RoleRef(NamedTuple):
    """One role of a user at one org, and where the roster said so (users.csv or roles.csv)."""

    role: str
    org: str
    file: str
    line: int

    @property
    def column(self) -> str:
        return "orgSourcedIds" if self.file == USERS else "orgSourcedId"


@dataclass(slots=True)
class _User(_Rec):
    given: str = ""
    family: str = ""
    middle: str = ""
    preferred: str = ""
    identifier: str = ""
    username: str = ""
    email: str = ""
    sms: str = ""
    phone: str = ""
    agents: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    language: str = ""
    relationship: str = ""
    may_contact: bool | None = None
    # Primary role first.
    roles: list[_RoleRef] = field(default_factory=list)
    roles_complete: bool = True


@dataclass(slots=True)
class _RoleRow(_Rec):
    user: str = ""
    primary: bool = False
    role: str = ""
    org: str = ""


@dataclass(slots=True)
class _Enrollment(_Rec):
    cls: str = ""
    user: str = ""
    role: str = ""
    primary: bool | None = None
    begin: date | None = None
    end: date | None = None


@dataclass(slots=True)
class _Demographic(_Rec):
    values: tuple[Any, ...] = ()


# --- The plan -----------------------------------------------------------------------------------


@dataclass
class _TablePlan:
    """Writes for one table; FK values are idents resolved to primary keys when written."""

    key: str
    model: type[models.Model]
    fks: dict[str, str] = field(default_factory=dict)
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)
    # FKs to rows of the same table, set after the insert (a term's parent school year).
    deferred: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.deletes)


class _Progress:
    """Calls the caller's progress callback at most twice a second (and at phase changes)."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.last = 0.0
        self.phase = ""

    def __call__(self, done: int, total: int, phase: str, *, force: bool = False) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if force or phase != self.phase or now - self.last >= 0.5:
            self.last = now
            self.phase = phase
            self.callback(done, total, phase)


# --- The importer -------------------------------------------------------------------------------


def import_path(
    path: str | Path,
    *,
    district: District,
    dry_run: bool = False,
    home_language_column: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a OneRoster 1.1 or 1.2 CSV folder or .zip into ``district``.

    All or nothing: when any row has an error nothing is written and every error is reported.
    ``dry_run`` reports the same errors, warnings and counts without writing.
    """
    column = home_language_column or settings.JUNTOS_ONEROSTER_HOME_LANGUAGE_COLUMN
    if column in FORBIDDEN_COLUMNS or not column or column in COLUMNS[USERS]:
        raise ImproperlyConfigured(f"{column!r} cannot be the home-language column")
    importer = _Importer(Path(path), district, dry_run, column, _Progress(progress))
    with _gc_paused():
        return importer.run()


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector during an import.

    A big roster makes millions of small, acyclic objects (rows, records, tuples); the cycle
    collector would scan the whole heap again and again (a third of a 50,000-student import).
    Reference counting still frees everything; the collector resumes afterwards. The switch is
    process-wide: another thread's cyclic garbage waits until then, which is harmless, and when
    two imports overlap the collector is back on once the first that paused it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def district_org(path: str | Path) -> tuple[str, str] | None:
    """(sourcedId, name) of the district-type org in orgs.csv, to create a first district."""
    report = ImportReport()
    data = _read_sources(Path(path), report).get(ORGS)
    text = _decode(ORGS, data, report) if data is not None else None
    parsed = _parse_csv(ORGS, text, COLUMNS[ORGS], REQUIRED[ORGS], report) if text else None
    if parsed is None:
        return None
    for _, values in parsed[1]:
        if values.get("type") == "district" and values.get("sourcedId") and values.get("name"):
            return values["sourcedId"], values["name"]
    return None


class _Importer:
    def __init__(
        self,
        path: Path,
        district: District,
        dry_run: bool,
        language_column: str,
        progress: _Progress,
    ) -> None:
        self.path = path
        self.district = district
        self.dry_run = dry_run
        self.language_column = language_column
        self.progress = progress
        self.report = ImportReport(dry_run=dry_run)
        self.now = timezone.now()
        self.modes: dict[str, str] = {}
        self.headers: dict[str, frozenset[str]] = {}
        # sourcedIds whose row had an error: references to them are not reported again.
        self.broken: dict[str, set[str]] = {name: set() for name in FILES}
        self.orgs: dict[str, _Org] = {}
        self.sessions: dict[str, _Session] = {}
        self.courses: dict[str, _Course] = {}
        self.classes: dict[str, _Class] = {}
        self.users: dict[str, _User] = {}
        self.role_rows: list[_RoleRow] = []
        self.enrollments: list[_Enrollment] = []
        self.demographics: dict[str, _Demographic] = {}
        self.plans: list[_TablePlan] = []
        self.pks: dict[str, dict[str, int]] = {}
        self.written_rows = 0

    # -- helpers --

    def err(self, file: str, line: int, column: str, reason: str) -> None:
        self.report.error(file, line, column, reason)

    def warn(self, file: str, line: int, column: str, reason: str) -> None:
        self.report.warn(file, line, column, reason)

    def count(self, entity: str, what: str, n: int = 1) -> None:
        self.report.counts[entity][what] += n

    def fit(self, file: str, line: int, column: str, value: str, limit: int) -> str:
        if len(value) <= limit:
            return value
        self.warn(file, line, column, f"is longer than {limit} characters; shortened")
        return value[:limit]

    # -- main loop --

    def run(self) -> ImportReport:
        """Read, check, plan and (unless dry or failed) write one roster.

        Steps:
        1. read every known file of the folder or zip; decode it (UTF-8 with or without BOM,
           Windows-1252 as a fallback with a warning) and split it into rows, keeping only the
           columns the mapping uses;
        2. read the manifest: version (1.1 or 1.2) and bulk/delta/absent for each file;
        3. parse every row into a typed record, collecting every problem with file, line and
           column (bad enums, missing required values, duplicate sourcedIds, bad dates);
        4. in one transaction: lock the district row and load its stored rows, one query per
           table, into dicts keyed by sourcedId;
        5. check references between files and, for delta files, against the stored rows;
        6. plan: build the wanted rows, compare them in memory with the stored ones and keep
           only creates, changed fields and deletes/deactivations, counting each;
        7. stop, writing nothing, on any error or on a dry run;
        8. write the plan table by table, parents before children.
        """
        self.progress(0, len(FILES), "reading", force=True)
        readable = self._read_all()
        self.report.files = dict(self.modes)
        if not readable:
            # A file that cannot be read at all would make every reference to it an error.
            self.report.sort()
            return self.report
        with transaction.atomic():
            district = District.objects.filter(pk=self.district.pk)
            if not self.dry_run:
                # One import per district at a time: a second one waits here for the first.
                district = district.select_for_update()
            self.district = district.get()
            self.progress(0, 1, "loading stored rows", force=True)
            self._load_state()
            self.progress(0, 1, "checking references", force=True)
            self._resolve_user_roles()
            self._check_references()
            if not self.report.errors:
                self.progress(0, 1, "comparing", force=True)
                self._plan()
            if self.report.errors or self.dry_run:
                self.report.sort()
                return self.report
            self._write()
            self.report.written = True
        self.progress(self.written_rows, self.written_rows, "done", force=True)
        self.report.sort()
        return self.report

    # -- 1-3: read and parse --

    def _read_all(self) -> bool:
        """Read and parse every file; False when one cannot be read at all."""
        sources = _read_sources(self.path, self.report)
        if self.report.errors:
            return False
        if not set(sources) - {MANIFEST}:
            self.err(self.path.name, 0, "", "holds no OneRoster CSV file (orgs.csv, users.csv…)")
            return False
        parsed: dict[str, list[Row]] = {}
        for done, name in enumerate(FILES):
            self.progress(done, len(FILES), "reading")
            if name not in sources:
                continue
            text = _decode(name, sources.pop(name), self.report)
            if text is None:
                return False
            wanted = COLUMNS[name]
            if name == USERS:
                wanted = (*wanted, self.language_column)
            result = _parse_csv(name, text, wanted, REQUIRED[name], self.report)
            if result is None:
                return False
            self.headers[name], parsed[name] = result
        manifest = self._read_manifest(parsed.pop(MANIFEST, None))
        self._detect_version(manifest, parsed)
        for name in FILES[1:]:
            rows = parsed.get(name)
            declared = manifest.get(f"file.{name.removesuffix('.csv')}", "").lower()
            if manifest and declared in ("", ABSENT):
                if rows is not None:
                    self.warn(name, 0, "", "the manifest says absent: file ignored")
                self.modes[name] = ABSENT
                continue
            if rows is None:
                if declared in (BULK, DELTA):
                    self.err(name, 0, "", f"the manifest lists it as {declared} but it is missing")
                self.modes[name] = ABSENT
                continue
            if declared in (BULK, DELTA):
                self.modes[name] = declared
            else:
                statuses = any(values.get("status") for _, values in rows)
                self.modes[name] = DELTA if statuses else BULK
        parsers: dict[str, Callable[[list[Row]], None]] = {
            ORGS: self._parse_orgs,
            SESSIONS: self._parse_sessions,
            COURSES: self._parse_courses,
            CLASSES: self._parse_classes,
            USERS: self._parse_users,
            ROLES: self._parse_roles,
            ENROLLMENTS: self._parse_enrollments,
            DEMOGRAPHICS: self._parse_demographics,
        }
        for name, parse in parsers.items():
            if self.modes.get(name, ABSENT) != ABSENT:
                self.progress(0, 1, f"parsing {name}")
                parse(parsed[name])
        return True

    def _read_manifest(self, rows: list[Row] | None) -> dict[str, str]:
        manifest: dict[str, str] = {}
        for line, values in rows or []:
            key = values.get("propertyName", "")
            value = values.get("value", "")
            if not key:
                continue
            if key.startswith("file.") and value.lower() not in ("", BULK, DELTA, ABSENT):
                self.err(MANIFEST, line, "value", f"must be bulk, delta or absent, not {value!r}")
            manifest[key] = value
        return manifest

    def _detect_version(self, manifest: dict[str, str], parsed: dict[str, list[Row]]) -> None:
        declared = manifest.get("oneroster.version", "")
        if declared:
            if declared.startswith("1.2"):
                self.report.version = "1.2"
            elif declared.startswith("1.1") or declared == "1.0":
                self.report.version = "1.1"
            else:
                self.err(MANIFEST, 0, "oneroster.version", f"{declared!r} is not 1.1 or 1.2")
                self.report.version = "1.1"
            return
        users = self.headers.get(USERS, frozenset())
        if ROLES in parsed or "primaryOrgSourcedId" in users:
            self.report.version = "1.2"
        else:
            self.report.version = "1.1"

    def _common(
        self, file: str, line: int, values: dict[str, str], seen: dict[str, int]
    ) -> tuple[str, bool, datetime | None] | None:
        """sourcedId, tobedeleted, dateLastModified of a row; None (and an error) if unusable."""
        sid = values.get("sourcedId", "")
        if not sid:
            self.err(file, line, "sourcedId", "is required")
            return None
        if len(sid) > 255:
            self.err(file, line, "sourcedId", "is longer than 255 characters")
            return None
        if sid in seen:
            self.err(file, line, "sourcedId", f"{sid!r} is already on line {seen[sid]}")
            return None
        seen[sid] = line
        status = values.get("status", "").lower()
        if status not in ("", "active", "tobedeleted"):
            self.err(file, line, "status", f"must be active or tobedeleted, not {status!r}")
            self.broken[file].add(sid)
            return None
        raw = values.get("dateLastModified", "")
        modified = _parse_datetime(raw) if raw else None
        if raw and modified is None:
            self.err(
                file, line, "dateLastModified",
                f"{raw!r} is not a date and time like 2024-08-15T14:30:00Z",
            )  # fmt: skip
            self.broken[file].add(sid)
            return None
        return sid, status == "tobedeleted", modified

    def _required(self, file: str, line: int, values: dict[str, str], *columns: str) -> bool:
        ok = True
        for column in columns:
            if not values.get(column):
                self.err(file, line, column, "is required")
                ok = False
        return ok

    def _date(self, file: str, line: int, column: str, raw: str) -> tuple[bool, date | None]:
        if not raw:
            return True, None
        value = _parse_date(raw)
        if value is None:
            self.err(file, line, column, f"{raw!r} is not a date like 2024-08-15")
            return False, None
        return True, value

    def _parse_orgs(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for line, values in rows:
            common = self._common(ORGS, line, values, seen)
            if common is None:
                continue
            sid, deleted, modified = common
            kind = values.get("type", "")
            ok = deleted or self._required(ORGS, line, values, "name", "type")
            if kind and kind not in ORG_TYPES:
                self.err(
                    ORGS, line, "type", f"{kind!r} is not one of {', '.join(sorted(ORG_TYPES))}"
                )
                ok = False
            if not ok:
                self.broken[ORGS].add(sid)
                continue
            self.orgs[sid] = _Org(
                sid, line, deleted, modified,
                name=self.fit(ORGS, line, "name", values.get("name", ""), 200),
                kind=kind,
                identifier=self.fit(ORGS, line, "identifier", values.get("identifier", ""), 64),
            )  # fmt: skip
        districts = [
            org for org in self.orgs.values() if org.kind == "district" and not org.deleted
        ]
        for extra in districts[1:]:
            self.err(
                ORGS, extra.line, "type",
                f"a second district (first on line {districts[0].line}); import one district "
                "at a time",
            )  # fmt: skip

    def _parse_sessions(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for line, values in rows:
            common = self._common(SESSIONS, line, values, seen)
            if common is None:
                continue
            sid, deleted, modified = common
            record = _Session(sid, line, deleted, modified)
            if not deleted:
                ok = self._required(
                    SESSIONS, line, values, "title", "type", "startDate", "endDate", "schoolYear"
                )
                kind = values.get("type", "")
                if kind and kind.lower() not in SESSION_TYPES:
                    self.err(
                        SESSIONS, line, "type",
                        f"{kind!r} is not one of {', '.join(SESSION_TYPES.values())}",
                    )  # fmt: skip
                    ok = False
                good_start, start = self._date(
                    SESSIONS, line, "startDate", values.get("startDate", "")
                )
                good_end, end = self._date(SESSIONS, line, "endDate", values.get("endDate", ""))
                if start and end and end < start:
                    self.err(SESSIONS, line, "endDate", "is before startDate")
                    ok = False
                year_raw = values.get("schoolYear", "")
                if year_raw and not (year_raw.isdigit() and 1900 <= int(year_raw) <= 2200):
                    self.err(SESSIONS, line, "schoolYear", f"{year_raw!r} is not a year like 2025")
                    ok = False
                if not (ok and good_start and good_end):
                    self.broken[SESSIONS].add(sid)
                    continue
                record.title = self.fit(SESSIONS, line, "title", values["title"], 200)
                record.kind = SESSION_TYPES[kind.lower()]
                record.start, record.end = start, end
                record.parent = values.get("parentSourcedId", "")
                record.school_year = int(year_raw)
            self.sessions[sid] = record

    def _parse_courses(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for line, values in rows:
            common = self._common(COURSES, line, values, seen)
            if common is None:
                continue
            sid, deleted, modified = common
            if not deleted and not self._required(COURSES, line, values, "title", "orgSourcedId"):
                self.broken[COURSES].add(sid)
                continue
            self.courses[sid] = _Course(
                sid, line, deleted, modified,
                title=self.fit(COURSES, line, "title", values.get("title", ""), 200),
                code=self.fit(COURSES, line, "courseCode", values.get("courseCode", ""), 64),
                org=values.get("orgSourcedId", ""),
            )  # fmt: skip

    def _parse_classes(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for line, values in rows:
            common = self._common(CLASSES, line, values, seen)
            if common is None:
                continue
            sid, deleted, modified = common
            record = _Class(sid, line, deleted, modified)
            if not deleted:
                ok = self._required(
                    CLASSES,
                    line,
                    values,
                    "title",
                    "courseSourcedId",
                    "classType",
                    "schoolSourcedId",
                )
                kind = values.get("classType", "")
                if kind and kind not in CLASS_TYPES:
                    self.err(CLASSES, line, "classType", f"{kind!r} is not homeroom or scheduled")
                    ok = False
                if not ok:
                    self.broken[CLASSES].add(sid)
                    continue
                record.title = self.fit(CLASSES, line, "title", values["title"], 200)
                record.code = self.fit(CLASSES, line, "classCode", values.get("classCode", ""), 64)
                record.kind = kind
                record.grades = _split(values.get("grades", ""))
                record.course = values["courseSourcedId"]
                record.school = values["schoolSourcedId"]
                record.terms = _split(values.get("termSourcedIds", ""))
            self.classes[sid] = record

    def _parse_users(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        header = self.headers[USERS]
        # 1.1 puts the role in users.csv; 1.2 in roles.csv (some 1.2 exports keep both).
        roles_here = "role" in header and (
            self.report.version == "1.1" or ROLES not in self.headers
        )
        if roles_here and "orgSourcedIds" not in header:
            self.err(USERS, 1, "orgSourcedIds", "is missing from the header")
            return
        if self.report.version == "1.1" and "role" not in header:
            self.err(USERS, 1, "role", "is missing from the header")
            return
        language_column = self.language_column
        for line, values in rows:
            common = self._common(USERS, line, values, seen)
            if common is None:
                continue
            sid, deleted, modified = common
            record = _User(sid, line, deleted, modified, roles_complete=roles_here)
            if deleted:
                self.users[sid] = record
                continue
            ok = self._required(USERS, line, values, "givenName", "familyName")
            if roles_here:
                raw_role = values.get("role", "")
                role = USER_ROLES.get(raw_role.lower())
                orgs = _split(values.get("orgSourcedIds", ""))
                if not raw_role:
                    self.err(USERS, line, "role", "is required")
                    ok = False
                elif role is None:
                    self.err(
                        USERS, line, "role",
                        f"{raw_role!r} is not a OneRoster role (student, teacher, aide, "
                        "administrator, guardian, parent, relative…)",
                    )  # fmt: skip
                    ok = False
                elif not orgs and (role == "student" or role in STAFF_ROLES):
                    self.err(USERS, line, "orgSourcedIds", f"is required for a {role}")
                    ok = False
                else:
                    record.roles = [_RoleRef(role, org, USERS, line) for org in orgs or [""]]
            if not ok:
                self.broken[USERS].add(sid)
                continue
            record.given = self.fit(USERS, line, "givenName", values["givenName"], 200)
            record.family = self.fit(USERS, line, "familyName", values["familyName"], 200)
            record.middle = self.fit(USERS, line, "middleName", values.get("middleName", ""), 200)
            record.preferred = self.fit(
                USERS, line, "preferredGivenName", values.get("preferredGivenName", ""), 200
            )
            record.identifier = self.fit(
                USERS, line, "identifier", values.get("identifier", ""), 64
            )
            record.username = values.get("username", "")
            record.email = values.get("email", "")
            record.sms = values.get("sms", "")
            record.phone = values.get("phone", "")
            record.agents = _split(values.get("agentSourcedIds", ""))
            record.grades = _split(values.get("grades", ""))
            record.language = values.get(language_column, "")
            record.relationship = values.get(RELATIONSHIP_COLUMN, "")
            record.may_contact = self._may_contact(line, values)
            self.users[sid] = record

    def _may_contact(self, line: int, values: dict[str, str]) -> bool | None:
        """True/False when the roster says so, None when it is silent.

        A value we cannot read is taken as "do not contact": a court order typed as "X" must
        not be lost.
        """
        verdict: bool | None = None
        do_not = values.get(DO_NOT_CONTACT_COLUMN, "")
        if do_not:
            parsed = _parse_bool(do_not)
            verdict = not parsed if parsed is not None else False
        may = values.get(MAY_CONTACT_COLUMN, "")
        if may:
            parsed = _parse_bool(may)
            if parsed is None:
                self.warn(USERS, line, MAY_CONTACT_COLUMN, "not true or false: read as false")
                parsed = False
            verdict = parsed if verdict is None else verdict and parsed
        return verdict

    def _parse_roles(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for line, values in rows:
            common = self._common(ROLES, line, values, seen)
            if common is None:
                continue
            sid, deleted, modified = common
            record = _RoleRow(sid, line, deleted, modified)
            ok = self._required(ROLES, line, values, "userSourcedId", "role", "orgSourcedId")
            raw_role = values.get("role", "")
            role = USER_ROLES.get(raw_role.lower())
            if raw_role and role is None:
                self.err(ROLES, line, "role", f"{raw_role!r} is not a OneRoster 1.2 role")
                ok = False
            role_type = values.get("roleType", "").lower()
            if not deleted and role_type not in ("primary", "secondary"):
                self.err(ROLES, line, "roleType", "must be primary or secondary")
                ok = False
            if not ok:
                self.broken[ROLES].add(sid)
                self.broken[USERS].add(values.get("userSourcedId", ""))
                continue
            record.user = values["userSourcedId"]
            record.role = role or ""
            record.org = values["orgSourcedId"]
            record.primary = role_type == "primary"
            self.role_rows.append(record)

    def _parse_enrollments(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for line, values in rows:
            common = self._common(ENROLLMENTS, line, values, seen)
            if common is None:
                continue
            sid, deleted, modified = common
            record = _Enrollment(sid, line, deleted, modified)
            if not deleted:
                ok = self._required(
                    ENROLLMENTS, line, values, "classSourcedId", "userSourcedId", "role"
                )
                raw_role = values.get("role", "")
                role = ENROLLMENT_ROLES.get(raw_role.lower())
                if raw_role and role is None:
                    self.err(
                        ENROLLMENTS, line, "role",
                        f"{raw_role!r} is not student, teacher, aide, administrator or proctor",
                    )  # fmt: skip
                    ok = False
                good_begin, begin = self._date(
                    ENROLLMENTS, line, "beginDate", values.get("beginDate", "")
                )
                good_end, end = self._date(ENROLLMENTS, line, "endDate", values.get("endDate", ""))
                primary_raw = values.get("primary", "")
                primary = _parse_bool(primary_raw) if primary_raw else None
                if primary_raw and primary is None:
                    self.warn(ENROLLMENTS, line, "primary", "is not true or false; ignored")
                if not (ok and good_begin and good_end):
                    self.broken[ENROLLMENTS].add(sid)
                    continue
                record.cls = values["classSourcedId"]
                record.user = values["userSourcedId"]
                record.role = role or ""
                record.primary = primary
                record.begin, record.end = begin, end
            self.enrollments.append(record)

    def _parse_demographics(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for line, values in rows:
            common = self._common(DEMOGRAPHICS, line, values, seen)
            if common is None:
                continue
            sid, deleted, modified = common
            record = _Demographic(sid, line, deleted, modified)
            if not deleted:
                raw_sex = values.get("sex", "")
                sex = (
                    SEX.get(raw_sex.lower(), Demographics.Sex.UNSPECIFIED)
                    if raw_sex
                    else (Demographics.Sex.UNSPECIFIED)
                )
                if raw_sex and raw_sex.lower() not in SEX:
                    self.warn(DEMOGRAPHICS, line, "sex", f"{raw_sex!r} not understood: unspecified")
                flags: list[bool | None] = []
                for column, _ in RACE_COLUMNS:
                    raw = values.get(column, "")
                    flag = _parse_bool(raw) if raw else None
                    if raw and flag is None:
                        self.warn(DEMOGRAPHICS, line, column, "is not true or false: left unknown")
                    flags.append(flag)
                record.values = (sex, *flags)
            self.demographics[sid] = record

    # -- 4: stored rows --

    def _load_state(self) -> None:
        """Load the district's stored rows, one query per table, keyed by sourcedId."""
        district = self.district
        self.db_schools = _load(School.objects.filter(district=district), SCHOOL_FIELDS)
        self.school_slugs = set(
            School.objects.filter(district=district).values_list("slug", flat=True)
        )
        self.db_sessions = _load(AcademicSession.objects.filter(district=district), SESSION_FIELDS)
        self.db_courses = _load(Course.objects.filter(district=district), COURSE_FIELDS)
        self.db_sections = _load(Section.objects.filter(school__district=district), SECTION_FIELDS)
        self.db_students = _load(Student.objects.filter(district=district), STUDENT_FIELDS)
        self.db_caregivers = _load(Caregiver.objects.filter(district=district), CAREGIVER_FIELDS)
        self.db_staff = _load(
            Staff.objects.filter(district=district),
            (*STAFF_FIELDS, "user_id", *(f"user__{name}" for name in USER_FIELDS)),
        )
        # Identity of every stored row by primary key, for translating stored foreign keys.
        self.idents: dict[str, dict[int, Ident]] = {}
        for key, rows in (
            ("schools", self.db_schools),
            ("sessions", self.db_sessions),
            ("courses", self.db_courses),
            ("sections", self.db_sections),
            ("students", self.db_students),
            ("caregivers", self.db_caregivers),
            ("staff", self.db_staff),
        ):
            self.idents[key] = {pk: ident for ident, (pk, _) in rows.items()}
            self.pks[key] = {ident: pk for ident, (pk, _) in rows.items() if isinstance(ident, str)}
        school, session, course = (
            self.idents["schools"],
            self.idents["sessions"],
            self.idents["courses"],
        )
        self.db_sessions = _translate(self.db_sessions, SESSION_FIELDS, {"parent_id": session})
        self.db_courses = _translate(self.db_courses, COURSE_FIELDS, {"school_id": school})
        self.db_sections = _translate(
            self.db_sections, SECTION_FIELDS, {"school_id": school, "course_id": course}
        )
        section, student = self.idents["sections"], self.idents["students"]
        caregiver, staff = self.idents["caregivers"], self.idents["staff"]
        through = Section.sessions.through
        self.db_terms: dict[Ident, dict[Ident, int]] = {}
        for pk, section_id, session_id in through.objects.filter(
            section__school__district=district
        ).values_list("pk", "section_id", "academicsession_id"):
            self.db_terms.setdefault(section[section_id], {})[session[session_id]] = pk
        self.db_student_schools: dict[Ident, dict[Ident, int]] = {}
        for pk, student_id, school_id in StudentSchool.objects.filter(
            student__district=district
        ).values_list("pk", "student_id", "school_id"):
            self.db_student_schools.setdefault(student[student_id], {})[school[school_id]] = pk
        self.db_demographics: dict[Ident, tuple[int, tuple[Any, ...]]] = {
            student[row[1]]: (row[0], row[2:])
            for row in Demographics.objects.filter(student__district=district).values_list(
                "pk", "student_id", *DEMOGRAPHIC_FIELDS
            )
        }
        self.db_links: dict[tuple[Ident, Ident], tuple[int, tuple[Any, ...]]] = {
            (caregiver[row[1]], student[row[2]]): (row[0], row[3:])
            for row in CaregiverLink.objects.filter(caregiver__district=district).values_list(
                "pk", "caregiver_id", "student_id", *LINK_FIELDS
            )
        }
        self.db_contacts: dict[Ident, dict[tuple[str, str], tuple[int, str, bool, bool]]] = {}
        for (
            pk,
            caregiver_id,
            kind,
            value,
            label,
            sms_capable,
            from_roster,
        ) in ContactPoint.objects.filter(caregiver__district=district).values_list(
            "pk", "caregiver_id", "kind", "value", "label", "sms_capable", "from_roster"
        ):
            self.db_contacts.setdefault(caregiver[caregiver_id], {})[(kind, value)] = (
                pk, label, sms_capable, from_roster,
            )  # fmt: skip
        self.db_roles: dict[Ident, dict[tuple[str, Ident | None], tuple[int, bool]]] = {}
        for pk, staff_id, role, school_id, from_roster in StaffRole.objects.filter(
            staff__district=district
        ).values_list("pk", "staff_id", "role", "school_id", "from_roster"):
            where = school[school_id] if school_id is not None else None
            self.db_roles.setdefault(staff[staff_id], {})[(role, where)] = (pk, from_roster)
        self.db_enrollments = {
            (section[row[1]], student[row[2]]): (row[0], row[3:])
            for row in StudentEnrollment.objects.filter(
                section__school__district=district
            ).values_list("pk", "section_id", "student_id", *ENROLLMENT_FIELDS)
        }
        self.db_assignments = {
            (section[row[1]], staff[row[2]]): (row[0], row[3:])
            for row in SectionAssignment.objects.filter(
                section__school__district=district
            ).values_list("pk", "section_id", "staff_id", *ASSIGNMENT_FIELDS)
        }
        # Staff sign in, so their usernames must be unique among every user, not just this
        # district's; case is ignored so that "JSmith" and "jsmith" never both exist.
        self.usernames = {
            name.lower() for name in get_user_model().objects.values_list("username", flat=True)
        }

    # -- 5: references --

    def _resolve_user_roles(self) -> None:
        """Give each user its roles: from users.csv (1.1) or from roles.csv (1.2).

        A delta roles.csv lists only changes: its active rows are added to the stored links
        and its tobedeleted rows remove them, for users in users.csv or not.
        """
        roles_mode = self.modes.get(ROLES, ABSENT)
        self.role_removals: dict[str, list[_RoleRef]] = {}
        additions: dict[str, list[_RoleRow]] = {}
        for row in self.role_rows:
            if row.deleted:
                ref = _RoleRef(row.role, row.org, ROLES, row.line)
                self.role_removals.setdefault(row.user, []).append(ref)
            else:
                additions.setdefault(row.user, []).append(row)
        for sid, user in self.users.items():
            if user.deleted or user.roles_complete:
                continue
            rows = sorted(additions.pop(sid, []), key=lambda row: not row.primary)
            user.roles = [_RoleRef(row.role, row.org, ROLES, row.line) for row in rows]
            user.roles_complete = roles_mode == BULK
            if not user.roles and (roles_mode == BULK or not self._stored_kinds(sid)):
                self.err(USERS, user.line, "sourcedId", f"user {sid!r} has no role in roles.csv")
                self.broken[USERS].add(sid)
        self.role_additions: dict[str, list[_RoleRef]] = {}
        for sid, rows in additions.items():
            if sid in self.users or sid in self.broken[USERS]:
                continue
            if not self._stored_kinds(sid):
                for row in rows:
                    self.err(ROLES, row.line, "userSourcedId", f"no user {sid!r} in users.csv")
                continue
            self.role_additions[sid] = [_RoleRef(r.role, r.org, ROLES, r.line) for r in rows]
        for sid in self.broken[USERS] & set(self.users):
            del self.users[sid]

    def _stored_kinds(self, sid: str) -> set[str]:
        kinds = set()
        if sid in self.db_students:
            kinds.add("student")
        if sid in self.db_staff:
            kinds.add("staff")
        if sid in self.db_caregivers:
            kinds.add("caregiver")
        return kinds

    def _kinds(self, user: _User) -> set[str]:
        kinds = {_role_kind(ref.role) for ref in user.roles} - {""}
        if not user.roles_complete:
            kinds |= self._stored_kinds(user.sid)
        return kinds

    def _after(
        self,
        file: str,
        records: Iterable[_Rec],
        stored: dict[Ident, tuple[int, tuple[Any, ...]]],
        active_at: int,
    ) -> set[str]:
        """sourcedIds that will exist, active, after this import, for one kind of record."""
        mode = self.modes.get(file, ABSENT)
        in_file = {record.sid for record in records if not record.deleted}
        if mode == BULK:
            return in_file
        removed = {record.sid for record in records if record.deleted}
        kept = {
            ident
            for ident, (_, values) in stored.items()
            if isinstance(ident, str) and values[active_at] and ident not in removed
        }
        return kept | in_file

    def _where(self, file: str) -> str:
        return file if self.modes.get(file) == BULK else f"{file} or stored rows"

    def _check_references(self) -> None:
        """Every reference must name a row that exists after this import (file or stored)."""
        district_sid = self.district.sourced_id
        for org in self.orgs.values():
            if org.kind == "district" and not org.deleted:
                if district_sid and org.sid != district_sid:
                    self.err(
                        ORGS, org.line, "sourcedId",
                        f"this district's sourcedId is {district_sid!r}: these files are for "
                        "another district",
                    )  # fmt: skip
                district_sid = org.sid
        schools = [org for org in self.orgs.values() if org.kind == "school"]
        self.schools_after = self._after(ORGS, schools, self.db_schools, 2)
        self.other_orgs = {
            o.sid for o in self.orgs.values() if not o.deleted and o.kind != "school"
        }
        if self.modes.get(ORGS, ABSENT) != BULK and district_sid:
            self.other_orgs.add(district_sid)
        self.sessions_after = self._after(SESSIONS, self.sessions.values(), self.db_sessions, 6)
        self.courses_after = self._after(COURSES, self.courses.values(), self.db_courses, 3)
        self.sections_after = self._after(CLASSES, self.classes.values(), self.db_sections, 6)
        broken = self.broken
        for session in self.sessions.values():
            if session.deleted or not session.parent:
                continue
            if session.parent not in self.sessions_after and session.parent not in broken[SESSIONS]:
                self.warn(
                    SESSIONS, session.line, "parentSourcedId",
                    f"no session {session.parent!r}: imported without a parent",
                )  # fmt: skip
                session.parent = ""
        for course in self.courses.values():
            if course.deleted or course.org in broken[ORGS]:
                continue
            if course.org not in self.schools_after and course.org not in self.other_orgs:
                self.err(
                    COURSES, course.line, "orgSourcedId",
                    f"no org {course.org!r} in {self._where(ORGS)}",
                )  # fmt: skip
        for cls in self.classes.values():
            if cls.deleted:
                continue
            if cls.school not in self.schools_after and cls.school not in broken[ORGS]:
                reason = (
                    f"org {cls.school!r} is not a school"
                    if cls.school in self.other_orgs
                    else f"no school {cls.school!r} in {self._where(ORGS)}"
                )
                self.err(CLASSES, cls.line, "schoolSourcedId", reason)
            if cls.course not in self.courses_after and cls.course not in broken[COURSES]:
                self.err(
                    CLASSES, cls.line, "courseSourcedId",
                    f"no course {cls.course!r} in {self._where(COURSES)}",
                )  # fmt: skip
            for term in cls.terms:
                if term not in self.sessions_after and term not in broken[SESSIONS]:
                    self.err(
                        CLASSES, cls.line, "termSourcedIds",
                        f"no session {term!r} in {self._where(SESSIONS)}",
                    )  # fmt: skip
        self._check_users()
        self._check_enrollments()

    def _check_users(self) -> None:
        known_orgs = self.schools_after | self.other_orgs | self.broken[ORGS]
        orgs_bulk = self.modes.get(ORGS) == BULK
        refs = [ref for user in self.users.values() for ref in user.roles]
        refs += [ref for rows in self.role_additions.values() for ref in rows]
        for ref in refs:
            if not ref.org or ref.org in known_orgs:
                continue
            # Departments and other orgs are not stored, so a delta cannot be checked fully.
            if orgs_bulk:
                self.err(ref.file, ref.line, ref.column, f"no org {ref.org!r} in {ORGS}")
            else:
                self.warn(ref.file, ref.line, ref.column, f"no school {ref.org!r}: no link made")
        self.user_kinds = {u.sid: self._kinds(u) for u in self.users.values() if not u.deleted}
        deleted = {u.sid for u in self.users.values() if u.deleted}
        bulk = self.modes.get(USERS) == BULK

        def after(
            kind: str, stored: dict[Ident, tuple[int, tuple[Any, ...]]], active_at: int
        ) -> set[str]:
            in_file = {sid for sid, kinds in self.user_kinds.items() if kind in kinds}
            if bulk:
                return in_file
            kept = {
                ident
                for ident, (_, values) in stored.items()
                if isinstance(ident, str)
                and values[active_at]
                and ident not in deleted
                and ident not in self.user_kinds
            }
            return kept | in_file

        self.students_after = after("student", self.db_students, 7)
        self.caregivers_after = after("caregiver", self.db_caregivers, 2)
        self.staff_after = after("staff", self.db_staff, 3)

    def _check_enrollments(self) -> None:
        broken_users, broken_classes = self.broken[USERS], self.broken[CLASSES]
        known_users = self.students_after | self.staff_after | self.caregivers_after
        for enrollment in self.enrollments:
            if enrollment.deleted:
                continue
            line, user, role = enrollment.line, enrollment.user, enrollment.role
            if enrollment.cls not in self.sections_after and enrollment.cls not in broken_classes:
                self.err(
                    ENROLLMENTS, line, "classSourcedId",
                    f"no class {enrollment.cls!r} in {self._where(CLASSES)}",
                )  # fmt: skip
            if user in broken_users:
                continue
            if user not in known_users:
                self.err(
                    ENROLLMENTS, line, "userSourcedId", f"no user {user!r} in {self._where(USERS)}"
                )
            elif role == "student" and user not in self.students_after:
                self.err(ENROLLMENTS, line, "userSourcedId", f"user {user!r} is not a student")
            elif role in ("teacher", "aide") and user not in self.staff_after:
                self.err(ENROLLMENTS, line, "userSourcedId", f"user {user!r} is not staff")

    # -- 6: plan --

    def _plan(self) -> None:
        self.stale: set[tuple[str, str]] = set()
        self._plan_district()
        self._plan_schools()
        self._plan_sessions()
        self._plan_courses()
        self._plan_sections()
        self._plan_students()
        self._plan_demographics()
        self._plan_caregivers()
        self._plan_staff()
        self._plan_enrollments()

    def _is_stale(self, file: str, record: _Rec, stored_modified: datetime | None) -> bool:
        """A delta row older than the stored record is ignored (deltas can arrive late)."""
        if self.modes.get(file) != DELTA or record.modified is None or stored_modified is None:
            return False
        if record.modified >= stored_modified:
            return False
        if (file, record.sid) not in self.stale:
            self.stale.add((file, record.sid))
            self.warn(
                file, record.line, "dateLastModified",
                "is older than the stored record: row ignored",
            )  # fmt: skip
        return True

    def _fresh(
        self,
        file: str,
        records: Iterable[R],
        stored: dict[Ident, tuple[int, tuple[Any, ...]]],
        modified_at: int,
    ) -> list[R]:
        """The records that are not older than their stored row."""
        fresh = []
        for record in records:
            found = stored.get(record.sid)
            if found is None or not self._is_stale(file, record, found[1][modified_at]):
                fresh.append(record)
        return fresh

    def _diff(
        self, entity: str, fields: Sequence[str], old: tuple[Any, ...], new: tuple[Any, ...]
    ) -> dict[str, Any]:
        """Changed fields only; counts the row as updated or unchanged."""
        if old == new:  # the common case, compared in C
            self.report.counts[entity]["unchanged"] += 1
            return {}
        diff = {
            name: value for name, was, value in zip(fields, old, new, strict=True) if was != value
        }
        self.count(entity, "updated" if diff else "unchanged")
        return diff

    def _plan_entities(
        self,
        *,
        entity: str,
        key: str,
        model: type[models.Model],
        file: str,
        fields: Sequence[str],
        stored: dict[Ident, tuple[int, tuple[Any, ...]]],
        wanted: dict[str, tuple[Any, ...]],
        deleted: Iterable[str],
        extra: Callable[[str], dict[str, Any]],
        fks: dict[str, str] | None = None,
        deferred: tuple[str, ...] = (),
    ) -> tuple[_TablePlan, set[str], set[str]]:
        """Plan one sourced table: (plan, sourcedIds created or changed, ones deactivated).

        ``wanted`` holds the file's active, non-stale rows. Stored rows named by a tobedeleted
        row, or missing from a bulk file, are deactivated (never deleted: other data such as
        messages may point at them).
        """
        plan = _TablePlan(key, model, fks or {}, deferred=deferred)
        active_at = list(fields).index("is_active")
        changed: set[str] = set()
        for sid, values in wanted.items():
            found = stored.get(sid)
            if found is None:
                plan.creates.append(
                    {"sourced_id": sid, **dict(zip(fields, values, strict=True)), **extra(sid)}
                )
                self.count(entity, "created")
                changed.add(sid)
                continue
            diff = self._diff(entity, fields, found[1], values)
            if diff:
                plan.updates.append((found[0], diff))
                changed.add(sid)
        gone = set(deleted)
        if self.modes.get(file) == BULK:
            gone |= {ident for ident in stored if isinstance(ident, str) and ident not in wanted}
        deactivated: set[str] = set()
        for sid in gone:
            found = stored.get(sid)
            if found is None or sid in wanted:
                continue
            deactivated.add(sid)
            if found[1][active_at]:
                plan.updates.append((found[0], {"is_active": False}))
                self.count(entity, "deleted")
        self.plans.append(plan)
        return plan, changed, deactivated

    def _plan_district(self) -> None:
        plan = _TablePlan("district", District)
        org = next((o for o in self.orgs.values() if o.kind == "district" and not o.deleted), None)
        if org is not None:
            old = (self.district.sourced_id, self.district.name)
            diff = self._diff("district", ("sourced_id", "name"), old, (org.sid, org.name))
            if diff:
                plan.updates.append((self.district.pk, diff))
        self.plans.append(plan)

    def _plan_schools(self) -> None:
        schools = [org for org in self.orgs.values() if org.kind == "school"]
        fresh = self._fresh(ORGS, schools, self.db_schools, 3)
        wanted = {r.sid: (r.name, r.identifier, True, r.modified) for r in fresh if not r.deleted}
        names = {r.sid: r.name for r in fresh}
        slugs = self.school_slugs

        def extra(sid: str) -> dict[str, Any]:
            # Names in other scripts slugify to nothing: fall back to the sourcedId.
            base = (slugify(names[sid]) or slugify(sid) or "school")[:44]
            slug, n = base, 1
            while slug in slugs:
                n += 1
                slug = f"{base}-{n}"
            slugs.add(slug)
            return {"district_id": self.district.pk, "slug": slug}

        self._plan_entities(
            entity="schools", key="schools", model=School, file=ORGS, fields=SCHOOL_FIELDS,
            stored=self.db_schools, wanted=wanted, deleted=[r.sid for r in fresh if r.deleted],
            extra=extra,
        )  # fmt: skip

    def _plan_sessions(self) -> None:
        fresh = self._fresh(SESSIONS, self.sessions.values(), self.db_sessions, 7)
        wanted = {
            r.sid: (
                r.title, r.kind, r.start, r.end, r.school_year, r.parent or None, True, r.modified
            )
            for r in fresh
            if not r.deleted
        }  # fmt: skip
        self._plan_entities(
            entity="academic_sessions", key="sessions", model=AcademicSession, file=SESSIONS,
            fields=SESSION_FIELDS, stored=self.db_sessions, wanted=wanted,
            deleted=[r.sid for r in fresh if r.deleted],
            extra=lambda sid: {"district_id": self.district.pk},
            fks={"parent_id": "sessions"}, deferred=("parent_id",),
        )  # fmt: skip

    def _plan_courses(self) -> None:
        fresh = self._fresh(COURSES, self.courses.values(), self.db_courses, 4)
        schools = self.schools_after
        wanted = {
            r.sid: (r.title, r.code, r.org if r.org in schools else None, True, r.modified)
            for r in fresh
            if not r.deleted
        }
        self._plan_entities(
            entity="courses", key="courses", model=Course, file=COURSES, fields=COURSE_FIELDS,
            stored=self.db_courses, wanted=wanted, deleted=[r.sid for r in fresh if r.deleted],
            extra=lambda sid: {"district_id": self.district.pk}, fks={"school_id": "schools"},
        )  # fmt: skip

    def _plan_sections(self) -> None:
        fresh = self._fresh(CLASSES, self.classes.values(), self.db_sections, 7)
        wanted = {
            r.sid: (r.school, r.course, r.title, r.code, r.kind, r.grades, True, r.modified)
            for r in fresh
            if not r.deleted
        }
        _, changed, _ = self._plan_entities(
            entity="sections", key="sections", model=Section, file=CLASSES,
            fields=SECTION_FIELDS, stored=self.db_sections, wanted=wanted,
            deleted=[r.sid for r in fresh if r.deleted], extra=lambda sid: {},
            fks={"school_id": "schools", "course_id": "courses"},
        )  # fmt: skip
        # Terms (many-to-many): only links to roster sessions are managed.
        terms = _TablePlan(
            "section_sessions", Section.sessions.through,
            {"section_id": "sections", "academicsession_id": "sessions"},
        )  # fmt: skip
        for record in fresh:
            if record.deleted:
                continue
            stored = self.db_terms.get(record.sid, {})
            added = [term for term in dict.fromkeys(record.terms) if term not in stored]
            removed = [pk for term, pk in stored.items() if isinstance(term, str)
                       and term not in record.terms]  # fmt: skip
            terms.creates += [{"section_id": record.sid, "academicsession_id": t} for t in added]
            terms.deletes += removed
            if (added or removed) and record.sid in self.db_sections and record.sid not in changed:
                self.count("sections", "unchanged", -1)
                self.count("sections", "updated")
        self.plans.append(terms)

    def _language(self, line: int, raw: str, instead: str) -> str | None:
        """The language tag a roster cell names, or None (with a warning if it names none)."""
        if not raw:
            return None
        try:
            return registry.parse_loose(raw)
        except registry.InvalidLanguage:
            self.warn(
                USERS, line, self.language_column,
                f"{raw[:40]!r} is not a language we know: {instead}",
            )  # fmt: skip
            return None

    def _users_of(
        self, kind: str, stored: dict[Ident, tuple[int, tuple[Any, ...]]], modified_at: int
    ) -> list[_User]:
        """users.csv rows of one kind (and tobedeleted rows of that kind), minus stale ones."""
        records = [
            u for u in self.users.values()
            if kind in self.user_kinds.get(u.sid, ()) or (u.deleted and u.sid in stored)
        ]  # fmt: skip
        return self._fresh(USERS, records, stored, modified_at)

    def _link_changes(
        self, kind: str, pick: Callable[[_RoleRef], Any]
    ) -> tuple[dict[str, set[Any]], dict[str, set[Any]]]:
        """A delta roles.csv's removals (for every user) and additions (for users not in
        users.csv: the others carry theirs in ``roles``)."""
        adds: dict[str, set[Any]] = {}
        removes: dict[str, set[Any]] = {}
        for target, source in ((adds, self.role_additions), (removes, self.role_removals)):
            for sid, refs in source.items():
                for ref in refs:
                    if _role_kind(ref.role) == kind and (value := pick(ref)) is not None:
                        target.setdefault(sid, set()).add(value)
        return adds, removes

    def _plan_students(self) -> None:
        fresh = self._users_of("student", self.db_students, 8)
        has_language = self.language_column in self.headers.get(USERS, frozenset())
        self.student_languages: dict[str, str] = {}
        wanted: dict[str, tuple[Any, ...]] = {}
        for r in fresh:
            if r.deleted:
                continue
            stored = self.db_students.get(r.sid)
            if has_language:
                language = self._language(r.line, r.language, "left blank") or ""
            else:
                # No language column at all: keep what is stored rather than erase it.
                language = stored[1][6] if stored else ""
            self.student_languages[r.sid] = language
            grade = self.fit(USERS, r.line, "grades", r.grades[0], 8) if r.grades else ""
            wanted[r.sid] = (
                r.given, r.family, r.middle, r.preferred, r.identifier, grade, language, True,
                r.modified,
            )  # fmt: skip
        _, _, gone = self._plan_entities(
            entity="students", key="students", model=Student, file=USERS, fields=STUDENT_FIELDS,
            stored=self.db_students, wanted=wanted, deleted=[r.sid for r in fresh if r.deleted],
            extra=lambda sid: {"district_id": self.district.pk},
        )  # fmt: skip
        self.students_gone = gone

        def school(ref: _RoleRef) -> str | None:
            return ref.org if ref.org in self.schools_after else None

        # A student's schools: the whole set when users.csv (1.1) or a bulk roles.csv gives it,
        # else the stored set amended by a delta roles.csv. A removed student keeps none.
        full: dict[str, set[str]] = {sid: set() for sid in gone}
        adds, removes = self._link_changes("student", school)
        for r in fresh:
            if r.sid in wanted:
                found = {s for ref in r.roles if ref.role == "student" and (s := school(ref))}
                if r.roles_complete:
                    full[r.sid] = found
                else:
                    adds.setdefault(r.sid, set()).update(found)
        plan = _TablePlan(
            "student_schools", StudentSchool, {"student_id": "students", "school_id": "schools"}
        )
        for sid in set(full) | set(adds) | set(removes):
            links = self.db_student_schools.get(sid, {})
            current = {school for school in links if isinstance(school, str)}
            want = (
                full[sid]
                if sid in full
                else (current | adds.get(sid, set())) - removes.get(sid, set())
            )
            for school_sid in want - current:
                plan.creates.append({"student_id": sid, "school_id": school_sid})
            plan.deletes += [links[school_sid] for school_sid in current - want]
            self.count("student_schools", "created", len(want - current))
            self.count("student_schools", "deleted", len(current - want))
            self.count("student_schools", "unchanged", len(current & want))
        self.plans.append(plan)

    def _plan_demographics(self) -> None:
        plan = _TablePlan("demographics", Demographics, {"student_id": "students"})
        for record in self.demographics.values():
            sid = record.sid
            stored = self.db_demographics.get(sid)
            if record.deleted:
                if stored is not None:
                    plan.deletes.append(stored[0])
                    self.count("demographics", "deleted")
                continue
            if sid not in self.students_after:
                # Staff have demographics too; Juntos keeps them for students only.
                if sid not in self.staff_after and sid not in self.caregivers_after:
                    self.warn(
                        DEMOGRAPHICS, record.line, "sourcedId", f"no student {sid!r}: row skipped"
                    )
                continue
            if stored is None:
                plan.creates.append(
                    {"student_id": sid, **dict(zip(DEMOGRAPHIC_FIELDS, record.values, strict=True))}
                )
                self.count("demographics", "created")
                continue
            diff = self._diff("demographics", DEMOGRAPHIC_FIELDS, stored[1], record.values)
            if diff:
                plan.updates.append((stored[0], diff))
        if self.modes.get(DEMOGRAPHICS) == BULK:
            for student, (pk, _) in self.db_demographics.items():
                if isinstance(student, str) and student not in self.demographics:
                    plan.deletes.append(pk)
                    self.count("demographics", "deleted")
        self.plans.append(plan)

    def _contacts(self, user: _User) -> tuple[dict[tuple[str, str], tuple[str, bool]], bool]:
        """A caregiver row's contact points, (kind, value) → (label, sms_capable); and whether
        its ``sms`` column held a usable number."""
        found: dict[tuple[str, str], tuple[str, bool]] = {}
        sms_ok = False
        for column, raw in (("sms", user.sms), ("phone", user.phone)):
            if not raw:
                continue
            parsed = parse_phone(raw)
            if parsed is None:
                # A warning, not an error: one mistyped number must not stop a district.
                self.warn(USERS, user.line, column, "is not a valid phone number: not imported")
                continue
            number, mobile = parsed
            key = (ContactPoint.Kind.PHONE.value, number)
            if column == "sms":
                # The school recorded it as the number to text: trust that over the type.
                found[key] = (ContactPoint.Label.MOBILE.value, True)
                sms_ok = True
            elif key not in found:
                label = ContactPoint.Label.MOBILE if mobile else ContactPoint.Label.HOME
                found[key] = (label.value, mobile)
        if user.email:
            email = parse_email(user.email)
            if email is None:
                self.warn(USERS, user.line, "email", "is not a valid email address: not imported")
            else:
                found[(ContactPoint.Kind.EMAIL.value, email)] = (
                    ContactPoint.Label.OTHER.value, False,
                )  # fmt: skip
        return found, sms_ok

    def _plan_caregivers(self) -> None:
        fresh = self._users_of("caregiver", self.db_caregivers, 3)
        active = {r.sid: r for r in fresh if not r.deleted}
        # Links from both directions: a student's agents, and a caregiver's own agents.
        pairs: dict[tuple[str, str], _User | None] = {}
        linked: dict[str, list[str]] = {}

        def add(caregiver: str, student: str, row: _User | None) -> None:
            if (caregiver, student) not in pairs:
                pairs[(caregiver, student)] = row
                linked.setdefault(caregiver, []).append(student)

        for r in active.values():
            for agent in r.agents:
                if agent in self.students_after:
                    add(r.sid, agent, r)
                elif agent not in self.broken[USERS]:
                    self.warn(
                        USERS, r.line, "agentSourcedIds", f"no student {agent!r}: link skipped"
                    )
        for student in self.users.values():
            if student.deleted or "student" not in self.user_kinds.get(student.sid, ()):
                continue
            if (USERS, student.sid) in self.stale:
                continue
            for agent in student.agents:
                if agent in self.caregivers_after:
                    add(agent, student.sid, active.get(agent))
                elif agent not in self.broken[USERS] and agent not in self.staff_after:
                    self.warn(
                        USERS, student.line, "agentSourcedIds",
                        f"no guardian {agent!r}: link skipped",
                    )  # fmt: skip
        contacts: dict[str, dict[tuple[str, str], tuple[str, bool]]] = {}
        wanted: dict[str, tuple[Any, ...]] = {}
        created: dict[str, dict[str, Any]] = {}
        for sid, r in active.items():
            contacts[sid], sms_ok = self._contacts(r)
            stored = self.db_caregivers.get(sid)
            method, consent_at = (stored[1][4], stored[1][5]) if stored else ("", None)
            if sms_ok and not method:
                method, consent_at = Caregiver.ConsentMethod.ROSTER.value, self.now
            elif not sms_ok and method == Caregiver.ConsentMethod.ROSTER:
                # The school withdrew the number to text; consent the family gave us stays.
                method, consent_at = "", None
            wanted[sid] = (r.given, r.family, True, r.modified, method, consent_at)
            if stored is None:
                created[sid] = self._new_caregiver(r, contacts[sid], linked.get(sid, []))
        _, _, gone = self._plan_entities(
            entity="caregivers", key="caregivers", model=Caregiver, file=USERS,
            fields=CAREGIVER_FIELDS, stored=self.db_caregivers, wanted=wanted,
            deleted=[r.sid for r in fresh if r.deleted], extra=created.__getitem__,
        )  # fmt: skip
        self._plan_links(pairs, active, gone)
        self._plan_contacts(contacts)

    def _new_caregiver(
        self, row: _User, contacts: dict[tuple[str, str], tuple[str, bool]], students: list[str]
    ) -> dict[str, Any]:
        """Language and channels, set once when a caregiver is created.

        Afterwards they belong to the family (and staff who talk with them): a re-import never
        overwrites them.
        """
        language = self._language(
            row.line, row.language, "the student's or the district's language used instead"
        )
        if language is None:
            language = next(
                (lang for sid in students if (lang := self._student_language(sid))),
                self.district.default_language,
            )
        phones = [sms for (kind, _), (_, sms) in contacts.items() if kind == "phone"]
        channels = []
        if any(phones):
            channels.append(Channel.SMS.value)
        if any(kind == "email" for kind, _ in contacts):
            channels.append(Channel.EMAIL.value)
        if phones:
            channels.append(Channel.VOICE.value)
        return {
            "district_id": self.district.pk,
            "preferred_language": language,
            "channel_preferences": channels or [Channel.PAPER.value],
        }

    def _student_language(self, sid: str) -> str:
        if sid in self.student_languages:
            return self.student_languages[sid]
        stored = self.db_students.get(sid)
        return str(stored[1][6]) if stored else ""

    def _relationship(self, row: _User | None) -> tuple[str, bool]:
        """(relationship, said explicitly by the extension column) of a caregiver's row."""
        if row is None:
            return Relationship.OTHER.value, False
        if row.relationship:
            key = re.sub(r"[\s_/-]+", " ", row.relationship.lower()).strip()
            if key in RELATIONSHIPS:
                return RELATIONSHIPS[key], True
            self.warn(
                USERS, row.line, RELATIONSHIP_COLUMN,
                f"{row.relationship[:40]!r} not understood: the role is used",
            )  # fmt: skip
        role = next((ref.role for ref in row.roles if ref.role in CAREGIVER_ROLES), "")
        return CAREGIVER_ROLES.get(role, Relationship.OTHER.value), False

    def _plan_links(
        self, pairs: dict[tuple[str, str], _User | None], active: dict[str, _User], gone: set[str]
    ) -> None:
        plan = _TablePlan(
            "caregiver_links",
            CaregiverLink,
            {"caregiver_id": "caregivers", "student_id": "students"},
        )
        relationships = {sid: self._relationship(row) for sid, row in active.items()}
        header = self.headers.get(USERS, frozenset())
        contact_column = (
            MAY_CONTACT_COLUMN if MAY_CONTACT_COLUMN in header else DO_NOT_CONTACT_COLUMN
        )
        warned: set[int] = set()
        for (caregiver, student), row in pairs.items():
            relationship, explicit = relationships.get(caregiver) or self._relationship(row)
            may_contact = row.may_contact if row is not None else None
            stored = self.db_links.get((caregiver, student))
            if stored is None:
                plan.creates.append({
                    "caregiver_id": caregiver, "student_id": student, "relationship": relationship,
                    "may_contact": may_contact is not False, "sourced_id": caregiver,
                })  # fmt: skip
                self.count("caregiver_links", "created")
                continue
            pk, (old_relationship, old_may, old_sid) = stored
            # A relationship the school entered by hand (mother, grandparent) beats the
            # generic one a role gives; an explicit roster value wins.
            new_relationship = relationship if explicit else old_relationship
            # The roster may forbid contact but never lifts a do-not-contact: court orders
            # are often entered by hand, and a wrong "yes" can put a child in danger.
            new_may = False if may_contact is False else old_may
            if may_contact is True and not old_may and row is not None and row.line not in warned:
                warned.add(row.line)
                self.warn(
                    USERS, row.line, contact_column,
                    "allows contact, but Juntos marks a link do-not-contact: left as it is",
                )  # fmt: skip
            diff = self._diff(
                "caregiver_links", LINK_FIELDS, (old_relationship, old_may, old_sid),
                (new_relationship, new_may, caregiver),
            )  # fmt: skip
            if diff:
                plan.updates.append((pk, diff))
        users_bulk = self.modes.get(USERS) == BULK
        for pair, (pk, (_, _, link_sid)) in self.db_links.items():
            # Links made by hand (no sourcedId) are never removed by the roster. In a delta,
            # links are only added, or removed with the caregiver or student.
            if not link_sid or pair in pairs:
                continue
            if users_bulk or pair[0] in gone or pair[1] in self.students_gone:
                plan.deletes.append(pk)
                self.count("caregiver_links", "deleted")
        self.plans.append(plan)

    def _plan_contacts(self, contacts: dict[str, dict[tuple[str, str], tuple[str, bool]]]) -> None:
        """Roster contact points are replaced; ones added by hand are never touched.

        Updates change only label and SMS capability, so ``opted_out_at`` on a number that
        stays is kept.
        """
        plan = _TablePlan("contact_points", ContactPoint, {"caregiver_id": "caregivers"})
        for caregiver, wanted in contacts.items():
            stored = self.db_contacts.get(caregiver, {})
            for (kind, value), (label, sms_capable) in wanted.items():
                found = stored.get((kind, value))
                if found is None:
                    plan.creates.append({
                        "caregiver_id": caregiver, "kind": kind, "value": value, "label": label,
                        "sms_capable": sms_capable, "from_roster": True,
                    })  # fmt: skip
                    self.count("contact_points", "created")
                elif not found[3]:
                    self.count("contact_points", "unchanged")
                else:
                    diff = self._diff(
                        "contact_points", CONTACT_FIELDS, found[1:3], (label, sms_capable)
                    )
                    if diff:
                        plan.updates.append((found[0], diff))
            for key, (pk, _, _, from_roster) in stored.items():
                if from_roster and key not in wanted:
                    plan.deletes.append(pk)
                    self.count("contact_points", "deleted")
        self.plans.append(plan)

    def _username(self, user: _User) -> str:
        """The roster's username (else email, else sourcedId), made unique among all users."""
        base = _USERNAME_UNSAFE.sub("_", user.username or user.email or user.sid)[:150]
        candidate, n = base, 1
        while candidate.lower() in self.usernames:
            n += 1
            suffix = f"-{n}"
            candidate = base[: 150 - len(suffix)] + suffix
        self.usernames.add(candidate.lower())
        return candidate

    def _plan_staff(self) -> None:
        # Stored staff values: STAFF_FIELDS, then user_id, then USER_FIELDS of the user.
        staff_rows = {ident: (pk, values[:5]) for ident, (pk, values) in self.db_staff.items()}
        fresh = self._users_of("staff", staff_rows, 4)
        active = {r.sid: r for r in fresh if not r.deleted}
        wanted: dict[str, tuple[Any, ...]] = {}
        users = _TablePlan("users", get_user_model())
        usernames: dict[str, str] = {}
        for sid, r in active.items():
            email = parse_email(r.email) if r.email else ""
            if email is None:
                self.warn(USERS, r.line, "email", "is not a valid email address: not imported")
            wanted[sid] = (r.given, r.family, email or "", True, r.modified)
            stored = self.db_staff.get(sid)
            if stored is None:
                usernames[sid] = self._username(r)
                # No usable password: staff sign in through the district's SSO or a reset.
                users.creates.append({
                    "username": usernames[sid], "email": email or "",
                    "password": make_password(None), "first_name": r.given[:150],
                    "last_name": r.family[:150],
                })  # fmt: skip
                continue
            values = stored[1]
            # The sign-in is reopened only when the staff member comes back.
            user_active = True if not values[3] else values[9]
            new = (email or "", r.given[:150], r.family[:150], user_active)
            diff = {
                n: v for n, was, v in zip(USER_FIELDS, values[6:], new, strict=True) if was != v
            }
            if diff:
                users.updates.append((values[5], diff))
        plan, changed, gone = self._plan_entities(
            entity="staff", key="staff", model=Staff, file=USERS, fields=STAFF_FIELDS,
            stored=staff_rows, wanted=wanted, deleted=[r.sid for r in fresh if r.deleted],
            extra=lambda sid: {"district_id": self.district.pk, "user_id": usernames[sid]},
            fks={"user_id": "users"},
        )  # fmt: skip
        for sid in gone:
            values = self.db_staff[sid][1]
            if values[3] and values[9]:
                users.updates.append((values[5], {"is_active": False}))
        self.plans.insert(self.plans.index(plan), users)
        # A change to the sign-in alone still counts as a staff update.
        user_changed = {pk for pk, _ in users.updates}
        for sid in wanted.keys() - changed:
            if self.db_staff[sid][1][5] in user_changed:
                self.count("staff", "unchanged", -1)
                self.count("staff", "updated")
        self.staff_gone = gone
        self._plan_staff_roles(active, gone)

    def _plan_staff_roles(self, active: dict[str, _User], gone: set[str]) -> None:
        warned: set[tuple[str, int]] = set()

        def role_of(ref: _RoleRef) -> tuple[str, Ident | None] | None:
            mapped = STAFF_ROLES.get(ref.role)
            if mapped is None:
                return None
            if mapped == Role.DISTRICT_ADMIN:
                return (mapped, None)
            if ref.org in self.schools_after:
                return (mapped, ref.org)
            # District-wide access is never inferred from a school role at a district org: a
            # district admin sees every family, so it must be given as such (or by hand).
            if ref.org in self.other_orgs and (ref.file, ref.line) not in warned:
                warned.add((ref.file, ref.line))
                self.warn(
                    ref.file, ref.line, ref.column,
                    f"{ref.role} at {ref.org!r}, which is not a school: no role given",
                )  # fmt: skip
            return None

        full: dict[str, set[tuple[str, Ident | None]]] = {sid: set() for sid in gone}
        adds, removes = self._link_changes("staff", role_of)
        for sid, r in active.items():
            roles = {role for ref in r.roles if (role := role_of(ref)) is not None}
            if r.roles_complete:
                full[sid] = roles
            else:
                adds.setdefault(sid, set()).update(roles)
        plan = _TablePlan("staff_roles", StaffRole, {"staff_id": "staff", "school_id": "schools"})
        for sid in set(full) | set(adds) | set(removes):
            stored = self.db_roles.get(sid, {})
            current = {key for key, (_, roster) in stored.items() if roster}
            by_hand = {key for key, (_, roster) in stored.items() if not roster}
            if sid in full:
                want = full[sid]
            else:
                want = (current | adds.get(sid, set())) - removes.get(sid, set())
            # A role also given by hand is left to the hand-made row.
            for role_name, school in want - current - by_hand:
                plan.creates.append(
                    {"staff_id": sid, "role": role_name, "school_id": school, "from_roster": True}
                )
                self.count("staff_roles", "created")
            for key in current - want:
                plan.deletes.append(stored[key][0])
                self.count("staff_roles", "deleted")
            self.count("staff_roles", "unchanged", len(want & (current | by_hand)))
        self.plans.append(plan)

    def _plan_enrollments(self) -> None:
        """Student enrollments and staff assignments, keyed by (class, user)."""
        students = _TablePlan(
            "student_enrollments", StudentEnrollment,
            {"section_id": "sections", "student_id": "students"},
        )  # fmt: skip
        staff = _TablePlan(
            "section_assignments",
            SectionAssignment,
            {"section_id": "sections", "staff_id": "staff"},
        )
        stored_by_sid: dict[str, tuple[str, tuple[Ident, Ident]]] = {}
        for kind, table in (("student", self.db_enrollments), ("staff", self.db_assignments)):
            for pair, (_, row) in table.items():
                if row[0]:
                    stored_by_sid[row[0]] = (kind, pair)
        wanted: dict[str, dict[tuple[Ident, Ident], tuple[Any, ...]]] = {"student": {}, "staff": {}}
        lines: dict[tuple[str, tuple[Ident, Ident]], int] = {}
        removed: set[tuple[str, tuple[Ident, Ident]]] = set()
        kept: set[tuple[str, tuple[Ident, Ident]]] = set()
        for record in self.enrollments:
            previous = stored_by_sid.get(record.sid)
            if previous is not None:
                table = self.db_enrollments if previous[0] == "student" else self.db_assignments
                if self._is_stale(ENROLLMENTS, record, table[previous[1]][1][-1]):
                    kept.add(previous)
                    continue
            if record.deleted:
                if previous is not None:
                    removed.add(previous)
                continue
            key: tuple[Ident, Ident] = (record.cls, record.user)
            values: tuple[Any, ...]
            if record.role == "student":
                kind, values = "student", (record.sid, record.begin, record.end, record.modified)
            elif record.role in ("teacher", "aide"):
                primary = record.role == "teacher" and record.primary is not False
                kind, values = "staff", (record.sid, primary, record.modified)
            else:
                continue  # administrators and proctors of a class: nothing to store
            if (kind, key) in lines:
                self.warn(
                    ENROLLMENTS, record.line, "userSourcedId",
                    f"same user and class as line {lines[(kind, key)]}: row ignored",
                )  # fmt: skip
                continue
            lines[(kind, key)] = record.line
            wanted[kind][key] = values
        bulk = self.modes.get(ENROLLMENTS) == BULK
        for kind, plan, stored, fields, people_gone in (
            ("student", students, self.db_enrollments, ENROLLMENT_FIELDS, self.students_gone),
            ("staff", staff, self.db_assignments, ASSIGNMENT_FIELDS, self.staff_gone),
        ):
            for key, values in wanted[kind].items():
                found = stored.get(key)
                if found is None:
                    plan.creates.append({
                        "section_id": key[0], f"{kind}_id": key[1],
                        **dict(zip(fields, values, strict=True)),
                    })  # fmt: skip
                    self.count(plan.key, "created")
                    continue
                diff = self._diff(plan.key, fields, found[1], values)
                if diff:
                    plan.updates.append((found[0], diff))
            for key, (pk, old) in stored.items():
                # Only roster rows (with a sourcedId) are removed; hand-made ones stay.
                if key in wanted[kind] or not old[0] or (kind, key) in kept:
                    continue
                if bulk or (kind, key) in removed or key[1] in people_gone:
                    plan.deletes.append(pk)
                    self.count(plan.key, "deleted")
            self.plans.append(plan)

    # -- 8: write --

    def _write(self) -> None:
        """Write every table plan, parents first, resolving sourcedIds to primary keys."""
        total = sum(plan.size for plan in self.plans)
        done = 0
        self.progress(done, total, "writing", force=True)
        for plan in self.plans:
            phase = f"writing {plan.key.replace('_', ' ')}"
            self.progress(done, total, phase)
            deferred: list[tuple[str, str, Any]] = []
            rows = []
            for values in plan.creates:
                row = dict(values)
                for name in plan.deferred:
                    if row.get(name) is not None:
                        deferred.append((row["sourced_id"], name, row[name]))
                    row[name] = None
                for name, target in plan.fks.items():
                    if name not in plan.deferred:
                        row[name] = self._pk(target, row[name])
                rows.append(row)
            _insert(plan.model, rows)
            done += len(rows)
            self.progress(done, total, phase)
            if plan.creates:
                self._refresh(plan)
            updates = [
                (
                    pk,
                    {
                        name: self._pk(plan.fks[name], v) if name in plan.fks else v
                        for name, v in diff.items()
                    },
                )
                for pk, diff in plan.updates
            ]
            updates += [
                (self.pks[plan.key][sid], {name: self._pk(plan.key, ident)})
                for sid, name, ident in deferred
            ]
            _update(plan.model, updates)
            done += len(plan.updates)
            self.progress(done, total, phase)
            _delete(plan.model, plan.deletes)
            done += len(plan.deletes)
        # Deferred foreign-key checks run at commit: for a large roster, seconds.
        self.progress(total, total, "committing", force=True)
        self.written_rows = total

    def _pk(self, target: str, ident: Any) -> int | None:
        if ident is None or isinstance(ident, int):
            return ident
        return self.pks[target][ident]

    def _refresh(self, plan: _TablePlan) -> None:
        """Learn the primary keys of rows just inserted: one query per table."""
        district = self.district
        if plan.key == "users":
            names = [row["username"] for row in plan.creates]
            found: dict[str, int] = {}
            for start in range(0, len(names), 500):
                found.update(
                    get_user_model()
                    .objects.filter(username__in=names[start : start + 500])
                    .values_list("username", "pk")
                )
            self.pks["users"] = found
            return
        querysets: dict[str, models.QuerySet[Any]] = {
            "schools": School.objects.filter(district=district),
            "sessions": AcademicSession.objects.filter(district=district),
            "courses": Course.objects.filter(district=district),
            "sections": Section.objects.filter(school__district=district),
            "students": Student.objects.filter(district=district),
            "caregivers": Caregiver.objects.filter(district=district),
            "staff": Staff.objects.filter(district=district),
        }
        if plan.key in querysets:
            self.pks[plan.key] = dict(
                querysets[plan.key].exclude(sourced_id="").values_list("sourced_id", "pk")
            )


def _role_kind(role: str) -> str:
    if role == "student":
        return "student"
    if role in STAFF_ROLES:
        return "staff"
    if role in CAREGIVER_ROLES:
        return "caregiver"
    return ""


def _load(
    queryset: models.QuerySet[Any], fields: Sequence[str]
) -> dict[Ident, tuple[int, tuple[Any, ...]]]:
    """Stored rows: sourcedId (or, for rows made by hand, primary key) → (pk, field values)."""
    rows: dict[Ident, tuple[int, tuple[Any, ...]]] = {}
    for pk, sid, *values in queryset.values_list("pk", "sourced_id", *fields):
        rows[sid or pk] = (pk, tuple(values))
    return rows


def _translate(
    rows: dict[Ident, tuple[int, tuple[Any, ...]]],
    fields: Sequence[str],
    maps: dict[str, dict[int, Ident]],
) -> dict[Ident, tuple[int, tuple[Any, ...]]]:
    """Replace stored foreign keys (primary keys) by idents, to compare with roster rows."""
    positions = [(fields.index(name), mapping) for name, mapping in maps.items()]
    translated: dict[Ident, tuple[int, tuple[Any, ...]]] = {}
    for ident, (pk, values) in rows.items():
        changed = list(values)
        for position, mapping in positions:
            if changed[position] is not None:
                changed[position] = mapping.get(changed[position], changed[position])
        translated[ident] = (pk, tuple(changed))
    return translated


# --- Writing ------------------------------------------------------------------------------------


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(model, rows)
        return
    model._default_manager.bulk_create([model(**row) for row in rows], batch_size=WRITE_BATCH)


def _copy(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert with PostgreSQL COPY: about ten times faster than INSERT (DESIGN.md section 8)."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    defaults: list[Any] = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults.append(now)
        elif f.has_default():
            defaults.append(f.get_default())
        else:
            defaults.append(None)
    names = [f.attname for f in fields]
    is_json = [isinstance(f, models.JSONField) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    missing = object()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for name, default, as_json in zip(names, defaults, is_json, strict=True):
                value = row.get(name, missing)
                if value is missing:
                    value = default
                values.append(json.dumps(value) if as_json and value is not None else value)
            copy.write_row(values)


def _update(model: type[models.Model], updates: list[tuple[int, dict[str, Any]]]) -> None:
    """bulk_update, grouped by the set of fields that changed."""
    groups: dict[tuple[str, ...], list[models.Model]] = {}
    for pk, values in updates:
        fields = tuple(sorted(values))
        groups.setdefault(fields, []).append(model(pk=pk, **values))
    for fields, objects in groups.items():
        model._default_manager.bulk_update(objects, list(fields), batch_size=500)


def _delete(model: type[models.Model], pks: list[int]) -> None:
    for start in range(0, len(pks), 500):
        model._default_manager.filter(pk__in=pks[start : start + 500]).delete()
