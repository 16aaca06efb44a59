"""Verification of Twilio's webhooks (inbound SMS, status callbacks) by their signature.

Twilio signs each request with the account's auth token over the full URL it called and the
POST parameters (``X-Twilio-Signature``). Behind a proxy or load balancer the URL Django sees
(``http://10.0.0.5:8000/...``) is not the one Twilio called (``https://juntos.example.org/...``),
so ``PUBLIC_BASE_URL`` (scheme and host, no path) names the externally visible origin.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


def public_url(request: HttpRequest) -> str:
    """The URL as Twilio called it: ``PUBLIC_BASE_URL`` + path and query, or as Django sees it."""
    base: str = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + request.get_full_path()
    return request.build_absolute_uri()


def verify_twilio_request(request: HttpRequest) -> bool:
    """True when the request carries a valid signature made with ``TWILIO_AUTH_TOKEN``."""
    token: str = getattr(settings, "TWILIO_AUTH_TOKEN", "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    url = public_url(request)
    params: object
    if "bodySHA256" in request.GET:
        # JSON webhooks sign the URL, whose bodySHA256 parameter is the hash of the raw body.
        params = request.body.decode("utf-8", "replace")
    elif request.method == "POST":
        params = request.POST  # a QueryDict: the validator signs every value of a repeated name
    else:
        params = {}
    return bool(RequestValidator(token).validate(url, params, signature))
