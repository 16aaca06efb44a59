"""``manage.py sweep_deliveries [--stuck-after SECONDS] [--requeue-after SECONDS]``: one sweep.

What the embedded worker and the ``messaging.sweep_deliveries`` task do every half minute,
run once by an operator with deadlines of their choosing: rows stuck in ``sending`` are settled
(recorded from what the provider holds, or put back to pending: ``do_reconcile_deliveries``),
then due pending rows are queued (``do_requeue_deliveries``). Prints one line of counts.

The default deadline (``STUCK_AFTER_S``, 10 minutes) is safe while workers run. After a crash,
once the dead workers are known to be gone and new ones started, ``--stuck-after 5`` (or, with
Twilio, a minute: its message list can lag behind its creates) recovers their rows at once
instead of ten minutes later. A shorter deadline than the adapter's timeout (Twilio 15 s) while
the old workers still run could send a message that is still in flight a second time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from juntos.messaging.actions import (
    RECONCILE_LIMIT,
    REQUEUE_AFTER_S,
    STUCK_AFTER_S,
    do_reconcile_deliveries,
    do_requeue_deliveries,
)


class Command(BaseCommand):
    help = "Settle deliveries stuck in sending and queue the pending ones that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stuck-after",
            type=float,
            default=STUCK_AFTER_S,
            help=f"seconds after which a claim counts as lost (default {STUCK_AFTER_S:g})",
        )
        parser.add_argument(
            "--requeue-after",
            type=float,
            default=REQUEUE_AFTER_S,
            help=f"seconds a pending row waits before it is queued again (default "
            f"{REQUEUE_AFTER_S:g})",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=RECONCILE_LIMIT,
            help=f"rows in doubt asked about per run (default {RECONCILE_LIMIT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stuck_after: float = options["stuck_after"]
        requeue_after: float = options["requeue_after"]
        if stuck_after < 0 or requeue_after < 0:
            raise CommandError("deadlines are seconds, zero or more")
        reconciled = do_reconcile_deliveries(stuck_after_s=stuck_after, limit=options["limit"])
        queued = do_requeue_deliveries(requeue_after_s=requeue_after)
        self.stdout.write(
            f"waited {reconciled.waited} adopted {reconciled.adopted} "
            f"resent {reconciled.resent} undecided {reconciled.undecided} queued {queued}"
        )
