"""What the family pages read: a link by its token, and for a signed-in family only their own
conversations with the school."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from django.db.models import Prefetch

from juntos.language import registry
from juntos.messaging.models import Message, MessageRendition
from juntos.people.models import Caregiver, ContactPoint
from juntos.portal.models import MagicLink


class LinkRefusedError(Exception):
    """The token is "unknown", "used" or "expired"; ``caregiver`` is whose it was, when known
    (the refusal page speaks their language)."""

    def __init__(self, reason: str, caregiver: Caregiver | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.caregiver = caregiver


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def valid_link(token: str, now: datetime) -> MagicLink:
    """The unused, unexpired link of an active caregiver with this token (a read: nothing is
    used); LinkRefusedError otherwise."""
    link = (
        MagicLink.objects.select_related("caregiver", "caregiver__district")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None or not link.caregiver.is_active:
        raise LinkRefusedError("unknown")
    if link.used_at is not None:
        raise LinkRefusedError("used", link.caregiver)
    if link.expires_at <= now:
        raise LinkRefusedError("expired", link.caregiver)
    return link


# The most recent messages shown on the family page (older ones stay in the record).
THREAD_LIMIT = 100


@dataclass(frozen=True)
class ThreadItem:
    """One message as the family sees it: staff messages in the words they received, with the
    original beside them when it was in another language."""

    from_family: bool
    text: str
    language: str
    created_at: datetime
    original: str = ""
    original_language: str = ""
    machine_notice: bool = False


def _shown(message: Message, language: str) -> ThreadItem:
    if message.direction == Message.Direction.IN:
        return ThreadItem(True, message.body, message.language, message.created_at)
    renditions = list(message.renditions.all())
    # The family's language now; else the one it was sent in (before they changed language).
    mine = next((r for r in renditions if r.language == language), None) or next(
        (r for r in renditions if r.language != message.language), None
    )
    if mine is None or mine.details.get("held"):
        # Waiting for a person to translate it: the original, marked as such by the page.
        return ThreadItem(False, message.body, message.language, message.created_at)
    return ThreadItem(
        False,
        mine.text,
        mine.language,
        message.created_at,
        original=message.body if mine.text != message.body else "",
        original_language=message.language,
        machine_notice=mine.machine_notice,
    )


def thread_for(caregiver: Caregiver) -> list[ThreadItem]:
    """The family's messages with the school in every conversation, oldest first (the newest
    ``THREAD_LIMIT``); sign-in links and other system messages are left out."""
    language = registry.normalize(caregiver.preferred_language)
    messages = (
        Message.objects.filter(conversation__caregiver=caregiver)
        .exclude(kind=Message.Kind.SYSTEM)
        .order_by("-created_at", "-pk")
        .prefetch_related(Prefetch("renditions", queryset=MessageRendition.objects.order_by("pk")))[
            :THREAD_LIMIT
        ]
    )
    return [_shown(m, language) for m in reversed(list(messages))]


def parse_contact(value: str, region: str = "US") -> tuple[str, str] | None:
    """("email", address) or ("phone", E.164) for what a family typed, or None."""
    text = value.strip()
    if not text or len(text) > 254:
        return None
    if "@" in text:
        return ContactPoint.Kind.EMAIL, text.lower()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return ContactPoint.Kind.PHONE, phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164
    )


def caregiver_with_contact(kind: str, value: str) -> Caregiver | None:
    """The active caregiver with this live (not opted-out) contact point; the first one when
    several share it (a family phone)."""
    contact = (
        ContactPoint.objects.filter(
            kind=kind, value=value, opted_out_at__isnull=True, caregiver__is_active=True
        )
        .select_related("caregiver", "caregiver__district")
        .order_by("caregiver_id")
        .first()
    )
    return contact.caregiver if contact is not None else None
