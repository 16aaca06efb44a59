"""Every string a family reads (the family page, the SMS texts) exists in each of the 15
catalogs with the same placeholders, staff strings exist in Spanish, and every compiled
catalog says what its source says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "locale"
LANGUAGES = [
    "es", "ar", "vi", "zh", "so", "ht", "pt", "ru", "uk", "fa_AF", "ps", "tl", "ko", "hmn", "fr",
]  # fmt: skip
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
FAMILY_SOURCES = ("templates/listening/family_", "answers.py", "actions.py")


def catalog(language: str) -> list[tuple[str, str, list[str]]]:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as fh:
        return [
            (
                m.id if isinstance(m.id, str) else m.id[0],
                m.string if isinstance(m.string, str) else (m.string or [""])[0],
                [path for path, _ in m.locations],
            )
            for m in read_po(fh)
            if m.id
        ]


def family_ids() -> set[str]:
    return {
        msgid
        for msgid, _, locations in catalog("es")
        if any(path.startswith(FAMILY_SOURCES) for path in locations)
    }


def test_the_family_strings_are_found() -> None:
    ids = family_ids()
    assert "Reply 1 agree, 2 disagree, 3 pass." in ids and "See the original" in ids
    assert "Approve" not in ids  # a staff string
    assert len(ids) >= 25


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_every_family_string(language: str) -> None:
    wanted = family_ids()
    rows = {msgid: text for msgid, text, _ in catalog(language)}
    for msgid in wanted:
        text = rows.get(msgid, "")
        assert text.strip(), f"{language}: {msgid!r} is not translated"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), msgid
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as fh:
        compiled = {m.id if isinstance(m.id, str) else m.id[0] for m in read_mo(fh) if m.id}
    assert wanted <= compiled, "recompile: django-admin compilemessages"


def test_spanish_has_every_string() -> None:
    missing = [msgid for msgid, text, _ in catalog("es") if not text.strip()]
    assert not missing
