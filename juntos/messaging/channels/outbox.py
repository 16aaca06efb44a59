"""The local outbox: the embedded stand-in for every provider (DESIGN.md section 7).

When no SMS, voice or email provider is configured, messages are stored as
:class:`~juntos.messaging.models.OutboxEntry` rows, viewable in the UI, and reported DELIVERED.
Unlike the provider adapters this one writes to the database, because storing *is* its send.

Idempotent on the key: a second send of the same delivery returns the first entry's id as the
provider id and stores nothing new (a concurrent duplicate loses the unique constraint and reads
the winner's row).
"""

from __future__ import annotations

from juntos.messaging.channels.base import OutboundMessage, Outcome, SendResult
from juntos.messaging.models import OutboxEntry
from juntos.messaging.segments import count_segments


class OutboxAdapter:
    name = "outbox"

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: OutboundMessage) -> SendResult:
        entry, _ = OutboxEntry.objects.get_or_create(
            idempotency_key=message.idempotency_key,
            defaults={
                "channel": self.channel,
                "to": message.to,
                "recipient_name": message.recipient_name,
                "language": message.language,
                "subject": message.subject,
                "body": message.body,
                "metadata": dict(message.metadata),
            },
        )
        # Segments matter for SMS only: the demo shows what the message would have cost.
        segments = count_segments(entry.body).segments if entry.channel == "sms" else None
        return SendResult(outcome=Outcome.DELIVERED, provider_id=str(entry.pk), segments=segments)
