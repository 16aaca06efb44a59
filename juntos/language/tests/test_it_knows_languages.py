"""Language tags are validated against CLDR, with names in English and in the language."""

from __future__ import annotations

import pytest

from juntos.language import registry


def test_every_demo_language_has_english_and_native_names() -> None:
    for code in registry.DEMO_LANGUAGES:
        lang = registry.get(code)
        assert lang.english_name and lang.native_name, code
    assert registry.get("es").native_name == "español"
    assert registry.get("ar").native_name == "العربية"
    assert registry.get("fa-AF").english_name == "Dari"
    assert registry.get("hmn").native_name == "Hmoob"


def test_right_to_left_languages() -> None:
    rtl = {code for code in registry.DEMO_LANGUAGES if registry.get(code).rtl}
    assert rtl == {"ar", "fa-AF", "ps"}
    assert registry.get("ur").rtl


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("ES", "es"), ("pt_br", "pt-BR"), ("zh-hans", "zh"), ("prs", "fa-AF"), ("sr-latn", "sr-Latn")],
)
def test_it_normalizes_tags(raw: str, tag: str) -> None:
    assert registry.normalize(raw) == tag


@pytest.mark.parametrize("raw", ["", "xx", "english", "e", "es-!!", "123"])
def test_it_rejects_what_is_not_a_language(raw: str) -> None:
    with pytest.raises(registry.InvalidLanguage):
        registry.normalize(raw)


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("Spanish", "es"), ("spa", "es"), ("Español", "es"), ("Somali", "so"), ("Dari", "fa-AF"),
     ("Haitian Creole", "ht"), ("vie", "vi"), ("Hmong", "hmn"), ("Tagalog", "tl"), ("en", "en")],
)  # fmt: skip
def test_it_reads_languages_as_rosters_write_them(raw: str, tag: str) -> None:
    assert registry.parse_loose(raw) == tag
