"""Twilio's status callbacks update the Delivery they name; 21610 opts the phone out."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import World
from juntos.messaging import actions
from juntos.messaging.models import Delivery, InboundPayload
from juntos.people import models as m
from juntos.testing.webhooks import TWILIO_TOKEN, post_twilio

TOKEN = TWILIO_TOKEN
BASE = "http://testserver"
PATH = "/messaging/twilio/status/"
PHONE = "+15555550101"
SID = "SM0123456789abcdef0123456789abcdef"


@pytest.fixture
def sent(settings: Any, world: World) -> Delivery:
    """Rosa's SMS of an announcement, handed to Twilio (status sent, with its sid)."""
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = ""
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="phone", value=PHONE, sms_capable=True
    )
    actions.do_send_announcement(
        by=m.Staff.objects.get(user=world.personas["teacher"]),
        audience_kind="section",
        audience_ref={"ids": [world.north_class.pk]},
        body="Picture day is Friday.",
        source_language="en",
    )
    delivery = Delivery.objects.get(to=PHONE)
    Delivery.objects.filter(pk=delivery.pk).update(status="sent", provider_id=SID)
    delivery.refresh_from_db()
    return delivery


def callback(status: str, *, sid: str = SID, error_code: str = "") -> Any:
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC1", "To": PHONE}
    if error_code:
        params["ErrorCode"] = error_code
    return post_twilio(PATH, params)


def test_delivered_marks_the_delivery_delivered(sent: Delivery) -> None:
    assert callback("delivered").status_code == 200
    sent.refresh_from_db()
    assert sent.status == "delivered"
    payload = InboundPayload.objects.get()
    assert (payload.kind, payload.outcome) == ("status", "status_updated")
    assert payload.payload["MessageStatus"] == "delivered"


@pytest.mark.parametrize("status", ["failed", "undelivered"])
def test_a_failure_is_recorded_with_its_error_code(sent: Delivery, status: str) -> None:
    assert callback(status, error_code="30003").status_code == 200
    sent.refresh_from_db()
    assert (sent.status, sent.error) == ("failed", f"{status} 30003")
    assert m.ContactPoint.objects.get(value=PHONE).opted_out_at is None


def test_error_21610_opts_the_phone_out(sent: Delivery) -> None:
    assert callback("failed", error_code="21610").status_code == 200
    sent.refresh_from_db()
    assert (sent.status, sent.error) == ("failed", "failed 21610")
    assert m.ContactPoint.objects.get(value=PHONE).opted_out_at is not None


def test_a_late_sent_does_not_undo_delivered(sent: Delivery) -> None:
    callback("delivered")
    callback("sent")
    callback("queued")
    sent.refresh_from_db()
    assert sent.status == "delivered"
    assert [p.outcome for p in InboundPayload.objects.order_by("pk")] == [
        "status_updated",
        "status_ignored",
        "status_ignored",
    ]


def test_an_unknown_sid_is_stored_and_answered_200(sent: Delivery) -> None:
    assert callback("delivered", sid="SMunknown").status_code == 200
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert InboundPayload.objects.get().outcome == "unknown_sid"


def test_a_callback_without_a_sid_is_stored_as_malformed(sent: Delivery) -> None:
    assert callback("delivered", sid="").status_code == 200
    assert InboundPayload.objects.get().outcome == "malformed"


@pytest.mark.parametrize("status", ["failed", "undelivered"])
def test_a_failure_starts_the_next_channel(
    sent: Delivery, world: World, status: str, django_capture_on_commit_callbacks: Any
) -> None:
    m.ContactPoint.objects.create(
        caregiver=world.north_family, kind="email", value="rosa@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert callback(status, error_code="30003").status_code == 200
    fallback = Delivery.objects.get(fallback_of=sent)
    assert (fallback.channel, fallback.to, fallback.language) == (
        "email",
        "rosa@example.org",
        sent.language,
    )
    assert fallback.status == "delivered"  # sent at commit, through the local outbox
    # A repeated callback changes nothing: one fallback, not two.
    callback(status, error_code="30003")
    assert Delivery.objects.filter(fallback_of=sent).count() == 1


def test_a_failure_with_no_other_channel_ends_there(sent: Delivery) -> None:
    callback("undelivered", error_code="30003")
    assert not Delivery.objects.filter(fallback_of=sent).exists()
