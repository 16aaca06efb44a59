"""A local stand-in for the part of Twilio's REST API that Juntos uses, for tests and demos.

It speaks HTTP on 127.0.0.1 (a random port unless told), so the code under test uses the real
``twilio`` package over a real socket, from this process or another one (a Celery worker).

* ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` (``To``, ``From`` or
  ``MessagingServiceSid``, ``Body``, ``StatusCallback``) and ``.../Calls.json`` (``To``,
  ``From``, ``Twiml`` or ``Url``, ``StatusCallback``), form-encoded, HTTP Basic auth with the
  account sid and auth token; answers as Twilio does: 201 with the resource's JSON, 401
  (code 20003), 400 with Twilio's error codes (21211 invalid ``To``, 21602 no body, 21603 no
  sender, 21617 body over 1,600 characters, 32018 TwiML over 4,000 characters, and any code a
  test assigns to a number with :meth:`TwilioSink.reject`).
* ``GET .../Messages.json``: the message list, newest first, filtered by ``To``, ``From`` and
  ``DateSent`` (``DateSent>``/``DateSent<``, as ``DateSent>=YYYY-MM-DD`` reads in Twilio's
  docs; a date or a datetime), paged with ``PageSize`` and ``Page`` and answered with Twilio's
  envelope (``messages``, ``page``, ``page_size``, ``next_page_uri``...), so that the ``twilio``
  package's ``messages.list`` works. A message reads ``sent`` (``date_sent`` = its creation)
  until a test says otherwise with :meth:`TwilioSink.set_status`; :meth:`TwilioSink.backdate`
  moves its creation into the past.
* Failures on demand: :meth:`TwilioSink.fail_next` (503, 429...), :meth:`TwilioSink.stall_next`
  (the request is recorded, then the answer is late: a client timeout after Twilio accepted),
  :meth:`TwilioSink.hold_after` (from the n-th message on, every message is recorded and its
  answer held until :meth:`TwilioSink.release`: a worker killed then leaves messages the
  provider took but the worker never heard of).
* Every accepted message and call is recorded (thread-safe) for assertions; lookups by number
  are indexed, so a fan-out of thousands stays fast.
* :meth:`TwilioSink.send_status_callback` POSTs a status callback signed with a correct
  ``X-Twilio-Signature``, as Twilio does; :meth:`TwilioSink.sign` signs any URL and parameters.
* Run alone with ``python -m juntos.testing.twilio_sink --port 8099``; another process then reads
  and steers it through ``/_sink/...`` (see :class:`_Handler`).
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import secrets
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from twilio.request_validator import RequestValidator

from juntos.messaging.segments import count_segments

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "0" * 31 + "1"
DEFAULT_AUTH_TOKEN = "sink-auth-token"  # noqa: S105 - a test server's fixed credential

BODY_LIMIT = 1600
TWIML_LIMIT = 4000
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_ROUTE = re.compile(
    rf"/{API_VERSION}/Accounts/(?P<account>[^/]+)/(?P<resource>Messages|Calls)\.json"
)
_MESSAGE = re.compile(rf"/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>SM\w+)\.json")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# Statuses before a message leaves Twilio: it has no date_sent yet.
_UNSENT = frozenset({"accepted", "queued", "scheduled", "canceled"})
_TWILIO_ERRORS = {
    401: (20003, "Authenticate"),
    404: (20404, "The requested resource was not found"),
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
}


@dataclass(frozen=True)
class SinkMessage:
    sid: str
    account_sid: str
    to: str
    from_: str
    messaging_service_sid: str
    body: str
    status_callback: str
    num_segments: int
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SinkCall:
    sid: str
    account_sid: str
    to: str
    from_: str
    twiml: str
    url: str
    status_callback: str
    headers: dict[str, str] = field(default_factory=dict)


class _TwilioError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _error_body(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _now() -> str:
    return format_datetime(datetime.now(UTC))


def _rfc2822(moment: datetime | None) -> str | None:
    return None if moment is None else format_datetime(moment.astimezone(UTC), usegmt=True)


def _date_filter(value: str) -> datetime | date:
    """A ``DateSent`` value as Twilio takes it: ``YYYY-MM-DD`` or an ISO 8601 datetime."""
    text = value.strip().lstrip("=")
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise _TwilioError(400, 20001, f"Invalid value for DateSent: {value}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _on_or_after(moment: datetime, bound: datetime | date) -> bool:
    if isinstance(bound, datetime):
        return moment >= bound
    return moment.astimezone(UTC).date() >= bound


def _on_or_before(moment: datetime, bound: datetime | date) -> bool:
    if isinstance(bound, datetime):
        return moment <= bound
    return moment.astimezone(UTC).date() <= bound


def _on(moment: datetime, bound: datetime | date) -> bool:
    day = bound.date() if isinstance(bound, datetime) else bound
    return moment.astimezone(UTC).date() == day


class TwilioSink:
    """The server and its records. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(
        self,
        *,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._messages: list[SinkMessage] = []
        self._calls: list[SinkCall] = []
        self._failures: list[int] = []
        self._stalls: list[float] = []
        self._rejections: dict[str, tuple[int, str]] = {}
        self._by_to: dict[str, list[SinkMessage]] = {}
        self._created: dict[str, datetime] = {}
        self._status: dict[str, str] = {}
        self._hold_from: int | None = None
        self._held: set[str] = set()
        self._released = threading.Event()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.sink = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> TwilioSink:
        self._thread = threading.Thread(
            # A short poll so that stop() returns at once, test after test.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="twilio-sink",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            # shutdown() waits for serve_forever(): only call it when that loop runs.
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> TwilioSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- steering and records --------------------------------------------------------------

    @property
    def messages(self) -> list[SinkMessage]:
        with self._lock:
            return list(self._messages)

    @property
    def calls(self) -> list[SinkCall]:
        with self._lock:
            return list(self._calls)

    def fail_next(self, count: int = 1, *, status: int = 503) -> None:
        """The next ``count`` create requests get ``status`` (with Twilio's error JSON)."""
        with self._lock:
            self._failures.extend([status] * count)

    def stall_next(self, count: int = 1, *, seconds: float = 1.0) -> None:
        """The next ``count`` create requests are recorded, then answered ``seconds`` late."""
        with self._lock:
            self._stalls.extend([seconds] * count)

    def hold_after(self, count: int) -> None:
        """Once ``count`` messages are recorded, hold the answer to every later one (recorded
        all the same) until :meth:`release`, or until the client goes away."""
        with self._lock:
            self._hold_from = count
            self._released.clear()

    def release(self) -> None:
        """Answer the held messages and hold no more."""
        with self._lock:
            self._hold_from = None
            self._held.clear()
        self._released.set()

    def set_status(self, sid: str, status: str) -> None:
        """What the message list says of ``sid`` from now on (``delivered``, ``queued``...)."""
        with self._lock:
            if sid not in self._created:
                raise KeyError(f"no message {sid}")
            self._status[sid] = status

    def backdate(self, sid: str, when: datetime) -> None:
        """Make ``sid`` read as created (and sent) at ``when``."""
        with self._lock:
            if sid not in self._created:
                raise KeyError(f"no message {sid}")
            self._created[sid] = when

    def count(self) -> int:
        with self._lock:
            return len(self._messages)

    def reject(self, number: str, code: int, message: str = "") -> None:
        """Answer 400 with Twilio error ``code`` for every message or call to ``number``."""
        with self._lock:
            self._rejections[number] = (code, message or f"Twilio error {code} for {number}")

    def reset(self) -> None:
        with self._lock:
            self._messages.clear()
            self._calls.clear()
            self._failures.clear()
            self._stalls.clear()
            self._rejections.clear()
            self._by_to.clear()
            self._created.clear()
            self._status.clear()
            self._hold_from = None
            self._held.clear()
        self._released.set()

    # -- callbacks -------------------------------------------------------------------------

    def sign(self, url: str, params: dict[str, str]) -> str:
        """The ``X-Twilio-Signature`` Twilio would send for a POST of ``params`` to ``url``."""
        return str(RequestValidator(self.auth_token).compute_signature(url, params))

    def status_callback_params(
        self, sid: str, status: str, error_code: int | None = None
    ) -> tuple[str, dict[str, str]]:
        """The URL and form parameters of the status callback Twilio would send for ``sid``."""
        with self._lock:
            message = next((m for m in self._messages if m.sid == sid), None)
            call = next((c for c in self._calls if c.sid == sid), None)
        if message is not None:
            params = {
                "AccountSid": message.account_sid,
                "ApiVersion": API_VERSION,
                "From": message.from_,
                "MessageSid": sid,
                "MessageStatus": status,
                "SmsSid": sid,
                "SmsStatus": status,
                "To": message.to,
            }
            if message.messaging_service_sid:
                params["MessagingServiceSid"] = message.messaging_service_sid
            url = message.status_callback
        elif call is not None:
            params = {
                "AccountSid": call.account_sid,
                "ApiVersion": API_VERSION,
                "CallSid": sid,
                "CallStatus": status,
                "Direction": "outbound-api",
                "From": call.from_,
                "To": call.to,
            }
            url = call.status_callback
        else:
            raise KeyError(f"no message or call {sid}")
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return url, params

    def send_status_callback(
        self, sid: str, status: str = "delivered", *, error_code: int | None = None, url: str = ""
    ) -> int:
        """POST a signed status callback for ``sid``; returns the HTTP status it got back."""
        recorded_url, params = self.status_callback_params(sid, status, error_code)
        target = url or recorded_url
        if not target:
            raise ValueError(f"{sid} was sent without a StatusCallback and no url was given")
        request = urllib.request.Request(  # noqa: S310 - the URL is the test's own callback
            target,
            data=urllib.parse.urlencode(params).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": self.sign(target, params),
                "User-Agent": "TwilioProxy/1.1",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    # -- the API ---------------------------------------------------------------------------

    def _authorised(self, authorization: str, account: str) -> bool:
        if not authorization.startswith("Basic "):
            return False
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return False
        user, _, password = decoded.partition(":")
        return (
            secrets.compare_digest(user, self.account_sid)
            and secrets.compare_digest(password, self.auth_token)
            and account == self.account_sid
        )

    def _next_fault(self) -> tuple[int | None, float]:
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            stall = self._stalls.pop(0) if self._stalls and failure is None else 0.0
        return failure, stall

    def _check_recipient(self, to: str) -> None:
        if not to:
            raise _TwilioError(400, 21604, "A 'To' phone number is required.")
        if not _E164.fullmatch(to):
            raise _TwilioError(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        with self._lock:
            rejection = self._rejections.get(to)
        if rejection is not None:
            raise _TwilioError(400, rejection[0], rejection[1])

    def create_message(self, form: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        to = form.get("To", "")
        self._check_recipient(to)
        from_ = form.get("From", "")
        service = form.get("MessagingServiceSid", "")
        if not (from_ or service):
            raise _TwilioError(400, 21603, "A 'From' phone number is required.")
        body = form.get("Body", "")
        if not body and not form.get("MediaUrl") and not form.get("ContentSid"):
            raise _TwilioError(400, 21602, "Message body is required.")
        if len(body) > BODY_LIMIT:
            raise _TwilioError(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        message = SinkMessage(
            sid="SM" + secrets.token_hex(16),
            account_sid=self.account_sid,
            to=to,
            from_=from_,
            messaging_service_sid=service,
            body=body,
            status_callback=form.get("StatusCallback", ""),
            num_segments=count_segments(body).segments,
            headers=headers,
        )
        created = datetime.now(UTC)
        # With only a Messaging Service, Twilio first "accepts" and picks a number later.
        status = "queued" if from_ else "accepted"
        with self._lock:
            self._messages.append(message)
            self._by_to.setdefault(to, []).append(message)
            self._created[message.sid] = created
            self._status[message.sid] = "sent"
            if self._hold_from is not None and len(self._messages) > self._hold_from:
                self._held.add(message.sid)
        return self._message_json(message, created, status, date_sent=None)

    def holds(self, sid: str) -> bool:
        """Whether the answer to message ``sid`` is held (:meth:`hold_after`)."""
        with self._lock:
            return sid in self._held

    def wait_for_release(self) -> None:
        while not (self._released.wait(0.1) or self._stopping.is_set()):
            pass

    def _message_json(
        self, message: SinkMessage, created: datetime, status: str, *, date_sent: datetime | None
    ) -> dict[str, Any]:
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{message.sid}"
        failed = status in ("failed", "undelivered")
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": message.body,
            "date_created": _rfc2822(created),
            "date_sent": _rfc2822(date_sent),
            "date_updated": _rfc2822(created),
            "direction": "outbound-api",
            "error_code": 30003 if failed else None,
            "error_message": "Unreachable destination handset" if failed else None,
            "from": message.from_ or None,
            "messaging_service_sid": message.messaging_service_sid or None,
            "num_media": "0",
            "num_segments": str(message.num_segments),
            "price": None,
            "price_unit": "USD",
            "sid": message.sid,
            "status": status,
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": message.to,
            "uri": f"{uri}.json",
        }

    def _listed(self, message: SinkMessage) -> dict[str, Any]:
        """A message as the list and fetch show it now (the lock is held)."""
        created = self._created[message.sid]
        status = self._status[message.sid]
        sent = None if status in _UNSENT else created
        return self._message_json(message, created, status, date_sent=sent)

    def fetch_message(self, sid: str) -> dict[str, Any]:
        with self._lock:
            message = next((m for m in self._messages if m.sid == sid), None)
            if message is None:
                raise _TwilioError(404, 20404, f"The requested resource {sid} was not found")
            return self._listed(message)

    def list_messages(self, query: dict[str, str], path: str) -> dict[str, Any]:
        """One page of the message list, newest first, as Twilio pages it."""
        to, from_ = query.get("To", ""), query.get("From", "")
        on = _date_filter(query["DateSent"]) if "DateSent" in query else None
        after = _date_filter(query["DateSent>"]) if "DateSent>" in query else None
        before = _date_filter(query["DateSent<"]) if "DateSent<" in query else None
        try:
            size = min(max(int(query.get("PageSize", DEFAULT_PAGE_SIZE)), 1), MAX_PAGE_SIZE)
            page = max(int(query.get("Page", "0")), 0)
        except ValueError as error:
            raise _TwilioError(400, 20001, "Invalid paging parameter") from error
        with self._lock:
            pool = list(self._by_to.get(to, [])) if to else list(self._messages)
            rows: list[tuple[datetime, int, dict[str, Any]]] = []
            for index, message in enumerate(pool):
                if from_ and message.from_ != from_:
                    continue
                listed = self._listed(message)
                created = self._created[message.sid]
                if on is not None or after is not None or before is not None:
                    if listed["date_sent"] is None:
                        continue  # not sent yet: outside every DateSent filter
                    if on is not None and not _on(created, on):
                        continue
                    if after is not None and not _on_or_after(created, after):
                        continue
                    if before is not None and not _on_or_before(created, before):
                        continue
                rows.append((created, index, listed))
        rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
        start = page * size
        records = [listed for _, _, listed in rows[start : start + size]]

        def page_uri(number: int) -> str:
            params = {k: v for k, v in query.items() if k not in ("Page", "PageSize", "PageToken")}
            params.update({"PageSize": str(size), "Page": str(number)})
            if number:
                params["PageToken"] = f"PA{number}"
            return f"{path}?{urllib.parse.urlencode(params)}"

        more = start + size < len(rows)
        return {
            "messages": records,
            "end": start + len(records) - 1 if records else start,
            "first_page_uri": page_uri(0),
            "next_page_uri": page_uri(page + 1) if more else None,
            "page": page,
            "page_size": size,
            "previous_page_uri": page_uri(page - 1) if page else None,
            "start": start,
            "uri": page_uri(page),
        }

    def create_call(self, form: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        to = form.get("To", "")
        self._check_recipient(to)
        from_ = form.get("From", "")
        if not from_:
            raise _TwilioError(400, 21213, "Caller phone number is required.")
        twiml, url = form.get("Twiml", ""), form.get("Url", "")
        if not (twiml or url or form.get("ApplicationSid")):
            raise _TwilioError(400, 21205, "Url, Twiml or ApplicationSid is required.")
        if len(twiml) > TWIML_LIMIT:
            raise _TwilioError(
                400, 32018, "Twiml size exceeded maximum allowed value of 4000 characters"
            )
        call = SinkCall(
            sid="CA" + secrets.token_hex(16),
            account_sid=self.account_sid,
            to=to,
            from_=from_,
            twiml=twiml,
            url=url,
            status_callback=form.get("StatusCallback", ""),
            headers=headers,
        )
        with self._lock:
            self._calls.append(call)
        now = _now()
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "date_created": now,
            "date_updated": now,
            "direction": "outbound-api",
            "from": from_,
            "from_formatted": from_,
            "sid": call.sid,
            "status": "queued",
            "to": to,
            "to_formatted": to,
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{call.sid}.json",
        }

    def control(self, action: str, form: dict[str, str]) -> tuple[int, Any]:
        """``/_sink/<action>``: read and steer the sink from another process."""
        if action == "messages":
            return 200, [asdict(m) for m in self.messages]
        if action == "calls":
            return 200, [asdict(c) for c in self.calls]
        if action == "count":
            return 200, {"messages": self.count(), "calls": len(self.calls)}
        if action == "hold":
            self.hold_after(int(form["after"]))
        elif action == "release":
            self.release()
        elif action == "set-status":
            self.set_status(form["sid"], form["status"])
        elif action == "fail":
            self.fail_next(int(form.get("count", "1")), status=int(form.get("status", "503")))
        elif action == "stall":
            self.stall_next(int(form.get("count", "1")), seconds=float(form.get("seconds", "1")))
        elif action == "reject":
            self.reject(form["number"], int(form["code"]), form.get("message", ""))
        elif action == "reset":
            self.reset()
        elif action == "status-callback":
            code = form.get("error_code")
            sent = self.send_status_callback(
                form["sid"],
                form.get("status", "delivered"),
                error_code=int(code) if code else None,
                url=form.get("url", ""),
            )
            return 200, {"callback_status": sent}
        else:
            return 404, _error_body(404, 20404, f"no sink action {action}")
        return 200, {"ok": True}


class _Handler(BaseHTTPRequestHandler):
    """Routes: the two Twilio resources (create; list and fetch of messages), and ``/_sink/``
    (messages, calls, count, fail, stall, hold, release, set-status, reject, reset,
    status-callback) for tests that run the sink as a separate process."""

    server_version = "TwilioSink/1.0"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm the body waits for the
    # client's delayed ACK, 40 ms per request on a kept-alive connection.
    disable_nagle_algorithm = True

    @property
    def sink(self) -> TwilioSink:
        sink: TwilioSink = self.server.sink  # type: ignore[attr-defined]
        return sink

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet: a test run should not print a line per request.
        return

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        # Twilio takes the last value of a repeated parameter; none we use repeats.
        return dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))

    def _reply(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a stalled answer past its timeout), as it may with Twilio.
            self.close_connection = True

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        path = parts.path
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        if path.startswith("/_sink/"):
            self._reply(*self.sink.control(path.removeprefix("/_sink/"), query))
            return
        route = _ROUTE.fullmatch(path)
        single = _MESSAGE.fullmatch(path)
        listing = route is not None and route["resource"] == "Messages"
        account = route["account"] if route is not None else single["account"] if single else ""
        if not (listing or single):
            self._reply(404, _error_body(404, 20404, "The requested resource was not found"))
            return
        sink = self.sink
        if not sink._authorised(self.headers.get("Authorization", ""), account):
            code, text = _TWILIO_ERRORS[401]
            self._reply(401, _error_body(401, code, text))
            return
        try:
            if single is not None:
                self._reply(200, sink.fetch_message(single["sid"]))
            else:
                self._reply(200, sink.list_messages(query, path))
        except _TwilioError as error:
            self._reply(error.status, _error_body(error.status, error.code, error.message))

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        form = self._form()
        if path.startswith("/_sink/"):
            self._reply(*self.sink.control(path.removeprefix("/_sink/"), form))
            return
        route = _ROUTE.fullmatch(path)
        if route is None:
            self._reply(404, _error_body(404, 20404, "The requested resource was not found"))
            return
        sink = self.sink
        if not sink._authorised(self.headers.get("Authorization", ""), route["account"]):
            code, text = _TWILIO_ERRORS[401]
            self._reply(401, _error_body(401, code, text))
            return
        failure, stall = sink._next_fault()
        if failure is not None:
            code, text = _TWILIO_ERRORS.get(failure, (failure, "Injected failure"))
            self._reply(failure, _error_body(failure, code, text))
            return
        headers = {key: value for key, value in self.headers.items() if key != "Authorization"}
        try:
            if route["resource"] == "Messages":
                resource = sink.create_message(form, headers)
            else:
                resource = sink.create_call(form, headers)
        except _TwilioError as error:
            self._reply(error.status, _error_body(error.status, error.code, error.message))
            return
        if stall and sink._stopping.wait(stall):
            return
        if sink.holds(str(resource["sid"])):
            sink.wait_for_release()
            if sink._stopping.is_set():
                return
        self._reply(201, resource)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A local Twilio Messages/Calls API for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--account-sid", default=DEFAULT_ACCOUNT_SID)
    parser.add_argument("--auth-token", default=DEFAULT_AUTH_TOKEN)
    args = parser.parse_args(argv)
    sink = TwilioSink(
        account_sid=args.account_sid, auth_token=args.auth_token, host=args.host, port=args.port
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    with sink:
        # One line a parent process can read to learn the port.
        print(f"twilio sink listening on {sink.base_url}", flush=True)
        stopped.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
