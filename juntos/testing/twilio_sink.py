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
* Failures on demand: :meth:`TwilioSink.fail_next` (503, 429...), :meth:`TwilioSink.stall_next`
  (the request is recorded, then the answer is late: a client timeout after Twilio accepted).
* Every accepted message and call is recorded (thread-safe) for assertions.
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
from datetime import UTC, datetime
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
        with self._lock:
            self._messages.append(message)
        now = _now()
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{message.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_ or None,
            "messaging_service_sid": service or None,
            "num_media": "0",
            "num_segments": str(message.num_segments),
            "price": None,
            "price_unit": "USD",
            "sid": message.sid,
            # With only a Messaging Service, Twilio first "accepts" and picks a number later.
            "status": "queued" if from_ else "accepted",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": to,
            "uri": f"{uri}.json",
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
        if action == "fail":
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
    """Routes: the two Twilio resources, and ``/_sink/`` (messages, calls, fail, stall, reject,
    reset, status-callback) for tests that run the sink as a separate process."""

    server_version = "TwilioSink/1.0"
    protocol_version = "HTTP/1.1"

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
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/_sink/"):
            self._reply(*self.sink.control(path.removeprefix("/_sink/"), {}))
            return
        self._reply(404, _error_body(404, 20404, "The requested resource was not found"))

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
