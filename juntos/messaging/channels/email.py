"""Email through Django's email framework (SMTP by default; any ``EMAIL_BACKEND`` works).

Each message goes out as plain text plus a minimal, accessible HTML part in the caregiver's
language (``lang``, and ``dir="rtl"`` for Arabic, Dari, Pashto...). Headers:

* ``Message-ID`` derived from the delivery's idempotency key, so a resend after a crash carries
  the same id: mail systems and people can recognise the duplicate, and a reply's
  ``In-Reply-To`` leads back to the delivery (the id is the provider id we return);
* ``Content-Language`` with the BCP 47 tag of the body;
* ``Reply-To`` from ``message.metadata["reply_to"]`` (the owner of the conversation).

SMTP gives no idempotency either: the same id is the best it offers.
"""

from __future__ import annotations

import hashlib
import logging
import re
import smtplib
from email.utils import formataddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import escape, urlize

from juntos.language import registry as languages
from juntos.messaging.channels.base import OutboundMessage, Outcome, SendResult

logger = logging.getLogger(__name__)

_ERROR_TEXT_LIMIT = 300

_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# scheme → (default port, EMAIL_USE_TLS, EMAIL_USE_SSL)
_SMTP_SCHEMES: dict[str, tuple[int, bool, bool]] = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),  # STARTTLS on the submission port
    "smtps": (465, False, True),  # TLS from the first byte
    "smtp+ssl": (465, False, True),
}


def email_settings_from_url(url: str) -> dict[str, Any]:
    """Django's ``EMAIL_*`` settings from one URL.

    ``smtp://user:pass@host:25``, ``smtp+tls://user:pass@host:587`` (STARTTLS),
    ``smtps://...:465`` (implicit TLS), ``console://`` (print instead of sending, for a demo).
    User and password are percent-decoded (write ``@`` as ``%40``); ``?timeout=10`` sets
    ``EMAIL_TIMEOUT`` in seconds.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme not in _SMTP_SCHEMES:
        raise ValueError(f"EMAIL_URL scheme {parts.scheme!r} is not one of smtp, smtp+tls, smtps")
    if not parts.hostname:
        raise ValueError("EMAIL_URL needs a host")
    default_port, use_tls, use_ssl = _SMTP_SCHEMES[scheme]
    result: dict[str, Any] = {
        "EMAIL_BACKEND": _SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
    timeout = parse_qs(parts.query).get("timeout")
    if timeout:
        result["EMAIL_TIMEOUT"] = float(timeout[0])
    return result


def message_id_for(idempotency_key: str, domain: str) -> str:
    """The ``Message-ID`` of the email for a delivery: the same key always gives the same id.

    The key is hashed so that whatever it contains stays out of the header and the id is a
    valid ``dot-atom``.
    """
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<juntos.{digest}@{domain}>"


def _sender_domain(from_email: str) -> str:
    address = from_email.rsplit("<", 1)[-1].rstrip(">").strip()
    _, _, domain = address.rpartition("@")
    return domain or "juntos.invalid"


def _direction(language: str) -> tuple[str, bool]:
    """The canonical tag and whether the script runs right to left."""
    try:
        lang = languages.get(language)
    except languages.InvalidLanguage:
        return language, False
    return lang.code, lang.rtl


def render_html(body: str, *, subject: str, language: str) -> str:
    """A minimal HTML part: the body's paragraphs, links made clickable, in its language.

    No images, no layout tables, no colours: large readable text that screen readers announce
    in the right language and that keeps its direction in clients that drop the ``<html>``
    attributes (the direction is repeated on ``<body>`` and on the wrapper).
    """
    code, rtl = _direction(language)
    direction = "rtl" if rtl else "ltr"
    align = "right" if rtl else "left"
    paragraphs = [p for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
    html_paragraphs = "\n".join(
        "<p>{}</p>".format(urlize(p.strip(), autoescape=True).replace("\n", "<br>\n"))
        for p in paragraphs
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(code)}" dir="{direction}">\n'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(subject)}</title></head>\n"
        f'<body dir="{direction}" style="margin:0;padding:16px;font-family:sans-serif;'
        f'font-size:18px;line-height:1.5;text-align:{align}">\n'
        f'<div lang="{escape(code)}" dir="{direction}">\n{html_paragraphs}\n</div>\n'
        "</body>\n</html>\n"
    )


def result_for_smtp_error(error: Exception) -> SendResult:
    """5xx replies are permanent (FAILED); 4xx, refused connections and timeouts are RETRY.

    A rejected login is a 5xx reply but our configuration's fault, not the family's, so it is
    RETRY: failing it would move every family off email until someone fixes the password.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        replies = "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return SendResult(
            outcome=Outcome.FAILED if permanent else Outcome.RETRY,
            error=f"smtp:{replies}"[:_ERROR_TEXT_LIMIT],
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return SendResult(
            outcome=Outcome.RETRY,
            error=f"smtp:auth {error.smtp_code} {_text(error.smtp_error)}"[:_ERROR_TEXT_LIMIT],
        )
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"smtp:{error.smtp_code} {_text(error.smtp_error)}"[:_ERROR_TEXT_LIMIT]
        permanent = error.smtp_code >= 500
        return SendResult(outcome=Outcome.FAILED if permanent else Outcome.RETRY, error=text)
    return SendResult(outcome=Outcome.RETRY, error=f"network:{type(error).__name__}")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


class DjangoEmailAdapter:
    """Sends one email per call through ``EMAIL_BACKEND`` (a new connection per send)."""

    name = "email"

    def __init__(self, *, connection: Any | None = None, from_email: str | None = None) -> None:
        self._connection = connection
        self._from_email = from_email or settings.DEFAULT_FROM_EMAIL

    def send(self, message: OutboundMessage) -> SendResult:
        code, _ = _direction(message.language)
        # A header cannot hold a line break (Django refuses it): a subject is one line.
        subject = " ".join(message.subject.split())
        message_id = message_id_for(message.idempotency_key, _sender_domain(self._from_email))
        recipient = (
            formataddr((message.recipient_name, message.to))
            if message.recipient_name
            else message.to
        )
        reply_to = message.metadata.get("reply_to")
        email = EmailMultiAlternatives(
            subject=subject,
            body=message.body,
            from_email=self._from_email,
            to=[recipient],
            reply_to=[reply_to] if reply_to else None,
            headers={"Message-ID": message_id, "Content-Language": code},
            connection=self._connection or get_connection(fail_silently=False),
        )
        email.attach_alternative(
            render_html(message.body, subject=subject, language=message.language), "text/html"
        )
        try:
            email.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            result = result_for_smtp_error(error)
            logger.info(
                "email %s not sent: %s (%s)", message.idempotency_key, result.outcome, result.error
            )
            return result
        return SendResult(outcome=Outcome.SENT, provider_id=message_id)
