"""With REDIS_URL set, a roster import runs on a real Celery worker process through Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from juntos.celery import app as celery_app
from juntos.people import actions
from juntos.people.models import Caregiver, ImportRun, Student
from juntos.testing import factories as f
from juntos.testing import oneroster
from juntos.testing.processes import stop

REPO = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (CI sets it)"),
]


def test_it_imports_on_a_worker(tmp_path: Path, settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share with the test")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "juntos.settings",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "juntos", "worker", "--pool", "solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    settings.JUNTOS_TASK_RUNNER = "celery"
    previous_queue = celery_app.conf.task_default_queue
    previous_broker = celery_app.conf.broker_url
    celery_app.conf.task_default_queue = queue
    celery_app.conf.broker_url = REDIS_URL
    try:
        district = f.district(slug="celery-test")
        path = oneroster.write_zip(tmp_path / "roster.zip")
        run = actions.do_start_roster_import(
            district=district, by=None, path=str(path), source_name="roster.zip"
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status in (ImportRun.Status.SUCCEEDED, ImportRun.Status.FAILED):
                break
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            time.sleep(0.2)
        assert run.status == ImportRun.Status.SUCCEEDED, run.report
        assert Student.objects.filter(district=district).count() == 2
        assert Caregiver.objects.filter(district=district).count() == 2
    finally:
        celery_app.conf.task_default_queue = previous_queue
        celery_app.conf.broker_url = previous_broker
        stop(worker)
