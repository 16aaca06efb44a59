"""SMS through Twilio's Programmable Messaging REST API (the official ``twilio`` package).

Settings: ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, and the sender, either
``TWILIO_MESSAGING_SERVICE_SID`` (preferred: Twilio picks a number of the pool and meters it) or
``TWILIO_FROM_NUMBER``. ``TWILIO_API_BASE`` sends the requests elsewhere than Twilio (the local
sink in tests); ``TWILIO_TIMEOUT_SECONDS`` bounds each request.

Idempotency: Twilio's Messages API takes no idempotency key on create, so this adapter cannot
make a retried request safe by itself. A request that times out after Twilio accepted it is
reported as RETRY and a retry sends a second copy; the worker's claim on the ``Delivery`` row is
what keeps the ordinary case to one send (docs/channels.md).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from juntos.messaging.channels.base import OutboundMessage, Outcome, SendResult
from juntos.messaging.segments import count_segments

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 15.0

# Twilio error codes that say something about the recipient, worth acting on beyond "failed":
# the worker marks the contact point opted out on STOPPED, and tries voice on NOT_A_MOBILE.
INVALID_NUMBER = 21211
STOPPED = 21610  # the recipient replied STOP to this sender: never text them again from it
NOT_A_MOBILE = 21614

# A request Twilio refused for our credentials is our configuration's fault, not the family's:
# failing it would move every family to their next channel; retrying resumes once it is fixed.
_OUR_CONFIGURATION = frozenset({401, 403})

_ERROR_TEXT_LIMIT = 300


class _RebasingHttpClient:
    """The twilio package's HTTP client, with every URL moved to ``api_base``.

    Twilio's ``Client`` only offers edge/region (other Twilio hosts) and the ``http_client``
    hook; the hook is how we point it at a local server. It is a wrapper rather than a subclass
    because the package ships no type information to subclass safely.
    """

    is_async = False

    def __init__(self, api_base: str, timeout: float) -> None:
        self._inner = TwilioHttpClient(timeout=timeout)
        base = urlsplit(api_base)
        self._scheme = base.scheme
        self._netloc = base.netloc
        self._prefix = base.path.rstrip("/")

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Any:
        parts = urlsplit(url)
        rebased = urlunsplit(
            (self._scheme, self._netloc, self._prefix + parts.path, parts.query, parts.fragment)
        )
        return self._inner.request(
            method,
            rebased,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def twilio_client() -> Any:
    """A Twilio REST client built from settings (honouring ``TWILIO_API_BASE``)."""
    timeout = float(getattr(settings, "TWILIO_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    api_base = getattr(settings, "TWILIO_API_BASE", "")
    http_client: Any = (
        _RebasingHttpClient(api_base, timeout) if api_base else TwilioHttpClient(timeout=timeout)
    )
    return Client(
        getattr(settings, "TWILIO_ACCOUNT_SID", ""),
        getattr(settings, "TWILIO_AUTH_TOKEN", ""),
        http_client=http_client,
    )


def result_for_twilio_error(error: Exception) -> SendResult:
    """Map a failed Twilio request to RETRY (transient, or our configuration) or FAILED
    (permanent: about the recipient or the message).

    ``error`` reads ``twilio:<code> <message>``, ``network:timeout`` or ``network:<exception>``
    so that the worker and the delivery log can act on the code (21610: opted out).
    """
    if isinstance(error, TwilioRestException | TwilioServiceException):
        status = int(error.status)
        code = error.code or status
        # The classic error JSON carries "message"; the newer RFC 9457 one "title" and "detail".
        if isinstance(error, TwilioRestException):
            message = str(error.msg)
        else:
            message = " ".join(str(part) for part in (error.title, error.detail) if part)
        text = f"twilio:{code} {message}".strip()[:_ERROR_TEXT_LIMIT]
        if status == 429 or status >= 500 or status in _OUR_CONFIGURATION:
            return SendResult(outcome=Outcome.RETRY, error=text)
        return SendResult(outcome=Outcome.FAILED, error=text)
    if isinstance(error, requests.Timeout):
        return SendResult(outcome=Outcome.RETRY, error="network:timeout")
    if isinstance(error, requests.RequestException):
        return SendResult(outcome=Outcome.RETRY, error=f"network:{type(error).__name__}")
    return SendResult(outcome=Outcome.RETRY, error=f"twilio:{type(error).__name__}")


class TwilioSmsAdapter:
    """Sends one SMS per call; safe to call again only under the worker's claim (see above)."""

    name = "twilio_sms"

    def __init__(self, client: Any | None = None) -> None:
        self._client = client if client is not None else twilio_client()
        self._messaging_service_sid: str = getattr(settings, "TWILIO_MESSAGING_SERVICE_SID", "")
        self._from_number: str = getattr(settings, "TWILIO_FROM_NUMBER", "")
        if not (self._messaging_service_sid or self._from_number):
            raise ValueError(
                "Twilio SMS needs TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER to send from"
            )

    def send(self, message: OutboundMessage) -> SendResult:
        sender: dict[str, str] = (
            {"messaging_service_sid": self._messaging_service_sid}
            if self._messaging_service_sid
            else {"from_": self._from_number}
        )
        optional: dict[str, str] = (
            {"status_callback": message.status_callback} if message.status_callback else {}
        )
        try:
            created = self._client.messages.create(
                to=message.to, body=message.body, **sender, **optional
            )
        except (TwilioException, requests.RequestException) as error:
            result = result_for_twilio_error(error)
            logger.info(
                "sms %s not sent: %s (%s)", message.idempotency_key, result.outcome, result.error
            )
            return result
        return SendResult(
            outcome=Outcome.SENT,
            provider_id=str(created.sid),
            segments=_segments(created.num_segments, message.body),
        )


def _segments(reported: object, body: str) -> int:
    """Twilio's own count when it gives one (it is what is billed), else ours."""
    try:
        value = int(str(reported))
    except ValueError:
        value = 0
    return value if value > 0 else count_segments(body).segments
