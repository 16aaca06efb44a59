"""A magic link: the raw token is only in the message, it works once, and it expires."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from juntos.messaging.models import Delivery, Message, MessageRendition, OutboxEntry
from juntos.people import models as m
from juntos.portal import actions, queries
from juntos.portal.models import MagicLink
from juntos.portal.tests.conftest import ROSA_PHONE, links_sent


def test_it_stores_only_the_hash_and_sends_the_link_in_spanish(
    rosa: m.Caregiver, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        link = actions.do_send_magic_link(caregiver=rosa, base_url="https://juntos.example/")
    assert link is not None and link.message_id is not None
    [token] = links_sent()
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert link.token_hash == queries.hash_token(token)
    assert token not in link.token_hash
    entry = OutboxEntry.objects.get(to=ROSA_PHONE)
    assert entry.body.startswith("Su enlace privado a la página familiar de North Elementary")
    assert f"https://juntos.example/family/in/{token}/" in entry.body
    message = Message.objects.get(pk=link.message_id)
    assert message.kind == Message.Kind.SYSTEM
    assert message.conversation is None
    assert token not in message.body  # staff never see a live token
    delivery = Delivery.objects.get(message=message)
    assert (delivery.channel, delivery.to, delivery.language) == ("sms", ROSA_PHONE, "es")
    assert delivery.status == Delivery.Status.DELIVERED  # the local outbox holds it
    assert link.expires_at - link.created_at == timedelta(minutes=60)


def test_it_works_once_and_then_scrubs_the_token_from_the_stored_text(
    rosa: m.Caregiver, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        link = actions.do_send_magic_link(caregiver=rosa, base_url="https://juntos.example/")
    assert link is not None and link.message_id is not None
    [token] = links_sent()
    assert actions.do_exchange_magic_link(token=token) == rosa
    with pytest.raises(queries.LinkRefusedError) as refused:
        actions.do_exchange_magic_link(token=token)
    assert refused.value.reason == "used"
    assert refused.value.caregiver == rosa
    rendition = MessageRendition.objects.get(message_id=link.message_id)
    assert token not in rendition.text
    assert "/family/in/…/" in rendition.text


def test_it_expires_after_an_hour(
    rosa: m.Caregiver, django_capture_on_commit_callbacks: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            link = actions.do_send_magic_link(caregiver=rosa, base_url="http://testserver/")
        assert link is not None and link.message_id is not None
        [token] = links_sent()
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        with pytest.raises(queries.LinkRefusedError) as refused:
            actions.do_exchange_magic_link(token=token)
        assert refused.value.reason == "expired"
        assert actions.do_forget_magic_links() == 1
    assert MagicLink.objects.get(pk=link.pk).used_at is None
    assert token not in MessageRendition.objects.get(message_id=link.message_id).text


def test_it_refuses_an_unknown_token(db: None) -> None:
    with pytest.raises(queries.LinkRefusedError) as refused:
        actions.do_exchange_magic_link(token="not-a-token")
    assert (refused.value.reason, refused.value.caregiver) == ("unknown", None)


def test_it_sends_nothing_to_an_opted_out_phone_or_a_family_the_school_may_not_contact(
    rosa: m.Caregiver, django_capture_on_commit_callbacks: Any
) -> None:
    m.ContactPoint.objects.filter(value=ROSA_PHONE).update(opted_out_at=timezone.now())
    assert actions.do_send_magic_link(caregiver=rosa) is None
    m.ContactPoint.objects.filter(value=ROSA_PHONE).update(opted_out_at=None)
    m.CaregiverLink.objects.filter(caregiver=rosa).update(may_contact=False)
    assert actions.do_send_magic_link(caregiver=rosa) is None
    assert not MagicLink.objects.exists()
    assert not OutboxEntry.objects.exists()


def test_it_sends_by_email_when_email_is_the_first_usable_channel(
    rosa: m.Caregiver, django_capture_on_commit_callbacks: Any
) -> None:
    m.ContactPoint.objects.create(caregiver=rosa, kind="email", value="rosa@example.org")
    rosa.channel_preferences = ["voice", "email", "sms"]
    rosa.save(update_fields=["channel_preferences"])
    with django_capture_on_commit_callbacks(execute=True):
        link = actions.do_send_magic_link(caregiver=rosa, base_url="http://testserver/")
    assert link is not None and link.channel == "email"
    assert links_sent("rosa@example.org")
