"""Enqueueing background work the same way in every deployment.

Actions call :func:`enqueue` inside their transaction; the task is sent only after commit
(never from inside an open transaction). Three runners share the same task functions:

* ``celery`` (``REDIS_URL`` set): ``task.delay`` to the Redis broker (:func:`enqueue_many`:
  every call through one producer, one broker connection).
* ``thread`` (embedded default): a small thread pool in this process, no broker.
* ``sync`` (the test suite): run at commit in the calling thread, after a JSON round-trip of
  the arguments so that a payload Celery could not serialise fails in tests too.
"""

from __future__ import annotations

import json
import logging
import reprlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from django.conf import settings
from django.db import close_old_connections, connections, transaction

log = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None


class TaskLike(Protocol):
    name: str

    def delay(self, *args: Any) -> Any: ...

    def run(self, *args: Any) -> Any: ...


class BatchTaskLike(TaskLike, Protocol):
    def apply_async(self, args: tuple[Any, ...] | None = ..., *, producer: Any = ...) -> Any: ...


def _pool() -> ThreadPoolExecutor:
    global _executor  # one pool per process, created lazily
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="juntos-task")
    return _executor


def _run_in_thread(task: TaskLike, args: list[Any]) -> None:
    close_old_connections()
    try:
        task.run(*args)
    except Exception:
        log.exception("background task %s failed", task.name)
    finally:
        connections.close_all()


def enqueue(task: TaskLike, *args: Any) -> None:
    """Run ``task(*args)`` in the background once the current transaction commits."""
    payload = json.loads(json.dumps(list(args)))
    runner = settings.JUNTOS_TASK_RUNNER

    def send() -> None:
        if runner == "celery":
            task.delay(*payload)
        elif runner == "sync":
            task.run(*payload)
        else:
            _pool().submit(_run_in_thread, task, payload)

    transaction.on_commit(send)


def enqueue_many(task: BatchTaskLike, calls: Sequence[Sequence[Any]]) -> None:
    """Run ``task(*args)`` for each ``args`` of ``calls``, in order, once the current transaction
    commits: :func:`enqueue` for each, with one commit hook, and with Celery one producer.

    A fan-out sends a hundred tasks at once: one broker connection for all of them.
    """
    payloads = json.loads(json.dumps([list(args) for args in calls]))
    runner = settings.JUNTOS_TASK_RUNNER

    def send() -> None:
        if runner == "celery":
            from juntos.celery import app

            with app.producer_or_acquire() as producer:
                for payload in payloads:
                    # A short argsrepr: Celery's own walks a thousand characters of each
                    # payload to log it, half the cost of a publish. (A documented option of
                    # apply_async that the type stubs omit.)
                    options: dict[str, Any] = {"argsrepr": reprlib.repr(payload)}
                    task.apply_async(tuple(payload), producer=producer, **options)
        elif runner == "sync":
            for payload in payloads:
                task.run(*payload)
        else:
            for payload in payloads:
                _pool().submit(_run_in_thread, task, payload)

    if payloads:
        transaction.on_commit(send)
