"""Background work is sent only after the transaction that asked for it commits."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import transaction

from juntos import tasks


class RecordingTask:
    name = "test.recording"

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.done = threading.Event()

    def delay(self, *args: Any) -> None:
        self.calls.append(("delay", *args))

    def run(self, *args: Any) -> None:
        self.calls.append(("run", *args))
        self.done.set()


@pytest.mark.django_db(transaction=True)
def test_it_waits_for_commit_and_skips_rollback(settings: Any) -> None:
    settings.JUNTOS_TASK_RUNNER = "sync"
    task = RecordingTask()
    with transaction.atomic():
        tasks.enqueue(task, 1)
        assert task.calls == []
    assert task.calls == [("run", 1)]
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue(task, 2)
        raise RuntimeError("rolled back")
    assert task.calls == [("run", 1)]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_payloads_a_broker_could_not_carry(settings: Any) -> None:
    settings.JUNTOS_TASK_RUNNER = "sync"
    with pytest.raises(TypeError):
        tasks.enqueue(RecordingTask(), object())


@pytest.mark.django_db(transaction=True)
def test_it_uses_celery_when_a_broker_is_configured(settings: Any) -> None:
    settings.JUNTOS_TASK_RUNNER = "celery"
    task = RecordingTask()
    tasks.enqueue(task, 7)
    assert task.calls == [("delay", 7)]


@pytest.mark.django_db(transaction=True)
def test_the_embedded_runner_uses_a_background_thread(settings: Any) -> None:
    settings.JUNTOS_TASK_RUNNER = "thread"
    task = RecordingTask()
    tasks.enqueue(task, 3)
    assert task.done.wait(10)
    assert task.calls == [("run", 3)]
