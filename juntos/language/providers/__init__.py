"""Machine translation providers, configured by settings and off by default.

``TRANSLATION_PROVIDER`` is ``""`` (none: untranslated texts go to liaisons), ``"libretranslate"``
(``LIBRETRANSLATE_URL``, optional ``LIBRETRANSLATE_API_KEY``) or ``"deepl"`` (``DEEPL_AUTH_KEY``,
optional ``DEEPL_API_URL``). ``TRANSLATION_TIMEOUT_SECONDS`` bounds every call (default 10).
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from juntos.language.providers.base import Provider, ProviderError
from juntos.language.providers.deepl import DeepL
from juntos.language.providers.libretranslate import LibreTranslate

__all__ = ["DeepL", "LibreTranslate", "Provider", "ProviderError", "get_provider"]

_lock = threading.Lock()
# One instance per configuration: LibreTranslate caches the server's language list on it.
_instances: dict[tuple[str, ...], Provider] = {}


def get_provider() -> Provider | None:
    """The provider the settings configure, or None when machine translation is off."""
    name = str(getattr(settings, "TRANSLATION_PROVIDER", "") or "").strip().lower()
    if not name:
        return None
    timeout = float(getattr(settings, "TRANSLATION_TIMEOUT_SECONDS", 10) or 10)
    if name == "libretranslate":
        url = str(getattr(settings, "LIBRETRANSLATE_URL", "") or "")
        api_key = str(getattr(settings, "LIBRETRANSLATE_API_KEY", "") or "")
        if not url:
            raise ImproperlyConfigured(
                "TRANSLATION_PROVIDER=libretranslate needs LIBRETRANSLATE_URL"
            )
        key: tuple[str, ...] = (name, url, api_key, str(timeout))
        with _lock:
            if key not in _instances:
                _instances[key] = LibreTranslate(url=url, api_key=api_key, timeout=timeout)
            return _instances[key]
    if name == "deepl":
        auth_key = str(getattr(settings, "DEEPL_AUTH_KEY", "") or "")
        api_url = str(getattr(settings, "DEEPL_API_URL", "") or "")
        if not auth_key:
            raise ImproperlyConfigured("TRANSLATION_PROVIDER=deepl needs DEEPL_AUTH_KEY")
        key = (name, auth_key, api_url, str(timeout))
        with _lock:
            if key not in _instances:
                _instances[key] = DeepL(auth_key=auth_key, api_url=api_url, timeout=timeout)
            return _instances[key]
    raise ImproperlyConfigured(
        f"TRANSLATION_PROVIDER must be '', 'libretranslate' or 'deepl', not {name!r}"
    )
