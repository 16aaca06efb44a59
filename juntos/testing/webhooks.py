"""Posting to our webhooks as a provider would, signed with the real algorithm."""

from __future__ import annotations

import urllib.request
from typing import Any
from urllib.parse import urlencode

from django.test import Client
from twilio.request_validator import RequestValidator

TWILIO_TOKEN = "test-auth-token"  # noqa: S105 - a test fixture, not a secret
TEST_ORIGIN = "http://testserver"


def post_twilio(
    path: str,
    params: dict[str, str],
    *,
    body: bytes | None = None,
    token: str = TWILIO_TOKEN,
    origin: str = TEST_ORIGIN,
    client: Client | None = None,
) -> Any:
    """POST ``params`` form-encoded (or ``body`` as it is), signed over ``params``.

    ``origin`` is the scheme and host Twilio would have called (``PUBLIC_BASE_URL`` behind a
    proxy); the signature covers the full URL.
    """
    signature = RequestValidator(token).compute_signature(origin + path, params)
    return (client or Client()).post(
        path,
        data=body if body is not None else urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


def post_twilio_over_http(
    base_url: str, path: str, params: dict[str, str], *, token: str = TWILIO_TOKEN
) -> int:
    """POST signed ``params`` to a running server (a live server, the demo) over a real socket,
    as Twilio would; returns the HTTP status."""
    signature = RequestValidator(token).compute_signature(base_url + path, params)
    request = urllib.request.Request(  # noqa: S310 - a server of the test, on localhost
        base_url + path,
        data=urlencode(params).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return int(response.status)
