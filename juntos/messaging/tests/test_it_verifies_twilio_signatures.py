"""It accepts Twilio webhooks signed with our auth token and rejects everything else."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from django.test import RequestFactory
from twilio.request_validator import RequestValidator

from juntos.messaging.channels.base import OutboundMessage
from juntos.messaging.channels.sms import TwilioSmsAdapter
from juntos.messaging.twilio_security import verify_twilio_request
from juntos.testing.twilio_sink import TwilioSink

PATH = "/messaging/twilio/status"
PARAMS = {"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered", "To": "+15551230001"}


def form_post(path: str, params: dict[str, str], signature: str | None) -> Any:
    """A POST as Twilio sends it: form-encoded, signature in a header."""
    return RequestFactory().post(
        path,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature} if signature is not None else {},
    )


def signed_post(
    sink: TwilioSink, url: str, params: dict[str, str], *, signature: str | None = None
) -> Any:
    query = "?" + url.split("?", 1)[1] if "?" in url else ""
    return form_post(PATH + query, params, signature or sink.sign(url, params))


def test_it_accepts_a_request_signed_with_our_token(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    request = signed_post(twilio_sink, f"http://testserver{PATH}", PARAMS)
    assert verify_twilio_request(request)


def test_it_rejects_a_wrong_missing_or_tampered_signature(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    url = f"http://testserver{PATH}"
    forged = RequestValidator("someone-else").compute_signature(url, PARAMS)
    wrong = signed_post(twilio_sink, url, PARAMS, signature=forged)
    tampered = form_post(PATH, PARAMS | {"MessageStatus": "failed"}, twilio_sink.sign(url, PARAMS))
    unsigned = form_post(PATH, PARAMS, None)
    other_url = signed_post(twilio_sink, f"http://testserver{PATH}/other", PARAMS)

    assert not verify_twilio_request(wrong)
    assert not verify_twilio_request(tampered)
    assert not verify_twilio_request(unsigned)
    assert not verify_twilio_request(other_url)


def test_it_rejects_everything_without_an_auth_token(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    request = signed_post(twilio_sink, f"http://testserver{PATH}", PARAMS)
    twilio_settings.TWILIO_AUTH_TOKEN = ""
    assert not verify_twilio_request(request)


def test_it_checks_the_url_twilio_called_behind_a_proxy(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    public = f"https://juntos.example.org{PATH}?school=north"
    request = signed_post(twilio_sink, public, PARAMS)

    assert not verify_twilio_request(request)
    twilio_settings.PUBLIC_BASE_URL = "https://juntos.example.org/"
    assert verify_twilio_request(request)


class _Recorder(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def callback_server() -> Iterator[ThreadingHTTPServer]:
    _Recorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_it_verifies_the_status_callbacks_the_sink_sends(
    twilio_settings: Any, twilio_sink: TwilioSink, callback_server: ThreadingHTTPServer
) -> None:
    port = callback_server.server_address[1]
    callback = f"http://127.0.0.1:{port}{PATH}"
    sent = TwilioSmsAdapter().send(
        OutboundMessage(
            idempotency_key="d-1", to="+15551230001", language="en", body="Hi",
            status_callback=callback,
        )
    )  # fmt: skip

    status = twilio_sink.send_status_callback(sent.provider_id, "undelivered", error_code=30003)

    assert status == 204
    [(path, headers, body)] = _Recorder.received
    params = dict(parse_qsl(body.decode()))
    assert params["MessageSid"] == sent.provider_id
    assert (params["MessageStatus"], params["ErrorCode"]) == ("undelivered", "30003")
    request = RequestFactory().post(
        path,
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": headers["X-Twilio-Signature"]},
        HTTP_HOST=f"127.0.0.1:{port}",
    )
    assert verify_twilio_request(request)
