"""It never stores immigration-related data: no such field exists, and a roster's are dropped.

DESIGN.md section 2, rule 8: many families fear immigration enforcement. Juntos never stores
immigration status, country or place of birth, visa or social security numbers, nor birth dates.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from juntos.people import models as m
from juntos.people.actions import do_run_roster_import
from juntos.people.oneroster import ImportReport, RowProblem, import_path
from juntos.people.tests.test_it_imports_oneroster import write_roster

FORBIDDEN = re.compile(
    r"immigration|citizenship|citizen|country_?of_?birth|birth_?country|birthplace|"
    r"place_?of_?birth|city_?of_?birth|state_?of_?birth|visa|ssn|social_?security|"
    r"residence_?status|alien|undocumented|passport|birth_?date|date_?of_?birth",
    re.IGNORECASE,
)
MARKERS = (
    "ZZ-MARKER-COUNTRY-7731",
    "ZZ-MARKER-STATE-7732",
    "ZZ-MARKER-CITY-7733",
    "ZZ-MARKER-RESIDENCE-7734",
    "1999-12-31",
    "ZZ-MARKER-META-7735",
    "ZZ-MARKER-USERBIRTH-7736",
)


def test_no_model_field_has_a_forbidden_name() -> None:
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if FORBIDDEN.search(field.name) or FORBIDDEN.search(getattr(field, "column", "") or "")
    ]

    assert offenders == []


def test_no_key_of_the_import_report_has_a_forbidden_name() -> None:
    report = ImportReport(errors=[RowProblem("users.csv", 2, "role", "x")])

    def keys(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [*value, *(k for item in value.values() for k in keys(item))]
        if isinstance(value, list):
            return [k for item in value for k in keys(item)]
        return []

    assert [key for key in keys(report.to_json()) if FORBIDDEN.search(key)] == []


def test_the_language_column_cannot_be_a_forbidden_one(db: None) -> None:
    district = m.District.objects.create(name="Riverside", slug="riverside")

    with pytest.raises(ImproperlyConfigured):
        import_path(".", district=district, home_language_column="countryOfBirthCode")


def roster_with_markers(folder: Path, *, role: str = "student") -> Path:
    return write_roster(
        folder,
        {
            "orgs.csv": """
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
sch-1,,,Lincoln Elementary,school,,
""",
            # Some exports add birth data (and other extensions) to users.csv too.
            "users.csv": f"""
sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,birthDate,metadata.countryOfBirth,metadata.homeLanguage
u-1,,,true,sch-1,{role},,,Ana,Reyes,,S1,,,,g-1,03,,ZZ-MARKER-USERBIRTH-7736,ZZ-MARKER-META-7735,es
g-1,,,true,sch-1,parent,,,Rosa,Reyes,,,,312-555-0111,,,,,ZZ-MARKER-USERBIRTH-7736,ZZ-MARKER-META-7735,
""",
            "demographics.csv": """
sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus
u-1,,,1999-12-31,female,false,false,false,false,true,false,true,ZZ-MARKER-COUNTRY-7731,ZZ-MARKER-STATE-7732,ZZ-MARKER-CITY-7733,ZZ-MARKER-RESIDENCE-7734
""",
        },
    )


def cells_with_markers() -> list[str]:
    """Scan every cell of every table, as text, for the markers."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for cell in row:
                    text = cell.decode(errors="replace") if isinstance(cell, bytes) else str(cell)
                    found += [f"{table}: {marker}" for marker in MARKERS if marker in text]
    return found


def pg_dump_text() -> str:
    settings = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [option, str(settings[key])]
    env = {"PGPASSWORD": str(settings.get("PASSWORD") or ""), "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, check=True, text=True, env=env).stdout


# Committed rows, so that pg_dump (another connection) sees them.
@pytest.mark.django_db(transaction=True)
def test_an_import_stores_none_of_the_forbidden_cells(tmp_path: Path) -> None:
    district = m.District.objects.create(name="Riverside", slug="riverside")
    good = m.ImportRun.objects.create(
        district=district, path=str(roster_with_markers(tmp_path / "good")), source_name="ok"
    )
    # A failing roster too: its report (errors included) must not quote them either.
    bad = m.ImportRun.objects.create(
        district=district,
        path=str(roster_with_markers(tmp_path / "bad", role="visitor")),
        source_name="bad",
    )

    assert do_run_roster_import(run_id=good.pk).status == m.ImportRun.Status.SUCCEEDED
    assert do_run_roster_import(run_id=bad.pk).status == m.ImportRun.Status.FAILED

    student = m.Student.objects.get(sourced_id="u-1")
    assert student.demographics.hispanic_or_latino is True
    assert m.Caregiver.objects.get(sourced_id="g-1").preferred_language == "es"
    for run in m.ImportRun.objects.all():
        assert not [marker for marker in MARKERS if marker in str(run.report)]
    assert cells_with_markers() == []
    if connection.vendor == "postgresql":
        dump = pg_dump_text()
        assert "Lincoln Elementary" in dump  # the dump does hold the import
        assert [marker for marker in MARKERS if marker in dump] == []
