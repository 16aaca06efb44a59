"""benchmarks/insights.py builds a (tiny) district in its own PostgreSQL database, times every
insights page and API endpoint as a district admin and as a school leader, ends with one JSON
line, and drops its database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
PAGES = (
    "insights index", "insights index, one school", "how we count", "CSV export",
    "unreached worklist", "unreached worklist, Somali", "worklist student", "API metrics",
    "API metrics, one school", "API unreached",
)  # fmt: skip

TINY = (
    "--caregivers", "120", "--deliveries", "2500", "--replies", "200", "--reactions", "60",
    "--repeat", "3", "--warmups", "1",
)  # fmt: skip

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the benchmark measures PostgreSQL"
)


def _exists(settings: dict[str, Any], name: str) -> bool:
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def test_it_times_every_page_on_a_tiny_district(db: Any) -> None:
    settings = connection.settings_dict
    # Beside this run's test database, named so that the script agrees to build and drop it.
    name = f"{settings['NAME']}_bench_insights"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    url = f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"

    finished = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "insights.py"), *TINY],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    last = json.loads(finished.stdout.strip().splitlines()[-1])
    # The counts are read back from the database the script built.
    assert last["caregivers"] == 120
    assert last["deliveries"] == 2500
    assert last["family_messages"] == 200
    assert last["reactions"] == 60
    pages = last["pages"]
    for page in PAGES:
        for role in ("district admin", "school leader"):
            figures = pages[f"{page} as {role}"]
            assert 0 < figures["p50_ms"] <= figures["p95_ms"]
            assert figures["runs"] == 3
    assert last["worst_p95_ms"] == max(figures["p95_ms"] for figures in pages.values())
    # The SQL of each page was recorded and printed.
    assert "insights index as school leader: p50" in finished.stdout
    assert not _exists(settings, name)  # dropped without --keep


def test_it_refuses_a_database_that_is_not_a_scratch_one() -> None:
    finished = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "insights.py")],
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/juntos"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert finished.returncode != 0
    assert "refusing to empty 'juntos'" in finished.stderr
