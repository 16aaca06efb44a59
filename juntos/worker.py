"""The embedded worker: what Celery beat and the Celery workers do in production, done by a
thread of the demo's web process.

Each sweep (every ``interval`` seconds):
1. for every registered sweeper, call it: it finds outbox rows that are waiting (or stuck past
   their deadline), claims them with a conditional UPDATE and enqueues their task;
2. log and carry on if one fails, so a bad row never stops the loop.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections

log = logging.getLogger(__name__)

# Dotted paths of functions that take no argument and return how many rows they re-queued.
SWEEPERS: tuple[str, ...] = (
    "juntos.people.actions.do_sweep_roster_imports",
    "juntos.messaging.actions.do_sweep_deliveries",
    "juntos.messaging.inbox_actions.do_flag_unanswered",
    "juntos.messaging.actions.do_send_due_announcements",
    "juntos.portal.actions.do_forget_magic_links",
    "juntos.conferences.actions.do_send_conference_reminders",
    "juntos.events.actions.do_send_event_reminders",
    "juntos.insights.digest.do_send_weekly_digests",
    "juntos.teams.actions.do_remind_charter_reviews",
    "juntos.listening.actions.do_close_due_exchanges",
    "juntos.listening.analysis.do_refresh_analyses",
)


def _load(path: str) -> Callable[[], int]:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def sweep_once() -> int:
    total = 0
    for path in SWEEPERS:
        try:
            total += _load(path)()
        except Exception:
            log.exception("sweeper %s failed", path)
    return total


def start_embedded_worker(*, interval: float = 30.0) -> threading.Thread:
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                sweep_once()
            finally:
                # This thread's connection must not outlive the sweep (SQLite locks, idle
                # PostgreSQL sessions).
                connections.close_all()
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="juntos-embedded-worker", daemon=True)
    thread.start()
    return thread
