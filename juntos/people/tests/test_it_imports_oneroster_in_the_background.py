"""It runs a roster import in the background: an ImportRun claimed once, with its report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from juntos.people import models as m
from juntos.people.actions import do_run_roster_import, do_start_roster_import
from juntos.people.oneroster import progress
from juntos.people.tests.test_it_imports_oneroster import BULK_11, dump_rows
from juntos.people.tests.test_it_imports_oneroster_all_or_nothing import broken_copy


@pytest.fixture
def district(db: None) -> m.District:
    return m.District.objects.create(name="Riverside", slug="riverside")


def test_a_started_import_runs_after_commit_and_succeeds(
    district: m.District, django_capture_on_commit_callbacks: Any
) -> None:
    admin = get_user_model().objects.create_user(username="admin")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = do_start_roster_import(
            district=district, by=admin, path=str(BULK_11), source_name="roster.zip"
        )
        # Nothing runs before the transaction commits.
        assert m.ImportRun.objects.get(pk=run.pk).status == m.ImportRun.Status.PENDING

    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == m.ImportRun.Status.SUCCEEDED
    assert run.created_by == admin
    assert run.started_at is not None and run.finished_at is not None
    assert run.report["counts"]["students"] == {
        "created": 4,
        "updated": 0,
        "deleted": 0,
        "unchanged": 0,
    }
    assert run.report["errors"] == []
    assert "users.csv:12" in {f"{w['file']}:{w['line']}" for w in run.report["warnings"]}
    assert run.phase == "done"
    assert run.progress_done == run.progress_total > 0
    assert progress(run.pk) == {
        "done": run.progress_total,
        "total": run.progress_total,
        "phase": "done",
    }
    assert m.Student.objects.filter(district=district).count() == 4


def test_a_failing_folder_gives_a_failed_run_with_its_errors(
    district: m.District, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    folder = broken_copy(tmp_path)

    with django_capture_on_commit_callbacks(execute=True):
        run = do_start_roster_import(district=district, by=None, path=str(folder), source_name="x")

    run.refresh_from_db()
    assert run.status == m.ImportRun.Status.FAILED
    assert [(e["file"], e["line"], e["column"]) for e in run.report["errors"]] == [
        ("users.csv", 3, "role"),
        ("enrollments.csv", 10, "classSourcedId"),
    ]
    assert run.phase == "failed"
    assert not m.Student.objects.exists()


def test_running_a_claimed_import_twice_does_nothing_the_second_time(
    district: m.District,
) -> None:
    run = m.ImportRun.objects.create(district=district, path=str(BULK_11), source_name="x")

    first = do_run_roster_import(run_id=run.pk)
    rows = dump_rows()
    second = do_run_roster_import(run_id=run.pk)

    assert first.status == second.status == m.ImportRun.Status.SUCCEEDED
    assert second.finished_at == first.finished_at
    assert second.report == first.report
    assert dump_rows() == rows
    assert first.report["totals"]["created"] == 49


def test_a_dry_run_in_the_background_reports_without_writing(district: m.District) -> None:
    run = m.ImportRun.objects.create(
        district=district, path=str(BULK_11), source_name="x", dry_run=True
    )

    done = do_run_roster_import(run_id=run.pk)

    assert done.status == m.ImportRun.Status.SUCCEEDED
    assert done.report["dry_run"] is True
    assert done.report["written"] is False
    assert done.report["counts"]["caregivers"]["created"] == 4
    assert not m.Caregiver.objects.exists()
