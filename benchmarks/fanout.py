"""Benchmark: fan an announcement out to a large school's families (persist + enqueue).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fanout_bench \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python benchmarks/fanout.py --caregivers 50000 --languages 16

Builds one school with ``--caregivers`` families (one student each, languages spread over
``--languages`` of the demo languages, most reachable by SMS, some by email, voice or paper, a
few not at all) with bulk inserts, then times ``do_send_announcement``: audience, one
translation per language, the Message, renditions and Delivery rows (COPY) in one transaction,
and the enqueueing of the send tasks after commit. With ``REDIS_URL`` the tasks go to a Celery
broker on a throwaway queue that no worker consumes (deleted afterwards); without it they are
only counted. In the same run it times a raw psycopg COPY of as many rows into a scratch table
shaped like ``messaging_delivery``: the floor the fan-out is compared with.

The database is created if missing and migrated; its people and messaging tables are emptied
first, so the script refuses a database whose name does not contain "bench".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fanout_bench"


def _prepare_database(url: str, queue: str) -> None:
    """Create the database if missing (PostgreSQL only), then set Django up on it."""
    from bench_database import ensure_bench_database

    ensure_bench_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "juntos.settings"
    os.environ["CELERY_QUEUE"] = queue
    os.environ["JUNTOS_TASK_RUNNER"] = "celery" if os.environ.get("REDIS_URL") else "sync"
    # No provider: languages without a stored translation go out with the interpreter offer.
    os.environ["TRANSLATION_PROVIDER"] = ""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _reset() -> Any:
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    from juntos.people.models import District

    call_command("migrate", verbosity=0)
    tables = [
        model._meta.db_table
        for label in ("people", "messaging")
        for model in apps.get_app_config(label).get_models()
    ]
    quoted = ", ".join(connection.ops.quote_name(t) for t in [*tables, "auth_user"])
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    return District.objects.create(name="Benchmark", slug="bench")


def _build(district: Any, caregivers: int, languages: list[str]) -> tuple[Any, Any]:
    """One school, one student and one caregiver per family, with contact points."""
    from juntos.people import models as m
    from juntos.people.actions import do_create_staff

    school = m.School.objects.create(district=district, name="Bench High", slug="bench-high")
    batch = 5000
    students = m.Student.objects.bulk_create(
        (
            m.Student(district=district, given_name=f"S{i}", family_name="Bench")
            for i in range(caregivers)
        ),
        batch_size=batch,
    )
    m.StudentSchool.objects.bulk_create(
        (m.StudentSchool(student=s, school=school) for s in students), batch_size=batch
    )
    plans = [["sms", "email"], ["sms"], ["email", "paper"], ["voice", "sms"], ["sms", "paper"]]
    families = m.Caregiver.objects.bulk_create(
        (
            m.Caregiver(
                district=district,
                given_name=f"C{i}",
                family_name="Bench",
                preferred_language=languages[i % len(languages)],
                channel_preferences=plans[i % len(plans)],
            )
            for i in range(caregivers)
        ),
        batch_size=batch,
    )
    m.CaregiverLink.objects.bulk_create(
        (
            # One family in 200 is under a do-not-contact order.
            m.CaregiverLink(caregiver=c, student=s, relationship="parent", may_contact=i % 200 != 0)
            for i, (c, s) in enumerate(zip(families, students, strict=True))
        ),
        batch_size=batch,
    )
    contacts: list[m.ContactPoint] = []
    for i, c in enumerate(families):
        if i % 50 == 1:
            continue  # no contact point at all: paper if they chose it, else skipped
        if i % 5 != 2:
            contacts.append(
                m.ContactPoint(caregiver=c, kind="phone", value=f"+1555{i:07d}", sms_capable=True)
            )
        if i % 3 == 0 or i % 5 == 2:
            contacts.append(m.ContactPoint(caregiver=c, kind="email", value=f"c{i}@example.org"))
    m.ContactPoint.objects.bulk_create(contacts, batch_size=batch)
    author = do_create_staff(
        district=district,
        username="bench-leader",
        password=None,
        given_name="Bench",
        family_name="Leader",
        roles=[("school_leader", school)],
    )
    return school, author


def _copy_baseline(rows: int) -> float:
    """Seconds for a raw psycopg COPY of ``rows`` delivery-shaped rows (indexes included)."""
    from django.db import connection, transaction

    now = datetime.now(tz=UTC)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_scratch")
        cursor.execute(
            "CREATE TABLE bench_copy_scratch "
            "(LIKE messaging_delivery INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw: Any = cursor.cursor
        with raw.copy(
            'COPY bench_copy_scratch (message_id, caregiver_id, channel, "to", language, '
            "status, skip_reason, not_before, attempts, provider_id, error, idempotency_key, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(rows):
                copy.write_row(
                    (1, i + 1, "sms", f"+1555{i:07d}", "es", "pending", "", now, 0, "", "",
                     f"d1-{i + 1}-sms", now, now)
                )  # fmt: skip
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy_scratch")
    return elapsed


def _drop_queue(queue: str) -> None:
    from juntos.celery import app

    with app.connection_for_write() as conn:
        channel: Any = conn.default_channel
        channel.queue_purge(queue)
        channel.queue_delete(queue)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--caregivers", type=int, default=50_000)
    parser.add_argument("--languages", type=int, default=16)
    args = parser.parse_args()
    queue = f"bench-throwaway-{uuid.uuid4().hex[:8]}"
    _prepare_database(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), queue)

    from django.conf import settings
    from django.db import connection

    from juntos import tasks as task_runner
    from juntos.language.registry import DEMO_LANGUAGES
    from juntos.messaging import actions
    from juntos.messaging.models import Delivery, MessageRendition

    languages = list(DEMO_LANGUAGES[: max(1, min(args.languages, len(DEMO_LANGUAGES)))])
    district = _reset()
    started = time.perf_counter()
    school, author = _build(district, args.caregivers, languages)
    with connection.cursor() as cursor:
        # What autovacuum does soon after a roster import: without statistics the planner
        # would take the freshly filled tables for empty ones.
        cursor.execute("ANALYZE")
    print(f"built {args.caregivers} families in {time.perf_counter() - started:.1f} s")

    chunks: list[list[int]] = []
    if settings.JUNTOS_TASK_RUNNER != "celery":
        # No broker: count the chunks the action would send instead of sending them.
        def count(task: Any, *task_args: Any) -> None:
            chunks.append(list(task_args[0]))

        task_runner.enqueue = count
    started = time.perf_counter()
    announcement = actions.do_send_announcement(
        by=author,
        audience_kind="school",
        audience_ref={"ids": [school.pk]},
        subject="Book fair",
        body="The book fair starts Monday in the library, from 3 to 6 pm.",
        source_language="en",
        school=school,
        emergency=True,  # every row due now, so every pending row is enqueued
    )
    persist_s = time.perf_counter() - started
    if settings.JUNTOS_TASK_RUNNER == "celery":
        _drop_queue(queue)
    deliveries = Delivery.objects.filter(message__announcement=announcement)
    total = deliveries.count()
    by_status = {
        status: deliveries.filter(status=status).count() for status in ("pending", "skipped")
    }
    renditions = MessageRendition.objects.filter(message__announcement=announcement).count()
    copy_s = _copy_baseline(total)
    print(
        f"{total} deliveries ({by_status}), {renditions} renditions, "
        f"runner {settings.JUNTOS_TASK_RUNNER}, "
        + (f"{len(chunks)} chunks counted" if chunks else "chunks sent to Redis, then dropped")
    )
    print(
        json.dumps(
            {
                "deliveries": total,
                "persist_enqueue_s": round(persist_s, 3),
                "deliveries_per_s": round(total / persist_s),
                "copy_s": round(copy_s, 3),
                "ratio_to_copy": round(persist_s / copy_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
