"""Twilio's webhooks refuse what Twilio did not sign, and store none of it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from twilio.request_validator import RequestValidator

from juntos.messaging.models import InboundPayload, Message

TOKEN = "test-auth-token"
BASE = "http://testserver"
PARAMS = {"MessageSid": "SM1", "From": "+15555550101", "To": "+15005550006", "Body": "Hola"}


@pytest.fixture
def signed(settings: Any, db: Any) -> Any:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = ""
    return settings


@pytest.mark.parametrize("path", ["/messaging/twilio/sms/", "/messaging/twilio/status/"])
@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "bm90IGEgc2lnbmF0dXJl",
        # Signed with another account's token.
        RequestValidator("another-token").compute_signature(
            BASE + "/messaging/twilio/sms/", PARAMS
        ),
    ],
)
def test_a_request_without_a_valid_signature_is_refused_and_not_stored(
    signed: Any, path: str, signature: str | None
) -> None:
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    response = Client().post(
        path,
        data=urlencode(PARAMS),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )
    assert response.status_code == 403
    assert InboundPayload.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_signature_for_other_parameters_is_refused(signed: Any) -> None:
    path = "/messaging/twilio/sms/"
    signature = RequestValidator(TOKEN).compute_signature(BASE + path, PARAMS)
    tampered = PARAMS | {"Body": "STOP"}
    response = Client().post(
        path,
        data=urlencode(tampered),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 403
    assert InboundPayload.objects.count() == 0


def test_with_no_auth_token_configured_nothing_is_accepted(signed: Any) -> None:
    path = "/messaging/twilio/sms/"
    signature = RequestValidator("").compute_signature(BASE + path, PARAMS)
    signed.TWILIO_AUTH_TOKEN = ""
    response = Client().post(
        path,
        data=urlencode(PARAMS),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 403
    assert InboundPayload.objects.count() == 0


@pytest.mark.parametrize("path", ["/messaging/twilio/sms/", "/messaging/twilio/status/"])
def test_the_webhooks_take_post_only(signed: Any, path: str) -> None:
    assert Client().get(path).status_code == 405
    assert InboundPayload.objects.count() == 0
