"""Staff pages speak a staff language (``settings.STAFF_LANGUAGES``), never another.

Django's LocaleMiddleware activates whatever the browser or the language cookie asks for among
``LANGUAGES``, which lists every language the family pages offer. A staff page has words only in
the staff languages, so a staff member whose browser asks for Arabic would get English words in
a page labelled ``lang="ar" dir="rtl"``: a screen reader would read English with an Arabic
voice. This middleware, right after LocaleMiddleware, picks a staff language instead.

Family pages are not affected: they render inside ``translation.override`` of the family's
language (``juntos.portal.language.render``), which wins over what is active here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import trans_real


def staff_languages() -> list[str]:
    return list(settings.STAFF_LANGUAGES)


def _staff_language(tag: str) -> str | None:
    """The staff language ``tag`` names (``es-MX`` → ``es``), or None."""
    tag = tag.strip().lower()
    if not tag:
        return None
    offered = {code.lower(): code for code in staff_languages()}
    return offered.get(tag) or offered.get(tag.split("-")[0])


def staff_language(request: HttpRequest) -> str:
    """The staff language for ``request``: the one the language cookie names, else the first
    one the browser accepts, else the first staff language that ``LANGUAGE_CODE`` names, else
    the first staff language."""
    chosen = _staff_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""))
    if chosen:
        return chosen
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for tag, _quality in trans_real.parse_accept_lang_header(header[:500]):
        chosen = _staff_language(tag)
        if chosen:
            return chosen
    return _staff_language(settings.LANGUAGE_CODE) or staff_languages()[0]


class StaffLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        active = translation.get_language() or settings.LANGUAGE_CODE
        if _staff_language(active) != active:
            language = staff_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
