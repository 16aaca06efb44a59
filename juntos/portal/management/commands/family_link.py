"""``manage.py family_link CAREGIVER_ID``: send a family its sign-in link, for the demo.

The link goes out as it would from the sign-in page. When it went to the local outbox (no SMS
or email provider configured: development and the demo), the command prints the outbox's copy,
so a person trying the demo can open the family's pages. With a real provider nothing is
printed but where it was sent: only the family ever holds a live link.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from juntos.messaging.actions import do_send_deliveries
from juntos.messaging.models import Delivery, OutboxEntry
from juntos.people.models import Caregiver
from juntos.portal.actions import RateLimitedError, do_send_magic_link, link_delivery_key


class Command(BaseCommand):
    help = "Send a caregiver a family sign-in link (printed when it went to the local outbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("caregiver_id", type=int)
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served, when PUBLIC_BASE_URL is not set.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        caregiver = Caregiver.objects.filter(pk=options["caregiver_id"]).first()
        if caregiver is None:
            raise CommandError(f"No caregiver {options['caregiver_id']}.")
        try:
            link = do_send_magic_link(caregiver=caregiver, base_url=options["base_url"])
        except RateLimitedError as error:
            raise CommandError("Too many links for this family in the last hour.") from error
        if link is None:
            raise CommandError("No text or email can reach this family (or no contact allowed).")
        delivery = Delivery.objects.get(idempotency_key=link_delivery_key(link.pk))
        do_send_deliveries(ids=[delivery.pk])  # at once, whatever runs the background tasks
        entry = OutboxEntry.objects.filter(idempotency_key=delivery.idempotency_key).first()
        if entry is None:
            self.stdout.write(f"Sent by {delivery.channel} to {delivery.to}.")
            return
        self.stdout.write(f"Local outbox ({delivery.channel} to {delivery.to}):")
        self.stdout.write(entry.body)
