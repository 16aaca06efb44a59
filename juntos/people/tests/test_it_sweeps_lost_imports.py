"""The embedded worker's sweep re-queues imports that lost their task or their worker."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from juntos import worker
from juntos.people.models import District, ImportRun, Student
from juntos.testing import factories, oneroster


def make_run(district: District, path: Path, **fields: Any) -> ImportRun:
    run = ImportRun.objects.create(
        district=district, source_name="roster.zip", path=str(path), **fields
    )
    # auto_now_add ignores a value given at creation; age the row afterwards.
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=2))
    return run


def test_it_requeues_waiting_and_stuck_imports_once(
    db: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    district = factories.district(slug="sweep")
    roster = oneroster.write_zip(tmp_path / "roster.zip")
    waiting = make_run(district, roster)
    stuck = make_run(
        district, roster, status=ImportRun.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=3),
    )  # fmt: skip
    fresh = ImportRun.objects.create(
        district=district, source_name="new.zip", path=str(roster),
        status=ImportRun.Status.RUNNING, started_at=timezone.now(),
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        assert worker.sweep_once() == 2

    waiting.refresh_from_db()
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    # Both ran to completion (the test settings run tasks at commit); the second found nothing
    # left to change, so running an import twice is harmless.
    assert waiting.status == stuck.status == ImportRun.Status.SUCCEEDED
    assert fresh.status == ImportRun.Status.RUNNING
    assert Student.objects.filter(district=district).count() == 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert worker.sweep_once() == 0
    assert callbacks == []
