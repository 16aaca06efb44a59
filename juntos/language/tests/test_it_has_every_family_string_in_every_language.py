"""Every string a family can be shown on a page (the portal, the home page, 404, base.html and
each family_*.html, with what they include) is translated into each language the family pages
offer, with the same placeholders, in compiled catalogs (docs/translations.md)."""

from __future__ import annotations

import pytest

from juntos.language import catalogs
from juntos.portal.language import OFFERED

LANGUAGES = [code for code in OFFERED if code != "en"]


def test_the_family_pages_offer_fifteen_languages_besides_english() -> None:
    assert len(LANGUAGES) == 15


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_family_string_is_translated(language: str) -> None:
    strings = catalogs.family_strings()
    assert len(strings) > 50  # the portal alone has more

    problems = catalogs.translation_problems(strings, language)
    problems += catalogs.catalog_problems(language)

    assert not problems, (
        f"{len(problems)} problems with the family pages in {language!r}. Add each string to "
        f"every language's catalog (docs/translations.md) and recompile:\n" + "\n".join(problems)
    )
