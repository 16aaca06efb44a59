"""Celery beat's schedule names only tasks a worker knows, on the intervals the docs promise."""

from __future__ import annotations

from django.conf import settings

from juntos.celery import app


def registered_tasks() -> set[str]:
    # What a worker started with `celery -A juntos worker` registers: every app's tasks.py.
    app.loader.import_default_modules()
    app.autodiscover_tasks(force=True)
    return set(app.tasks)


def test_every_scheduled_task_is_a_registered_task() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule, "CELERY_BEAT_SCHEDULE is empty"
    known = registered_tasks()
    unknown = sorted(entry["task"] for entry in schedule.values() if entry["task"] not in known)
    assert not unknown, f"beat would send tasks no worker has: {unknown}"


def test_the_sweeps_run_on_their_intervals() -> None:
    every = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert every["messaging.sweep_deliveries"] == 30.0
    assert every["messaging.flag_unanswered"] == 15 * 60.0
    assert every["messaging.send_due_announcements"] == 60.0


def test_celery_reads_the_schedule_from_the_settings() -> None:
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
