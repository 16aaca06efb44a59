"""Each language the family pages are written in has every page string, with the same
placeholders, and a compiled catalog that says the same as its source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from juntos.portal.language import OFFERED, has_page_text

LOCALE = Path(__file__).resolve().parents[1] / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def strings(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh) if m.id}


def test_the_spanish_catalog_is_the_reference_and_others_exist() -> None:
    assert LOCALE / "es/LC_MESSAGES/django.po" in CATALOGS
    assert len(CATALOGS) >= 8
    assert has_page_text("ar") and has_page_text("es") and has_page_text("en")
    assert all(p.parent.parent.name in {c.replace("-", "_") for c in OFFERED} for p in CATALOGS)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_each_catalog_is_complete(path: Path) -> None:
    reference = strings(LOCALE / "es/LC_MESSAGES/django.po")
    catalog = strings(path)
    assert set(catalog) == set(reference)
    for msgid, text in catalog.items():
        assert text.strip(), msgid
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), msgid
    with path.with_suffix(".mo").open("rb") as fh:
        compiled = {str(m.id): str(m.string) for m in read_mo(fh) if m.id}
    assert compiled == catalog, "recompile: django-admin compilemessages"
