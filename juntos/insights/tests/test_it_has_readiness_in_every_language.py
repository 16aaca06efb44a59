"""Families take the self-assessment in any of the 16 languages; staff in English and Spanish.

Read straight from the files (not through the loader, which the other tests cover): every
language file holds every key, none empty, none left in English, each written in its script.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pytest

from juntos.insights.readiness import LIBRARY_DIR, load_instrument
from juntos.language.registry import DEMO_LANGUAGES

SOURCE: dict[str, Any] = json.loads((LIBRARY_DIR / "readiness.json").read_text("utf-8"))
TRANSLATED = [language for language in DEMO_LANGUAGES if language != "en"]

# The script each non-Latin language is written in (Unicode character names start with it).
SCRIPTS = {
    "ar": "ARABIC",
    "fa-AF": "ARABIC",
    "ps": "ARABIC",
    "zh": "CJK",
    "ko": "HANGUL",
    "ru": "CYRILLIC",
    "uk": "CYRILLIC",
}


def family_keys() -> dict[str, str]:
    keys = {"title": SOURCE["title"], "intro": SOURCE["intro"]["family"]}
    keys.update({f"scale.{p['key']}": p["label"] for p in SOURCE["scale"]})
    for domain in SOURCE["domains"]:
        keys[f"domain.{domain['id']}"] = domain["name"]
        keys.update({f"item.{i['id']}": i["family"] for i in domain["items"]})
    return keys


def staff_keys() -> dict[str, str]:
    keys = {"staff.intro": SOURCE["intro"]["staff"]}
    for domain in SOURCE["domains"]:
        keys.update({f"staff.item.{i['id']}": i["staff"] for i in domain["items"]})
    return keys


def test_the_fifteen_translations_are_there_and_nothing_else() -> None:
    files = sorted(path.stem for path in (LIBRARY_DIR / "readiness").glob("*.json"))
    assert files == sorted(TRANSLATED)
    assert len(files) == 15


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_key_is_translated(language: str) -> None:
    texts = json.loads((LIBRARY_DIR / "readiness" / f"{language}.json").read_text("utf-8"))
    expected = family_keys() | (staff_keys() if language == "es" else {})
    assert set(texts) == set(expected)
    for key, english in expected.items():
        assert texts[key].strip(), f"{language}: {key} is empty"
        assert texts[key].casefold() != english.casefold(), f"{language}: {key} is English"
    script = SCRIPTS.get(language)
    if script is not None:
        for key, text in texts.items():
            letters = [c for c in text if c.isalpha()]
            assert letters and all(unicodedata.name(c, "").startswith(script) for c in letters), (
                f"{language}: {key} has letters outside the {script} script"
            )


def test_staff_wordings_are_in_english_and_spanish_only() -> None:
    instrument = load_instrument()
    assert instrument.languages("staff") == ("en", "es")
    assert instrument.languages("family") == DEMO_LANGUAGES
    item = instrument.item("communication.language")
    assert set(item.staff) == {"en", "es"}
    assert set(item.family) == set(DEMO_LANGUAGES)
    assert item.wording("family", "vi") == (
        "Tôi có thể nhận thông tin của trường bằng ngôn ngữ của tôi."
    )
    assert item.wording("staff", "es").startswith("Las familias que no hablan inglés")
    # A staff member reading in Vietnamese gets English, the other staff language.
    assert item.wording("staff", "vi") == item.staff["en"]
    # Django's spelling of Dari and a regional Spanish find their files.
    assert item.wording("family", "fa-af") == item.family["fa-AF"]
    assert instrument.domain("advocacy").name("es-MX") == instrument.domain("advocacy").names["es"]
    assert instrument.scale[5].label("ko") == "모르겠다"
    assert instrument.intro("family", "so").startswith("Sahankan gaaban")


def test_family_wordings_are_short_single_sentences() -> None:
    # Plain words: one sentence of at most 15 words (reading level about grade 5).
    for domain in SOURCE["domains"]:
        for item in domain["items"]:
            text = item["family"]
            assert len(text.split()) <= 15, text
            assert len(re.findall(r"[.!?]", text)) == 1 and text.endswith("."), text
