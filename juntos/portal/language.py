"""Which language a family page speaks.

A signed-in family's page speaks their preferred language. Before sign-in the page negotiates:
the language picked on the page (``?lang=``, remembered in Django's language cookie), else the
browser's Accept-Language, else English. Only the demo languages are offered
(``registry.DEMO_LANGUAGES``); each is named in its own script in the picker.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import trans_real

from juntos.language import registry
from juntos.people.models import Caregiver

OFFERED = registry.DEMO_LANGUAGES


def supported(tag: str) -> str | None:
    """The offered language ``tag`` names (es-MX → es, fa-af → fa-AF), or None."""
    if not tag:
        return None
    try:
        code = registry.normalize(tag)
    except Exception:  # a header or a cookie can hold anything
        return None
    if code in OFFERED:
        return code
    lowered = {c.lower(): c for c in OFFERED}
    if code.lower() in lowered:
        return lowered[code.lower()]
    base = code.split("-")[0].lower()
    return lowered.get(base)


_CATALOGS = Path(__file__).resolve().parent / "locale"


@functools.cache
def has_page_text(code: str) -> bool:
    """Whether the family pages' words exist in ``code`` (English always does)."""
    if code == "en":
        return True
    return (_CATALOGS / translation.to_locale(code) / "LC_MESSAGES" / "django.mo").exists()


def page_language(code: str) -> str:
    """The language a page is rendered in for a family who reads ``code``: theirs when the
    pages' words exist in it, else English. A page is never labelled (``lang``, ``dir``) with
    a language its text is not in: a screen reader would read English with a Somali voice.
    The school's messages on the page keep their own ``lang``."""
    return code if has_page_text(code) else "en"


def negotiate(request: HttpRequest) -> str:
    for tag in (
        request.GET.get("lang", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    ):
        found = supported(tag)
        if found:
            return found
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for tag, _quality in trans_real.parse_accept_lang_header(header[:500]):
        found = supported(tag)
        if found:
            return found
    return "en"


def of_caregiver(caregiver: Caregiver) -> str:
    return supported(caregiver.preferred_language) or "en"


def remember(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """Keep a language picked with ``?lang=`` for the next pages (Django's language cookie)."""
    if supported(request.GET.get("lang", "")):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def picker() -> list[tuple[str, str, bool]]:
    """(code, name in its own script, right-to-left) for each offered language."""
    return [(code, registry.get(code).native_name, registry.get(code).rtl) for code in OFFERED]


def render(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    language: str,
    status: int = 200,
) -> HttpResponse:
    """``template`` rendered now for a family who reads ``language``: in it when the pages'
    words exist in it, else in English (:func:`page_language`). Rendered here because a
    TemplateResponse renders after the view returns, outside any ``override``."""
    shown = page_language(language)
    with translation.override(shown):
        response = TemplateResponse(request, template, context, status=status)
        response.render()
    response["Content-Language"] = shown
    return response
