"""LibreTranslate (self-hosted or libretranslate.com): ``POST {url}/translate``.

Request: JSON ``{"q": [texts], "source": "en", "target": "es", "format": "text",
"api_key": "…"}`` (the key only when the server requires one). Answer: ``{"translatedText":
[texts]}`` in the same order. Errors: 400 (bad request, unsupported language, missing key),
403 (invalid key, or banned), 429 (slow down), 500 (translation failed).

Which languages a server translates depends on the models it installed; ``GET
{url}/languages`` lists them with their targets, and :meth:`LibreTranslate.supports` asks it
(cached for an hour) before sending anything.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from juntos.language.providers.base import Provider, ProviderError, get_json, post_json

# Our tag → the codes a LibreTranslate server may use for it, in order of preference. Servers
# name Chinese "zh" (older) or "zh-Hans" (newer), and Brazilian Portuguese "pb".
CODES: dict[str, tuple[str, ...]] = {
    "zh": ("zh-Hans", "zh"),
    "zh-Hans": ("zh-Hans", "zh"),
    "zh-Hant": ("zh-Hant", "zt"),
    "pt": ("pt", "pb"),
    "pt-BR": ("pb", "pt"),
    # Dari: the engine's Persian model writes Iranian Persian, not Dari. Families who chose Dari
    # get a human translation rather than a text in a neighbouring language labelled as theirs.
    "fa-AF": (),
}

# Assumed when the server's language list cannot be read: the stock models among our languages.
FALLBACK_CODES = frozenset({"en", "es", "ar", "zh", "pt", "ru", "uk", "ko", "fr"})

LANGUAGES_TTL_S = 3600.0
LANGUAGES_RETRY_S = 60.0


def candidate_codes(tag: str) -> tuple[str, ...]:
    if tag in CODES:
        return CODES[tag]
    primary = tag.split("-")[0]
    if primary in CODES and "-" not in tag:
        return CODES[primary]
    return (primary,)


class LibreTranslate(Provider):
    name = "libretranslate"

    def __init__(
        self,
        *,
        url: str,
        api_key: str = "",
        timeout: float = 10.0,
        retries: int = 1,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(timeout=timeout, retries=retries, backoff=backoff)
        self.url = url.rstrip("/")
        self.api_key = api_key
        self._lock = threading.Lock()
        self._languages: dict[str, frozenset[str]] | None = None
        self._languages_at = 0.0
        self._languages_failed_at = 0.0

    def server_languages(self) -> dict[str, frozenset[str]] | None:
        """Source code → target codes, as the server reports them; None if it cannot be read."""
        with self._lock:
            now = time.monotonic()
            if self._languages is not None and now - self._languages_at < LANGUAGES_TTL_S:
                return self._languages
            if self._languages_failed_at and now - self._languages_failed_at < LANGUAGES_RETRY_S:
                return self._languages
            try:
                data = get_json(f"{self.url}/languages", timeout=self.timeout)
                languages = {
                    str(item["code"]): frozenset(str(code) for code in item.get("targets", []))
                    for item in data
                }
            except (ProviderError, KeyError, TypeError):
                # Keep the last list read (or, with none, the fallback set); the translate call
                # itself will tell whether the server is really unreachable.
                self._languages_failed_at = now
                return self._languages
            self._languages = languages
            self._languages_at = now
            return languages

    def code_for(self, tag: str) -> str | None:
        candidates = candidate_codes(tag)
        languages = self.server_languages()
        known = set(languages) if languages is not None else FALLBACK_CODES
        return next((code for code in candidates if code in known), None)

    def supports(self, source: str, target: str) -> bool:
        source_code, target_code = self.code_for(source), self.code_for(target)
        if source_code is None or target_code is None or source_code == target_code:
            return False
        languages = self.server_languages()
        if languages is None:
            return True
        # Older servers list no targets: any pair of installed languages pivots through English.
        targets = languages.get(source_code, frozenset())
        return not targets or target_code in targets

    def _translate_protected(self, texts: list[str], source: str, target: str) -> list[str]:
        source_code, target_code = self.code_for(source), self.code_for(target)
        if source_code is None or target_code is None:
            raise ProviderError(
                f"libretranslate has no model for {source}→{target}", transient=False
            )
        payload: dict[str, Any] = {
            "q": texts,
            "source": source_code,
            "target": target_code,
            "format": "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        data = post_json(
            f"{self.url}/translate",
            payload,
            timeout=self.timeout,
            retries=self.retries,
            backoff=self.backoff,
        )
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise ProviderError("libretranslate answered without translatedText", transient=False)
        return translated
