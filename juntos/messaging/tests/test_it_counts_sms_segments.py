"""It counts SMS segments exactly: GSM-7 with its extension table, UCS-2 in UTF-16 units."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juntos.messaging.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    SegmentInfo,
    count_segments,
    split_segments,
)

GSM_TEXT = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=700)
ANY_TEXT = st.text(max_size=500)


def units(segment: str, encoding: str) -> int:
    if encoding == "GSM-7":
        return sum(2 if c in GSM7_EXTENSION else 1 for c in segment)
    return len(segment.encode("utf-16-le")) // 2


def test_it_knows_the_whole_gsm_03_38_alphabet() -> None:
    # 128 codes less the escape; 9 printable extension characters plus form feed.
    assert len(GSM7_BASIC) == 127
    assert set("^{}\\[~]|€\f") == GSM7_EXTENSION
    greek = {"\u0394", "\u03a6", "\u0393", "\u039b", "\u03a9", "\u03a0", "\u03a8", "\u03a3"}
    assert greek | {"\u0398", "\u039e"} <= GSM7_BASIC
    assert {"@", "£", "$", "¥", "¤", "§", "¡", "¿", "ß", "Ç", "É", "Æ", "Ø", "Å"} <= GSM7_BASIC
    assert {"è", "é", "ù", "ì", "ò", "à", "ä", "ö", "ñ", "ü", "Ä", "Ö", "Ñ", "Ü"} <= GSM7_BASIC
    # Look-alikes that are NOT in it and so force UCS-2.
    for char in "áíóúçãõâêôÁÍÓÚ\u2019\u201c\u201d\u2026\u2013\u2126":
        assert char not in GSM7_BASIC and char not in GSM7_EXTENSION, char


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SegmentInfo("GSM-7", 0, 0, 160, [])),
        ("a" * 160, SegmentInfo("GSM-7", 1, 160, 160, [])),
        ("a" * 161, SegmentInfo("GSM-7", 2, 161, 153, [])),
        ("a" * 306, SegmentInfo("GSM-7", 2, 306, 153, [])),
        ("a" * 307, SegmentInfo("GSM-7", 3, 307, 153, [])),
        # Extension characters take two septets each.
        ("€" * 80, SegmentInfo("GSM-7", 1, 160, 160, [])),
        ("{[~]}" * 16 + "|", SegmentInfo("GSM-7", 2, 162, 153, [])),
        # Spanish: ñ, é, ¿, ¡ are GSM-7 ...
        ("¿Mañana? ¡Sí!", SegmentInfo("UCS-2", 1, 13, 70, ["í"])),
        ("Mañana, reunión de padres", SegmentInfo("UCS-2", 1, 25, 70, ["ó"])),
        ("Mañana hay junta de padres. Médico: ¡llame!", SegmentInfo("GSM-7", 1, 43, 160, [])),
        # ... á, í, ó, ú are not; neither is lower-case ç (only Ç is).
        ("garçon", SegmentInfo("UCS-2", 1, 6, 70, ["ç"])),
        ("ÇA VA", SegmentInfo("GSM-7", 1, 5, 160, [])),
        # Vietnamese: "chào" happens to fit GSM-7 (à), most words do not.
        ("Xin chào", SegmentInfo("GSM-7", 1, 8, 160, [])),
        ("Họp phụ huynh", SegmentInfo("UCS-2", 1, 13, 70, ["ọ", "ụ"])),
        # Arabic, Chinese, Russian, Korean: all UCS-2, one unit per letter.
        ("مرحبا", SegmentInfo("UCS-2", 1, 5, 70, ["م", "ر", "ح", "ب", "ا"])),  # noqa: RUF001
        ("家长会", SegmentInfo("UCS-2", 1, 3, 70, ["家", "长", "会"])),
        ("ب" * 70, SegmentInfo("UCS-2", 1, 70, 70, ["ب"])),
        ("ب" * 71, SegmentInfo("UCS-2", 2, 71, 67, ["ب"])),
        ("ب" * 134, SegmentInfo("UCS-2", 2, 134, 67, ["ب"])),
        ("ب" * 135, SegmentInfo("UCS-2", 3, 135, 67, ["ب"])),
        # French, Portuguese: è and é are GSM-7, ô and ã are not.
        ("élève", SegmentInfo("GSM-7", 1, 5, 160, [])),
        ("Bientôt, não", SegmentInfo("UCS-2", 1, 12, 70, ["ô", "ã"])),
        # Somali and Haitian Creole in Latin script stay GSM-7.
        ("Waalidiinta, kulanka waa berri.", SegmentInfo("GSM-7", 1, 31, 160, [])),
        ("Bonjou paran yo, reyinyon an se demen.", SegmentInfo("GSM-7", 1, 38, 160, [])),
        # A typographic apostrophe pasted from a word processor costs the whole message.
        ("It\u2019s picture day", SegmentInfo("UCS-2", 1, 16, 70, ["\u2019"])),
        # An emoji is a surrogate pair: two units.
        ("👍", SegmentInfo("UCS-2", 1, 2, 70, ["👍"])),
        ("a" * 68 + "👍", SegmentInfo("UCS-2", 1, 70, 70, ["👍"])),
        ("a" * 69 + "👍", SegmentInfo("UCS-2", 2, 71, 67, ["👍"])),
        # Line breaks are GSM-7 characters (CR and LF are one septet each).
        ("Hi\r\nthere", SegmentInfo("GSM-7", 1, 9, 160, [])),
    ],
)
def test_it_counts_hand_checked_messages(text: str, expected: SegmentInfo) -> None:
    assert count_segments(text) == expected


def test_it_never_splits_an_escape_sequence_across_segments() -> None:
    # 152 septets, then "€" (2) would straddle the 153-septet boundary: it opens segment 2.
    text = "a" * 152 + "€" + "b" * 7
    assert count_segments(text).characters == 161
    assert split_segments(text) == ["a" * 152, "€" + "b" * 7]


def test_it_never_splits_a_surrogate_pair_across_segments() -> None:
    text = "a" * 66 + "👍" + "aaa"
    assert count_segments(text).segments == 2
    assert split_segments(text) == ["a" * 66, "👍aaa"]


def test_it_can_need_one_more_segment_than_plain_division() -> None:
    # 153 euro signs = 306 septets = 2 x 153, yet a segment holds 76 of them (152), not 76.5.
    text = "€" * 153
    info = count_segments(text)
    assert info.characters == 306
    assert math.ceil(306 / 153) == 2
    assert info.segments == 3


@given(ANY_TEXT)
def test_it_splits_into_pieces_that_rebuild_the_text_and_fit(text: str) -> None:
    info = count_segments(text)
    pieces = split_segments(text)
    assert "".join(pieces) == text
    assert len(pieces) == info.segments
    assert all(units(piece, info.encoding) <= info.per_segment for piece in pieces)
    assert all(piece for piece in pieces)
    if pieces:
        # Every piece is valid UTF-16 on its own: no lone surrogate at either end.
        for piece in pieces:
            assert piece.encode("utf-16-le").decode("utf-16-le") == piece


@given(GSM_TEXT)
def test_it_keeps_gsm_text_in_gsm7_counting_extension_characters_twice(text: str) -> None:
    info = count_segments(text)
    assert info.encoding == "GSM-7"
    assert info.non_gsm == []
    assert info.characters == len(text) + sum(1 for c in text if c in GSM7_EXTENSION)
    assert (info.segments <= 1) == (info.characters <= 160)
    if info.segments > 1:
        assert info.per_segment == 153
        # Greedy packing loses at most one septet per segment to an escape pair.
        assert math.ceil(info.characters / 153) <= info.segments
        assert info.segments <= math.ceil(info.characters / 152)


@given(ANY_TEXT, st.characters(codec="utf-8").filter(lambda c: c not in GSM7_BASIC))
def test_it_switches_to_ucs2_for_any_character_outside_gsm7(text: str, char: str) -> None:
    if char in GSM7_EXTENSION:
        return
    message = text + char
    info = count_segments(message)
    assert info.encoding == "UCS-2"
    assert char in info.non_gsm
    assert len(set(info.non_gsm)) == len(info.non_gsm)
    assert info.characters == len(message.encode("utf-16-le")) // 2
    assert (info.segments == 1) == (info.characters <= 70)
    if info.segments > 1:
        assert info.per_segment == 67
        assert math.ceil(info.characters / 67) <= info.segments
        assert info.segments <= math.ceil(info.characters / 66)


@given(ANY_TEXT, ANY_TEXT)
def test_it_never_counts_fewer_segments_for_a_longer_message(head: str, tail: str) -> None:
    assert count_segments(head + tail).segments >= count_segments(head).segments
