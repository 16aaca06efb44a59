"""It sends email through Django's SMTP backend to a real (local) SMTP server."""

from __future__ import annotations

import socket
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

import pytest

from juntos.messaging.channels.base import OutboundMessage, Outcome
from juntos.messaging.channels.email import (
    DjangoEmailAdapter,
    email_settings_from_url,
    message_id_for,
    render_html,
)
from juntos.testing.smtp_sink import SmtpSink

FROM = "Lincoln Elementary <noreply@lincoln.example.org>"


def use_smtp(settings: Any, url: str) -> None:
    for name, value in email_settings_from_url(url).items():
        setattr(settings, name, value)
    settings.DEFAULT_FROM_EMAIL = FROM
    settings.EMAIL_TIMEOUT = 5


def mail(**kwargs: Any) -> OutboundMessage:
    defaults: dict[str, Any] = {
        "idempotency_key": "delivery-42",
        "to": "rosa@example.com",
        "language": "es",
        "subject": "Reunión de padres",
        "body": "Hola Rosa,\n\nLa reunión es el jueves.\nDetalles: https://juntos.example.org/e/1",
        "recipient_name": "Rosa Pérez",
        "metadata": {"reply_to": "Ms. Lee <lee@lincoln.example.org>"},
    }
    return OutboundMessage(**(defaults | kwargs))


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    # SMTP carries CRLF line ends; compare text with the body as written.
    return text.get_content().replace("\r\n", "\n"), html.get_content()


def subject(message: EmailMessage) -> str:
    # Django 5.2 folds a long encoded subject onto a continuation line ("Subject:\r\n =?utf-8?…");
    # unfolding leaves a leading space that mail clients trim, and so do we.
    return str(message["Subject"]).strip()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mailer:p%40ss@mail.example.org",
            {"EMAIL_HOST": "mail.example.org", "EMAIL_PORT": 25, "EMAIL_HOST_USER": "mailer",
             "EMAIL_HOST_PASSWORD": "p@ss", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False},
        ),
        (
            "smtp+tls://u:p@smtp.example.org?timeout=7",
            {"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": 587, "EMAIL_USE_TLS": True,
             "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 7.0},
        ),
        ("smtps://smtp.example.org:2465", {"EMAIL_PORT": 2465, "EMAIL_USE_SSL": True}),
    ],
)  # fmt: skip
def test_it_reads_email_settings_from_one_url(url: str, expected: dict[str, Any]) -> None:
    found = email_settings_from_url(url)
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert {key: found[key] for key in expected} == expected


def test_it_reads_the_console_url_and_refuses_unknown_ones() -> None:
    assert email_settings_from_url("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    with pytest.raises(ValueError, match="scheme"):
        email_settings_from_url("http://mail.example.org")
    with pytest.raises(ValueError, match="host"):
        email_settings_from_url("smtp://")


def test_it_sends_text_and_accessible_html_with_the_delivery_headers(
    settings: Any, smtp_sink: SmtpSink
) -> None:
    use_smtp(settings, smtp_sink.url)

    result = DjangoEmailAdapter().send(mail())

    assert result.outcome == Outcome.SENT
    assert result.provider_id == message_id_for("delivery-42", "lincoln.example.org")
    [received] = smtp_sink.messages
    assert received.rcpt_tos == ("rosa@example.com",)
    assert received.mail_from == "noreply@lincoln.example.org"
    message = received.message
    assert message["Message-ID"] == result.provider_id
    assert message["Content-Language"] == "es"
    assert subject(message) == "Reunión de padres"
    assert getaddresses([str(message["To"])]) == [("Rosa Pérez", "rosa@example.com")]
    assert getaddresses([str(message["Reply-To"])]) == [("Ms. Lee", "lee@lincoln.example.org")]
    text, html = parts(message)
    assert text.rstrip("\n") == mail().body
    assert '<html lang="es" dir="ltr">' in html
    assert "<p>La reunión es el jueves.<br>" in html
    assert '<a href="https://juntos.example.org/e/1">https://juntos.example.org/e/1</a>' in html


@pytest.mark.parametrize(
    ("language", "subject_line", "rtl"),
    [
        ("vi", "Họp phụ huynh vào thứ Năm", False),
        ("ar", "اجتماع أولياء الأمور يوم الخميس", True),
        ("fa-AF", "جلسه والدین روز پنجشنبه", True),
        ("ps", "د والدینو غونډه", True),
        ("zh", "家长会在星期四举行", False),
    ],
)
def test_it_keeps_utf8_subjects_and_marks_right_to_left_languages(
    settings: Any, smtp_sink: SmtpSink, language: str, subject_line: str, rtl: bool
) -> None:
    use_smtp(settings, smtp_sink.url)
    body = f"{subject_line}\n\n{subject_line} — 18:00"

    result = DjangoEmailAdapter().send(
        mail(language=language, subject=subject_line, body=body, recipient_name="Trần Thị Lan")
    )

    assert result.outcome == Outcome.SENT
    message = smtp_sink.messages[0].message
    assert subject(message) == subject_line
    assert message["Content-Language"] == language
    assert getaddresses([str(message["To"])]) == [("Trần Thị Lan", "rosa@example.com")]
    text, html = parts(message)
    assert subject_line in text
    direction = "rtl" if rtl else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert f'<body dir="{direction}"' in html
    assert f"text-align:{'right' if rtl else 'left'}" in html


def test_it_gives_a_resend_the_same_message_id(settings: Any, smtp_sink: SmtpSink) -> None:
    use_smtp(settings, smtp_sink.url)
    adapter = DjangoEmailAdapter()

    first = adapter.send(mail())
    again = adapter.send(mail())
    other = adapter.send(mail(idempotency_key="delivery-43"))

    ids = [m.message["Message-ID"] for m in smtp_sink.messages]
    assert ids == [first.provider_id, first.provider_id, other.provider_id]
    assert again.provider_id == first.provider_id != other.provider_id


def test_it_escapes_the_body_in_html_and_joins_a_subject_onto_one_line() -> None:
    html = render_html("<script>alert(1)</script> & co", subject="A\nB", language="en")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_it_logs_in_when_the_url_has_credentials(settings: Any) -> None:
    with SmtpSink(username="juntos", password="s3cret@") as sink:
        use_smtp(settings, sink.url)
        ok = DjangoEmailAdapter().send(mail())
        settings.EMAIL_HOST_PASSWORD = "wrong"
        refused = DjangoEmailAdapter().send(mail())

    assert settings.EMAIL_HOST_USER == "juntos"
    assert ok.outcome == Outcome.SENT
    # A refused login is our configuration's fault: retry rather than fail the family over.
    assert refused.outcome == Outcome.RETRY
    assert refused.error.startswith("smtp:auth 535")
    assert len(sink.messages) == 1


@pytest.mark.parametrize(
    ("code", "outcome"), [(550, Outcome.FAILED), (553, Outcome.FAILED), (450, Outcome.RETRY)]
)
def test_it_fails_on_a_permanent_refusal_and_retries_a_temporary_one(
    settings: Any, smtp_sink: SmtpSink, code: int, outcome: Outcome
) -> None:
    use_smtp(settings, smtp_sink.url)
    smtp_sink.reject_recipient("rosa@example.com", code, "No such mailbox")

    result = DjangoEmailAdapter().send(mail())

    assert result.outcome == outcome
    assert result.error.startswith(f"smtp:{code} ")
    assert smtp_sink.messages == []


@pytest.mark.parametrize(("code", "outcome"), [(554, Outcome.FAILED), (451, Outcome.RETRY)])
def test_it_maps_a_refused_message_by_its_reply_code(
    settings: Any, smtp_sink: SmtpSink, code: int, outcome: Outcome
) -> None:
    use_smtp(settings, smtp_sink.url)
    smtp_sink.fail_next(1, code=code, text="Refused")

    result = DjangoEmailAdapter().send(mail())

    assert result.outcome == outcome
    assert result.error.startswith(f"smtp:{code} ")


def test_it_retries_when_the_server_cannot_be_reached(settings: Any) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    use_smtp(settings, f"smtp://127.0.0.1:{port}")

    result = DjangoEmailAdapter().send(mail())

    assert result.outcome == Outcome.RETRY
    assert result.error == "network:ConnectionRefusedError"
