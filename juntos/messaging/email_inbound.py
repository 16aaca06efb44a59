"""Inbound email: reading a SendGrid Inbound Parse webhook and finding the family's own words.

SendGrid posts ``multipart/form-data`` with the fields ``from``, ``to``, ``cc``, ``subject``,
``text``, ``html``, ``headers``, ``envelope`` (JSON: ``to`` list, ``from``), ``charsets``
(JSON: the character set of each field), ``dkim``, ``SPF``, ``spam_score``, ``attachments``
and the attachments as files. Each field's bytes are in the charset ``charsets`` names for it,
so the view reads the form as ISO-8859-1 (every byte maps to one character, nothing is lost)
and :func:`decode_fields` turns each field back into bytes and decodes it properly.

The writes live in ``inbox_actions`` (``do_receive_email``); this module only computes.
"""

from __future__ import annotations

import hmac
import html
import json
import re
from base64 import b64decode
from binascii import Error as BinasciiError
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any

from django.http import HttpRequest

from juntos.messaging.inbound import without_nul
from juntos.messaging.models import Conversation
from juntos.people.models import Caregiver, ContactPoint

# An email reply is a few kilobytes; with its HTML twin and headers rarely 100 KB. Attachments
# (photos of a signed form) would need far more: they are refused rather than half-read
# (docs/messaging.md, "Inbox").
MAX_BODY_BYTES = 1024 * 1024
# The form is read with this encoding so that each field's bytes survive until their charset
# is known.
TRANSPORT_ENCODING = "iso-8859-1"
# Where the names of the fields that did not decode in their declared charset are kept, beside
# the fields, in the stored payload (SendGrid sends no field of this name).
CHARSET_ERRORS_KEY = "_juntos_charset_errors"
KEPT_HEADERS = ("Content-Type", "Content-Length", "User-Agent")


# --- Authentication ----------------------------------------------------------------------------


def has_secret(request: HttpRequest, secret: str) -> bool:
    """The request carries the shared secret: ``?token=`` or as the HTTP Basic password (the
    URL SendGrid is given can be ``https://parse:SECRET@host/messaging/email/inbound/``)."""
    if not secret:
        return False
    token = request.GET.get("token", "")
    if token and hmac.compare_digest(token.encode(), secret.encode()):
        return True
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value:
        return False
    try:
        decoded = b64decode(value.strip(), validate=True).decode("utf-8")
    except (BinasciiError, UnicodeDecodeError, ValueError):
        return False
    _, _, password = decoded.partition(":")
    return hmac.compare_digest(password.encode(), secret.encode())


def body_too_large(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return declared > MAX_BODY_BYTES


def headers_of(request: HttpRequest) -> dict[str, str]:
    return {name: request.headers[name] for name in KEPT_HEADERS if name in request.headers}


# --- Decoding ----------------------------------------------------------------------------------


def _charsets(raw: str) -> dict[str, str]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}


def decode_fields(form: Mapping[str, str]) -> dict[str, Any]:
    """The form's fields decoded with their ``charsets`` (UTF-8 when none is given).

    ``form`` holds each field read as ISO-8859-1. A field whose bytes are not valid in its
    declared charset (or whose charset is unknown) is decoded as UTF-8 with replacement
    characters and its name listed under :data:`CHARSET_ERRORS_KEY`.
    """
    charsets = _charsets(form.get("charsets", ""))
    fields: dict[str, Any] = {}
    errors: list[str] = []
    for name, value in form.items():
        raw = value.encode(TRANSPORT_ENCODING, errors="replace")
        charset = charsets.get(name) or "utf-8"
        try:
            fields[name] = raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            fields[name] = raw.decode("utf-8", errors="replace")
            errors.append(name)
    if errors:
        fields[CHARSET_ERRORS_KEY] = sorted(errors)
    return {
        without_nul(name): without_nul(value) if isinstance(value, str) else value
        for name, value in fields.items()
    }


# --- The sender --------------------------------------------------------------------------------

_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def _clean_address(value: str) -> str | None:
    _, address = parseaddr(value or "")
    address = address.strip().lower()
    return address if _ADDRESS.match(address) else None


def sender_address(fields: Mapping[str, Any]) -> str | None:
    """The sender's address, lower-cased: the ``From`` header, else the envelope's sender."""
    address = _clean_address(str(fields.get("from") or ""))
    if address is not None:
        return address
    try:
        envelope = json.loads(str(fields.get("envelope") or "{}"))
    except ValueError:
        return None
    if isinstance(envelope, dict) and isinstance(envelope.get("from"), str):
        return _clean_address(envelope["from"])
    return None


def caregivers_with_email(address: str) -> list[Caregiver]:
    """Active caregivers with this email address (any case), the one with the most recent open
    conversation first, then the oldest record (as for a shared phone)."""
    ids = ContactPoint.objects.filter(
        kind=ContactPoint.Kind.EMAIL, value__iexact=address
    ).values_list("caregiver_id", flat=True)
    caregivers = list(
        Caregiver.objects.filter(pk__in=ids, is_active=True)
        .select_related("district")
        .order_by("pk")
    )
    latest: dict[int, float] = {}
    for caregiver_id, created in Conversation.objects.filter(
        caregiver__in=caregivers, status=Conversation.Status.OPEN
    ).values_list("caregiver_id", "created_at"):
        latest[caregiver_id] = max(latest.get(caregiver_id, float("-inf")), created.timestamp())
    return sorted(caregivers, key=lambda c: latest.get(c.pk, float("-inf")), reverse=True)


# --- The reply's own words ---------------------------------------------------------------------

# "On <date>, <name> wrote:" as Gmail, Apple Mail and Outlook write it in the families' common
# languages (en, es, fr, pt, vi; de and it too). Gmail wraps a long one over two lines.
_ATTRIBUTION_START = re.compile(r"^\s*(On|El|Le|Em|Vào|Am|Il)\s", re.IGNORECASE)
_ATTRIBUTION = re.compile(
    r"^\s*(On|El|Le|Em|Vào|Am|Il)\s.{0,300}?"
    r"(wrote|escribió|a\s+écrit|escreveu|đã\s+viết|schrieb|ha\s+scritto)\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
# Outlook's header block: "From: …" then, within a few lines, "Sent: …" (or its translation).
_HEADER_FROM = re.compile(r"^\s*\*?(From|De|Từ|Von|Da)\s?\*?\s?:\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\s*\*?(Sent|Date|Enviado|Enviada\s+em|Envoyé|Đã\s+gửi|Gesendet|Fecha|Data|Ngày|Inviato)"
    r"\s?\*?\s?:",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(Original\s+Message|Mensaje\s+original|Message\s+d'origine|"
    r"Mensagem\s+original|Thư\s+gốc|Ursprüngliche\s+Nachricht|Messaggio\s+originale)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_SIGNATURE_DELIMITER = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(Sent\s+from|Enviado\s+desde|Enviado\s+de|Enviado\s+do|Envoyé\s+de|Được\s+gửi\s+từ|"
    r"Get\s+Outlook\s+for|Obtener\s+Outlook\s+para|Obtenir\s+Outlook\s+pour|Baixe\s+o\s+Outlook|"
    r"Gesendet\s+von)\b",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^\s*[_\-=*]{5,}\s*$")


def _quote_starts_at(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _ORIGINAL.match(line) or _SIGNATURE_DELIMITER.match(line):
        return True
    if _ATTRIBUTION_START.match(line):
        for width in (1, 2, 3):
            if _ATTRIBUTION.match(" ".join(lines[index : index + width])):
                return True
    if _HEADER_FROM.match(line):
        return any(_HEADER_SENT.match(next_line) for next_line in lines[index + 1 : index + 5])
    return False


def strip_quoted_reply(text: str) -> str:
    """The new words of an email reply: without the quoted message, the signature and the
    "Sent from my phone" footer.

    1. Cut at the first line that starts the quoted part: "On … wrote:" (in en, es, fr, pt, vi,
       de, it, over up to three lines), an Outlook "From: … Sent: …" block, an "Original
       Message" rule, or the signature delimiter "-- ".
    2. Drop the remaining lines quoted with ">".
    3. Drop trailing separators, blank lines and a mobile footer ("Enviado desde mi iPhone").
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index in range(len(lines)):
        if _quote_starts_at(lines, index):
            lines = lines[:index]
            break
    kept = [line.rstrip() for line in lines if not line.lstrip().startswith(">")]
    while kept and (not kept[-1].strip() or _SEPARATOR.match(kept[-1])):
        kept.pop()
    while kept and _MOBILE_FOOTER.match(kept[-1]):
        kept.pop()
        while kept and not kept[-1].strip():
            kept.pop()
    return "\n".join(kept).strip()


_BLOCKQUOTE = re.compile(r"<blockquote\b.*?</blockquote\s*>", re.IGNORECASE | re.DOTALL)
_GMAIL_QUOTE = re.compile(r"<div\s+class=\"?gmail_quote.*", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<\s*(br\s*/?|/p|/div|/li|/tr)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_DROPPED = re.compile(r"<(style|script|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML email, with the quoted parts (blockquotes, Gmail's quote) left out."""
    text = _DROPPED.sub("", markup)
    text = _BLOCKQUOTE.sub("", text)
    text = _GMAIL_QUOTE.sub("", text)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


_SUBJECT_PREFIX = re.compile(r"^\s*((re|aw|sv|rv|tr|fw|fwd|réf|res)\s*:\s*)+", re.IGNORECASE)


def reply_body(fields: Mapping[str, Any]) -> str:
    """What the family wrote: the text part (else the HTML part as text) without the quoted
    message; the subject when the body has nothing else (a reply written in the subject)."""
    text = str(fields.get("text") or "")
    if not text.strip():
        text = html_to_text(str(fields.get("html") or ""))
    body = strip_quoted_reply(text)
    if body:
        return body
    return _SUBJECT_PREFIX.sub("", str(fields.get("subject") or "")).strip()
