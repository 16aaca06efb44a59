"""It sends SMS through Twilio's REST API (the real ``twilio`` package, a local Twilio sink)."""

from __future__ import annotations

import re
import socket
from typing import Any

import pytest
from twilio.base.exceptions import TwilioServiceException

from juntos.messaging.channels.base import OutboundMessage, Outcome
from juntos.messaging.channels.sms import TwilioSmsAdapter, result_for_twilio_error
from juntos.messaging.tests.conftest import FROM_NUMBER
from juntos.testing.twilio_sink import TwilioSink

TO = "+15551230001"


def sms(body: str = "Picture day is Friday.", **kwargs: Any) -> OutboundMessage:
    defaults: dict[str, Any] = {
        "idempotency_key": "delivery-1",
        "to": TO,
        "language": "en",
        "body": body,
        "status_callback": "https://juntos.example.org/messaging/twilio/status",
    }
    return OutboundMessage(**(defaults | kwargs))


def test_it_sends_the_body_to_the_number_from_ours(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    result = TwilioSmsAdapter().send(sms("Mañana: reunión de padres a las 6."))

    assert result.outcome == Outcome.SENT
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.provider_id)
    assert result.segments == 1
    [sent] = twilio_sink.messages
    assert sent.sid == result.provider_id
    assert (sent.to, sent.from_, sent.messaging_service_sid) == (TO, FROM_NUMBER, "")
    assert sent.body == "Mañana: reunión de padres a las 6."
    assert sent.status_callback == "https://juntos.example.org/messaging/twilio/status"
    assert sent.headers["User-Agent"].startswith("twilio-python/")


def test_it_reports_the_segments_twilio_bills(twilio_settings: Any) -> None:
    vietnamese = "Kính gửi phụ huynh: buổi họp phụ huynh sẽ diễn ra vào thứ Năm lúc 6 giờ tối."
    assert len(vietnamese) > 70

    result = TwilioSmsAdapter().send(sms(vietnamese, language="vi"))

    assert result.outcome == Outcome.SENT
    assert result.segments == 2


def test_it_sends_from_a_messaging_service_when_one_is_set(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    twilio_settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "a" * 32

    result = TwilioSmsAdapter().send(sms(status_callback=""))

    assert result.outcome == Outcome.SENT
    [sent] = twilio_sink.messages
    assert (sent.from_, sent.messaging_service_sid) == ("", "MG" + "a" * 32)
    assert sent.status_callback == ""


def test_it_refuses_to_start_without_a_sender(twilio_settings: Any) -> None:
    twilio_settings.TWILIO_FROM_NUMBER = ""
    with pytest.raises(ValueError, match="TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER"):
        TwilioSmsAdapter()


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("555-1234", 21211),  # not a phone number
        ("+15551230002", 21610),  # the family replied STOP
        ("+15551230003", 21614),  # a landline
    ],
)
def test_it_fails_permanently_on_what_twilio_says_about_the_recipient(
    twilio_settings: Any, twilio_sink: TwilioSink, to: str, code: int
) -> None:
    twilio_sink.reject("+15551230002", 21610, "Attempt to send to unsubscribed recipient")
    twilio_sink.reject("+15551230003", 21614, "'To' number is not a valid mobile number")

    result = TwilioSmsAdapter().send(sms(to=to))

    assert result.outcome == Outcome.FAILED
    assert result.error.startswith(f"twilio:{code} ")
    assert twilio_sink.messages == []


@pytest.mark.parametrize("status", [503, 500, 429])
def test_it_retries_when_twilio_is_down_or_throttling(
    twilio_settings: Any, twilio_sink: TwilioSink, status: int
) -> None:
    twilio_sink.fail_next(1, status=status)
    adapter = TwilioSmsAdapter()

    first = adapter.send(sms())
    second = adapter.send(sms())

    assert first.outcome == Outcome.RETRY
    assert first.error.startswith(f"twilio:20{status} ")
    assert second.outcome == Outcome.SENT
    assert len(twilio_sink.messages) == 1


def test_it_retries_when_our_credentials_are_refused(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    # Our configuration's fault, not the family's: do not move them to another channel.
    twilio_settings.TWILIO_AUTH_TOKEN = "not-the-token"

    result = TwilioSmsAdapter().send(sms())

    assert result.outcome == Outcome.RETRY
    assert result.error.startswith("twilio:20003 ")
    assert twilio_sink.messages == []


def test_it_retries_on_a_timeout_even_though_twilio_may_have_sent_it(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    twilio_settings.TWILIO_TIMEOUT_SECONDS = 0.3
    twilio_sink.stall_next(1, seconds=3)

    result = TwilioSmsAdapter().send(sms())

    assert result.outcome == Outcome.RETRY
    assert result.error == "network:timeout"
    # The honest part: Twilio accepted it. A retry will send a second copy (docs/channels.md).
    assert len(twilio_sink.messages) == 1


def test_it_retries_when_twilio_cannot_be_reached(twilio_settings: Any) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    twilio_settings.TWILIO_API_BASE = f"http://127.0.0.1:{port}"

    result = TwilioSmsAdapter().send(sms())

    assert result.outcome == Outcome.RETRY
    assert result.error == "network:ConnectionError"


def test_it_does_not_deduplicate_by_itself_the_worker_claim_must(
    twilio_settings: Any, twilio_sink: TwilioSink
) -> None:
    # Twilio's Messages API has no idempotency key: the same delivery sent twice is two texts.
    adapter = TwilioSmsAdapter()

    first = adapter.send(sms(idempotency_key="delivery-7"))
    second = adapter.send(sms(idempotency_key="delivery-7"))

    assert first.provider_id != second.provider_id
    assert len(twilio_sink.messages) == 2


@pytest.mark.parametrize(
    ("status", "outcome"), [(400, Outcome.FAILED), (503, Outcome.RETRY), (429, Outcome.RETRY)]
)
def test_it_maps_twilios_newer_problem_details_errors_the_same_way(
    status: int, outcome: Outcome
) -> None:
    # Some Twilio APIs answer errors as RFC 9457 problem details; the package raises another
    # exception class for them.
    error = TwilioServiceException(
        type_uri="https://www.twilio.com/docs/errors/21211",
        title="Invalid 'To' Phone Number",
        status=status,
        code=21211,
        detail="The number is not valid.",
    )

    result = result_for_twilio_error(error)

    assert result.outcome == outcome
    assert result.error == "twilio:21211 Invalid 'To' Phone Number The number is not valid."
