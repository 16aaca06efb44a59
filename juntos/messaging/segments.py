"""Exact SMS segment counting (GSM 03.38 / 3GPP TS 23.038), shown to the sender before sending.

Carriers bill, and rate-limit, per *segment*, not per message (DESIGN.md section 8). A message is
sent in one of two encodings:

* **GSM-7** when every character is in the GSM 03.38 default alphabet or its extension table.
  A single message holds 160 septets; a multi-part message holds 153 per segment (7 septets go to
  the concatenation header). Extension characters (``^ { } \\ [ ~ ] | €`` and form feed) cost two
  septets (escape + code) and the pair is never split across segments.
* **UCS-2** as soon as one character is outside GSM-7: 70 UTF-16 code units in a single message,
  67 per segment when split. Characters outside the Basic Multilingual Plane (most emoji) are a
  surrogate pair, two code units, and the pair is never split across segments.

We count the way a phone packs the message (greedily, never splitting an escape pair or a
surrogate pair), so a segment may end one unit short of its size. National language shift tables
(Turkish, Portuguese, ...) are not used by US carriers and are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_SINGLE = 160
GSM7_MULTI = 153
UCS2_SINGLE = 70
UCS2_MULTI = 67

# The GSM 03.38 default alphabet, in code order 0x00-0x7F (0x1B, the escape to the extension
# table, is not a character and is left out). Note what is *not* here: á í ó ú, lower-case ç,
# ê, õ, ã — a Spanish "ñ" stays in GSM-7, a Spanish "í" or Portuguese "ã" makes the message UCS-2.
GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

# Reached through the escape code 0x1B, so each costs two septets.
GSM7_EXTENSION: frozenset[str] = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SegmentInfo:
    """How a text will travel as SMS.

    ``characters`` is the length in the encoding's own units — septets for GSM-7 (an extension
    character counts 2), UTF-16 code units for UCS-2 (an emoji counts 2) — so that it compares
    directly with ``per_segment``. ``non_gsm`` lists, in order of first appearance and without
    repeats, the characters that forced UCS-2, so the sender can replace them if they wish.
    An empty text is 0 segments.
    """

    encoding: Encoding
    segments: int
    characters: int
    per_segment: int
    non_gsm: list[str] = field(default_factory=list)


def is_gsm7(char: str) -> bool:
    return char in GSM7_BASIC or char in GSM7_EXTENSION


def non_gsm_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` that GSM-7 cannot carry, in order of appearance."""
    seen: dict[str, None] = {}
    for char in text:
        if not is_gsm7(char):
            seen.setdefault(char, None)
    return list(seen)


def _units(text: str, encoding: Encoding) -> list[tuple[str, int]]:
    """Each character of ``text`` with its cost in the encoding's units."""
    if encoding == "GSM-7":
        return [(char, 2 if char in GSM7_EXTENSION else 1) for char in text]
    # A code point above U+FFFF is a surrogate pair in UTF-16: two units, one indivisible piece.
    return [(char, 2 if ord(char) > 0xFFFF else 1) for char in text]


def _pack(units: list[tuple[str, int]], size: int) -> list[str]:
    """Fill segments of ``size`` units greedily, never splitting one character's units."""
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char, cost in units:
        if used + cost > size:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += cost
    if current:
        parts.append("".join(current))
    return parts


def split_segments(text: str) -> list[str]:
    """The pieces a phone would send ``text`` in (concatenated, they give back ``text``)."""
    encoding: Encoding = "UCS-2" if non_gsm_characters(text) else "GSM-7"
    units = _units(text, encoding)
    total = sum(cost for _, cost in units)
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_MULTI)
    if total == 0:
        return []
    if total <= single:
        return [text]
    return _pack(units, multi)


def count_segments(text: str) -> SegmentInfo:
    """Encoding, segment count and size of ``text`` as an SMS (see :class:`SegmentInfo`)."""
    non_gsm = non_gsm_characters(text)
    encoding: Encoding = "UCS-2" if non_gsm else "GSM-7"
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_MULTI)
    characters = sum(cost for _, cost in _units(text, encoding))
    segments = len(split_segments(text))
    return SegmentInfo(
        encoding=encoding,
        segments=segments,
        characters=characters,
        per_segment=single if segments <= 1 else multi,
        non_gsm=non_gsm,
    )
