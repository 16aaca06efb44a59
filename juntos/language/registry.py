"""Languages Juntos knows, validated against CLDR (through Babel).

A caregiver's language is stored as a BCP 47 tag (``es``, ``zh``, ``fa-AF``). A tag is valid
when CLDR knows its language subtag by name, even where CLDR has no locale data for it (Hmong,
``hmn``): families speak languages the locale data does not cover, and we must not refuse them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

# The 16 languages of the demo district, in the order of a typical US district's home-language
# census. Dari is written ``fa-AF`` as CLDR does (ISO 639-3 ``prs`` is accepted as an alias).
DEMO_LANGUAGES: tuple[str, ...] = (
    "en",
    "es",
    "ar",
    "vi",
    "zh",
    "so",
    "ht",
    "pt",
    "ru",
    "uk",
    "fa-AF",
    "ps",
    "tl",
    "ko",
    "hmn",
    "fr",
)

RIGHT_TO_LEFT: frozenset[str] = frozenset({"ar", "fa", "fa-AF", "ps", "ur", "he", "yi"})

# Autonyms CLDR has no locale data for.
_AUTONYMS: dict[str, str] = {"hmn": "Hmoob", "tl": "Tagalog"}

# Tags that are valid BCP 47 but that CLDR spells differently.
_ALIASES: dict[str, str] = {"prs": "fa-AF", "fil": "tl", "zh-cn": "zh", "zh-hans": "zh"}


class InvalidLanguage(ValueError):  # noqa: N818 - reads as a sentence: raise InvalidLanguage
    """The text is not a language tag CLDR knows."""


@dataclass(frozen=True)
class Language:
    code: str
    english_name: str
    native_name: str
    rtl: bool


@functools.cache
def _english() -> Locale:
    return Locale("en")


def _locale_key(code: str) -> str:
    return code.replace("-", "_")


def normalize(tag: str) -> str:
    """Return the canonical BCP 47 spelling of ``tag`` or raise :class:`InvalidLanguage`."""
    raw = (tag or "").strip()
    if not raw:
        raise InvalidLanguage("empty language tag")
    lowered = raw.replace("_", "-").lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    parts = lowered.split("-")
    if not all(part.isalnum() and 1 <= len(part) <= 8 for part in parts) or not (
        2 <= len(parts[0]) <= 3 and parts[0].isalpha()
    ):
        raise InvalidLanguage(f"{raw!r} is not a BCP 47 language tag")
    # Canonical case: language lower, script title, region upper.
    canonical = [parts[0]]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            canonical.append(part.title())
        elif len(part) in (2, 3) and (part.isalpha() or part.isdigit()):
            canonical.append(part.upper())
        else:
            canonical.append(part)
    code = "-".join(canonical)
    names = _english().languages
    if code in _ALIASES:
        return _ALIASES[code]
    if _locale_key(code) in names or parts[0] in names:
        return code
    raise InvalidLanguage(f"{raw!r} is not a language known to CLDR")


def is_valid(tag: str) -> bool:
    try:
        normalize(tag)
    except InvalidLanguage:
        return False
    return True


@functools.cache
def get(tag: str) -> Language:
    """Names of a language in English and in itself (its autonym)."""
    code = normalize(tag)
    key = _locale_key(code)
    names = _english().languages
    english = names.get(key) or names.get(code.split("-")[0]) or code
    native = _AUTONYMS.get(code)
    if native is None:
        try:
            locale = Locale.parse(key)
            native = locale.languages.get(key) or locale.get_display_name(key) or english
        except (UnknownLocaleError, ValueError):
            native = english
    return Language(
        code=code,
        english_name=english,
        native_name=native,
        rtl=code in RIGHT_TO_LEFT or code.split("-")[0] in RIGHT_TO_LEFT,
    )


def choices(codes: tuple[str, ...] = DEMO_LANGUAGES) -> list[tuple[str, str]]:
    """Form choices: 'Español (Spanish)'."""
    result = []
    for code in codes:
        lang = get(code)
        label = (
            lang.native_name
            if lang.native_name == lang.english_name
            else f"{lang.native_name} ({lang.english_name})"
        )
        result.append((code, label))
    return result


@functools.cache
def _name_index() -> dict[str, str]:
    """Lower-cased English names, autonyms and ISO 639-2/3 codes → canonical tag."""
    index: dict[str, str] = {}
    for key, name in _english().languages.items():
        index.setdefault(name.lower(), key.replace("_", "-"))
    for code in DEMO_LANGUAGES:
        lang = get(code)
        index[lang.native_name.lower()] = code
        index[lang.english_name.lower()] = code
    index.update(
        {
            # ISO 639-2/3 codes that student information systems commonly export.
            "eng": "en",
            "spa": "es",
            "ara": "ar",
            "vie": "vi",
            "chi": "zh",
            "zho": "zh",
            "som": "so",
            "hat": "ht",
            "por": "pt",
            "rus": "ru",
            "ukr": "uk",
            "prs": "fa-AF",
            "pus": "ps",
            "tgl": "tl",
            "fil": "tl",
            "kor": "ko",
            "hmn": "hmn",
            "fre": "fr",
            "fra": "fr",
            "urd": "ur",
            "mandarin": "zh",
            "cantonese": "zh",
            "farsi": "fa",
            "dari": "fa-AF",
            "haitian": "ht",
            "creole": "ht",
            "haitian-creole": "ht",
            "filipino": "tl",
        }
    )
    return index


def parse_loose(value: str) -> str:
    """Read a language as rosters write it: a tag, an ISO 639-2/3 code, or a name.

    Raises :class:`InvalidLanguage` when nothing matches.
    """
    text = (value or "").strip()
    if not text:
        raise InvalidLanguage("empty language")
    found = _name_index().get(text.lower())
    if found is not None:
        return normalize(found)
    return normalize(text)
