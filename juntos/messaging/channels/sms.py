"""SMS through Twilio's Programmable Messaging REST API (the official ``twilio`` package).

Settings: ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, and the sender, either
``TWILIO_MESSAGING_SERVICE_SID`` (preferred: Twilio picks a number of the pool and meters it) or
``TWILIO_FROM_NUMBER``. ``TWILIO_API_BASE`` sends the requests elsewhere than Twilio (the local
sink in tests); ``TWILIO_TIMEOUT_SECONDS`` bounds each request.

Idempotency: Twilio's Messages API takes no idempotency key on create, so this adapter cannot
make a retried request safe by itself. A request that times out after Twilio accepted it is
reported as RETRY and a retry sends a second copy; the worker's claim on the ``Delivery`` row is
what keeps the ordinary case to one send (docs/channels.md). When a worker dies between Twilio's
answer and the row's update, :meth:`TwilioSmsAdapter.find_sent` asks Twilio's message list
whether the text went out, so that the sweeper records it instead of sending it again
(docs/messaging.md, "Exactly once").
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
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

# How many of the most recent messages to one number each look-up reads: a family gets a few
# texts a week, so the messages since a claim minutes or hours ago are all among them.
FIND_LIMIT = 50
# Twilio's timestamps are whole seconds from Twilio's clock, not ours: a message counts from a
# little before the claim.
CLOCK_ALLOWANCE = timedelta(seconds=2)
_DELIVERED = frozenset({"delivered", "read"})
_FAILED = frozenset({"failed", "undelivered"})
# Never sent: a scheduled message cancelled before its time.
_NOT_SENT = frozenset({"canceled"})


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

    def find_sent(self, message: OutboundMessage, *, since: datetime) -> list[SendResult]:
        """Twilio's outbound messages from our sender to ``message.to`` with the same body,
        created at ``since`` or later (less :data:`CLOCK_ALLOWANCE`), oldest first.

        Two reads of ``GET .../Messages.json``: ``To`` with ``DateSent>=`` the day of ``since``
        (the documented filter, which bounds the read however busy the number is), then ``To``
        alone, the most recent page: a message Twilio still queues has no ``date_sent`` yet and
        may be left out by a date filter. Twilio's list can lag behind its creates (for seconds,
        at worst minutes), which is why the sweeper asks only long after the send began.
        Twilio and network errors are raised: an unanswered question is not a "no".
        """
        earliest = since - CLOCK_ALLOWANCE
        day = earliest.astimezone(UTC).strftime("%Y-%m-%d")
        found: dict[str, tuple[datetime, SendResult]] = {}
        for filters in ({"date_sent_after": day}, {}):
            for item in self._client.messages.list(
                to=message.to, limit=FIND_LIMIT, page_size=FIND_LIMIT, **filters
            ):
                sid = str(item.sid)
                created = item.date_created
                if sid in found or not self._is_send_of(item, message):
                    continue
                if not isinstance(created, datetime) or created < earliest:
                    continue
                found[sid] = (created, self._result_for(item, message.body))
        return [result for _, result in sorted(found.values(), key=lambda pair: pair[0])]

    def _is_send_of(self, item: Any, message: OutboundMessage) -> bool:
        """From us (our service or number), outbound, to the same number, the same words."""
        sender_matches = (
            item.messaging_service_sid == self._messaging_service_sid
            if self._messaging_service_sid
            else item.from_ == self._from_number
        )
        return (
            sender_matches
            and str(item.direction or "").startswith("outbound")
            and item.to == message.to
            and item.body == message.body
            and str(item.status) not in _NOT_SENT
        )

    @staticmethod
    def _result_for(item: Any, body: str) -> SendResult:
        status = str(item.status)
        segments = _segments(item.num_segments, body)
        if status in _DELIVERED:
            outcome = Outcome.DELIVERED
        elif status in _FAILED:
            error = f"{status} {item.error_code or ''}".strip()
            return SendResult(
                outcome=Outcome.FAILED, provider_id=str(item.sid), error=error, segments=segments
            )
        else:
            outcome = Outcome.SENT
        return SendResult(outcome=outcome, provider_id=str(item.sid), segments=segments)


def _segments(reported: object, body: str) -> int:
    """Twilio's own count when it gives one (it is what is billed), else ours."""
    try:
        value = int(str(reported))
    except ValueError:
        value = 0
    return value if value > 0 else count_segments(body).segments
