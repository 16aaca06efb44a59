"""Writing a fan-out's outbox rows at once (``actions.do_send_announcement`` owns the transaction).

On PostgreSQL the rows go in with ``COPY`` (DESIGN.md section 8) under ids reserved from the
table's sequence beforehand, so that the caller knows which ids to queue without reading 50,000
rows back; elsewhere (SQLite, the embedded default) ``bulk_create`` returns the ids.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection

from juntos.messaging.models import Delivery

# The order of the values in each row given to write_deliveries (the id is added here).
COLUMNS = (
    "message_id", "caregiver_id", "channel", "to", "language", "status", "skip_reason",
    "not_before", "attempts", "provider_id", "error", "idempotency_key", "created_at",
    "updated_at",
)  # fmt: skip


def reserve_delivery_ids(count: int) -> list[int]:
    """``count`` fresh ids from ``messaging_delivery``'s sequence (PostgreSQL), in one query.

    The sequence hands them to no one else, whatever other sessions insert meanwhile; ids of a
    rolled-back transaction are lost, as they would be after a plain INSERT.
    """
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        # The sequence is looked up once (a one-row subquery), not once per id.
        cursor.execute(
            "SELECT nextval((SELECT pg_get_serial_sequence(%s, 'id')::regclass)) "
            "FROM generate_series(1, %s)",
            [table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def write_deliveries(rows: Iterable[tuple[Any, ...]], *, count: int) -> list[int]:
    """Store ``count`` ``rows`` (values in ``COLUMNS`` order) as Delivery rows; return their
    ids, in order. ``rows`` is read once, as it is written (it may be a generator)."""
    if connection.vendor == "postgresql":
        ids = reserve_delivery_ids(count)
        columns = ", ".join(f'"{name}"' for name in ("id", *COLUMNS))
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(
                f"COPY {connection.ops.quote_name(Delivery._meta.db_table)} ({columns}) FROM STDIN"
            ) as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row))
        return ids
    created = Delivery.objects.bulk_create(
        (Delivery(**dict(zip(COLUMNS, row, strict=True))) for row in rows), batch_size=2000
    )
    return [delivery.pk for delivery in created]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector during a fan-out.

    A large audience makes hundreds of thousands of small, acyclic objects that live until the
    rows are written (fetched rows, targets, Delivery rows); the cycle collector would scan the
    whole heap over and over (0.14-0.22 s of a 50,000-family fan-out, measured). Reference
    counting still frees everything. As in ``people.oneroster``: the switch is process-wide,
    another thread's cyclic garbage waits, and the collector is back on when the fan-out that
    paused it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
