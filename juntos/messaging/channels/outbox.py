"""The local outbox: the embedded stand-in for every provider (DESIGN.md section 7).

When no SMS, voice or email provider is configured, messages are stored as
:class:`~juntos.messaging.models.OutboxEntry` rows, viewable in the UI, and reported DELIVERED.
Unlike the provider adapters this one writes to the database, because storing *is* its send.

Idempotent on the key: a second send of the same delivery returns the first entry's id as the
provider id and stores nothing new (a concurrent duplicate loses the unique constraint and reads
the winner's row). For the same reason :meth:`OutboxAdapter.find_sent` is exact: the entry
stored under the key is the send.
"""

from __future__ import annotations

from datetime import datetime

from juntos.messaging.channels.base import OutboundMessage, Outcome, SendResult
from juntos.messaging.channels.voice import NO_TTS_FOR_LANGUAGE, tts_voice
from juntos.messaging.models import OutboxEntry
from juntos.messaging.segments import count_segments


class OutboxAdapter:
    name = "outbox"

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: OutboundMessage) -> SendResult:
        # A call is read by the provider's text-to-speech: where it has no voice for the
        # language, the outbox fails the same way, and the demo shows the liaison call list.
        if self.channel == "voice" and tts_voice(message.language) is None:
            return SendResult(outcome=Outcome.FAILED, error=NO_TTS_FOR_LANGUAGE)
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
        return _delivered(entry)

    def find_sent(self, message: OutboundMessage, *, since: datetime) -> list[SendResult]:
        """The entry stored under the message's key, whenever it was stored."""
        entry = OutboxEntry.objects.filter(idempotency_key=message.idempotency_key).first()
        return [] if entry is None else [_delivered(entry)]


def _delivered(entry: OutboxEntry) -> SendResult:
    # Segments matter for SMS only: the demo shows what the message would have cost.
    segments = count_segments(entry.body).segments if entry.channel == "sms" else None
    return SendResult(outcome=Outcome.DELIVERED, provider_id=str(entry.pk), segments=segments)
