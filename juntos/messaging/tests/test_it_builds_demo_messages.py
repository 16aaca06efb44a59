"""The demo district comes with messages to look at, made by the real actions."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from juntos.messaging.models import Conversation, Delivery, Message, OutboxEntry

pytestmark = pytest.mark.django_db


def test_the_demo_has_notes_replies_an_announcement_and_a_stranger() -> None:
    out = StringIO()
    call_command("seed_demo", "--seed", "7", "--students", "150", stdout=out)
    notes = Message.objects.filter(kind=Message.Kind.PROGRESS_POSITIVE)
    assert notes.count() >= 1
    # Each note reached its family in the family's own language, through the local outbox.
    for note in notes:
        delivery = Delivery.objects.select_related("caregiver").get(message=note)
        assert delivery.language == delivery.caregiver.preferred_language
        entry = OutboxEntry.objects.get(idempotency_key=delivery.idempotency_key)
        assert entry.language == delivery.language
    replies = Message.objects.filter(direction=Message.Direction.IN, conversation__isnull=False)
    assert replies.count() >= 1
    for reply in replies.select_related("conversation__caregiver"):
        # Detected as the language the family wrote in, with an English rendition for the owner.
        assert reply.conversation is not None
        assert reply.detected_language == reply.conversation.caregiver.preferred_language
        assert reply.renditions.filter(language="en").exists()
    assert Conversation.objects.filter(unanswered_since__isnull=False).count() == replies.count()
    assert Message.objects.filter(conversation__isnull=True, direction="in").count() == 1
    # The picture-day announcement (the idea exchange's question is an announcement too).
    announcements = Message.objects.filter(kind=Message.Kind.ANNOUNCEMENT)
    assert announcements.filter(body__startswith="Picture day").count() == 1
    assert "progress notes" in out.getvalue()
