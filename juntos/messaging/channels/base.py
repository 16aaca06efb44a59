"""The one small interface every channel adapter implements (SMS, voice, email, paper, outbox).

A worker hands an adapter one :class:`OutboundMessage` (already rendered in the caregiver's
language) and gets a :class:`SendResult` back. Adapters never touch the database (except the
local outbox, whose sending is storing): the worker
records the result on the ``Delivery`` row. Each adapter must be safe to call twice with the
same ``idempotency_key`` (providers that support idempotency get the key; the others must be
guarded by the worker's claim).

An adapter may also implement :class:`FindsSent`: asked about a delivery whose worker died
mid-send, it says what the provider already holds, so that the sweeper records that message
instead of sending a second one (docs/messaging.md, "Exactly once"). SMS (Twilio) and the local
outbox can answer; email, voice and paper cannot, and their in-doubt rows are sent again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


class Outcome(enum.StrEnum):
    SENT = "sent"  # accepted by the provider; a status callback may follow
    DELIVERED = "delivered"  # known delivered (local outbox, paper batch printed)
    RETRY = "retry"  # transient failure: try again later on the same channel
    FAILED = "failed"  # permanent failure: try the caregiver's next channel


@dataclass(frozen=True)
class OutboundMessage:
    idempotency_key: str
    to: str  # E.164 phone, email address, or "" for paper
    language: str  # BCP 47 tag of ``body``
    body: str
    subject: str = ""
    recipient_name: str = ""
    # Where a reply or status callback should go (a URL of ours), when the channel supports it.
    status_callback: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider_id: str = ""
    error: str = ""
    segments: int | None = None


class ChannelAdapter(Protocol):
    name: str

    def send(self, message: OutboundMessage) -> SendResult: ...


@runtime_checkable
class FindsSent(Protocol):
    """An adapter that can ask its provider whether a message already went out."""

    def find_sent(self, message: OutboundMessage, *, since: datetime) -> list[SendResult]:
        """The provider's messages that could be a send of ``message`` begun at ``since`` or
        later, oldest first: SENT, DELIVERED or FAILED (the provider took it, then it failed),
        each with its provider id. The caller picks one whose id no other delivery recorded.
        Raises when the provider cannot be asked: "don't know" must never read as "not sent".
        """
        ...
