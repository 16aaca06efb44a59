"""DeepL API: ``POST https://api.deepl.com/v2/translate`` (``api-free.deepl.com`` for Free keys,
which end in ``:fx``).

Request: header ``Authorization: DeepL-Auth-Key <key>``; JSON ``{"text": [texts],
"source_lang": "EN", "target_lang": "ES", "tag_handling": "xml"}``. Answer: ``{"translations":
[{"detected_source_language": "EN", "text": "…"}]}`` in the same order. Errors: 400 (bad
request), 403 (key refused), 413 (too large), 429 (too many requests), 456 (quota spent), 5xx.

Target codes name variants (``EN-US``, ``PT-BR``, ``ZH-HANS``); source codes do not (``EN``,
``PT``, ``ZH``). DeepL does not translate Somali, Haitian Creole, Dari, Pashto, Tagalog or Hmong
among its generally available languages (some are in beta, which we do not use for families):
those go to the human queue.
"""

from __future__ import annotations

import html
import re
from typing import Any

from juntos.language.providers.base import Provider, ProviderError, post_json

# Our tag → DeepL target code (generally available languages only).
TARGETS: dict[str, str] = {
    "ar": "AR",
    "bg": "BG",
    "cs": "CS",
    "da": "DA",
    "de": "DE",
    "el": "EL",
    "en": "EN-US",
    "en-GB": "EN-GB",
    "es": "ES",
    "et": "ET",
    "fi": "FI",
    "fr": "FR",
    "he": "HE",
    "hu": "HU",
    "id": "ID",
    "it": "IT",
    "ja": "JA",
    "ko": "KO",
    "lt": "LT",
    "lv": "LV",
    "nb": "NB",
    "nl": "NL",
    "pl": "PL",
    # Most Portuguese-speaking families in US districts write Brazilian Portuguese.
    "pt": "PT-BR",
    "pt-PT": "PT-PT",
    "ro": "RO",
    "ru": "RU",
    "sk": "SK",
    "sl": "SL",
    "sv": "SV",
    "th": "TH",
    "tr": "TR",
    "uk": "UK",
    "vi": "VI",
    "zh": "ZH-HANS",
    "zh-Hans": "ZH-HANS",
    "zh-Hant": "ZH-HANT",
}

# Source codes are bare languages.
SOURCES: frozenset[str] = frozenset(code.split("-")[0] for code in TARGETS.values())

# Languages whose region or script changes the written language: never fall back to the bare
# language for them (Dari is not Iranian Persian; Traditional is not Simplified Chinese).
_DISTINCT = frozenset({"fa", "zh"})


def target_code(tag: str) -> str | None:
    if tag in TARGETS:
        return TARGETS[tag]
    primary = tag.split("-")[0]
    if primary in _DISTINCT:
        return None
    return TARGETS.get(primary)


def source_code(tag: str) -> str | None:
    primary = tag.split("-")[0]
    if tag != primary and primary in _DISTINCT and tag not in TARGETS:
        return None
    code = primary.upper()
    return code if code in SOURCES else None


_TOKEN = re.compile(r'<x i="(\d+)"\s*/>')


class DeepL(Provider):
    name = "deepl"

    def __init__(
        self,
        *,
        auth_key: str,
        api_url: str = "",
        timeout: float = 10.0,
        retries: int = 1,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(timeout=timeout, retries=retries, backoff=backoff)
        self.auth_key = auth_key
        base = api_url or (
            "https://api-free.deepl.com" if auth_key.endswith(":fx") else "https://api.deepl.com"
        )
        base = base.rstrip("/")
        self.endpoint = base if base.endswith("/v2/translate") else f"{base}/v2/translate"

    def supports(self, source: str, target: str) -> bool:
        return source_code(source) is not None and target_code(target) is not None

    # DeepL's documented way to keep a span untranslated is markup: with tag_handling=xml an
    # empty element passes through untouched. The text around it is escaped as XML.
    def token(self, index: int) -> str:
        return f'<x i="{index}"/>'

    def protect(self, text: str) -> tuple[str, list[str]]:
        escaped = html.escape(text, quote=False)
        return super().protect(escaped)

    def restore(self, text: str, names: list[str]) -> str:
        # DeepL may write the empty element as <x i="0"/> or <x i="0" />; settle on one spelling.
        text = _TOKEN.sub(lambda m: self.token(int(m.group(1))), text)
        return html.unescape(super().restore(text, names))

    def _translate_protected(self, texts: list[str], source: str, target: str) -> list[str]:
        source_lang, target_lang = source_code(source), target_code(target)
        if source_lang is None or target_lang is None:
            raise ProviderError(f"deepl does not translate {source}→{target}", transient=False)
        payload: dict[str, Any] = {
            "text": texts,
            "source_lang": source_lang,
            "target_lang": target_lang,
            "tag_handling": "xml",
        }
        data = post_json(
            self.endpoint,
            payload,
            headers={"Authorization": f"DeepL-Auth-Key {self.auth_key}"},
            timeout=self.timeout,
            retries=self.retries,
            backoff=self.backoff,
        )
        items = data.get("translations") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ProviderError("deepl answered without translations", transient=False)
        try:
            return [str(item["text"]) for item in items]
        except (KeyError, TypeError) as error:
            raise ProviderError(
                "deepl answered a translation without text", transient=False
            ) from error
