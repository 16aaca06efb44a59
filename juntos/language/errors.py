"""The "page not found" page in the visitor's language.

404.html is a family page (docs/translations.md): a family follows an old link or mistypes an
address. Django's own handler renders it in the active language, which for a visitor without a
staff sign-in is English (StaffLanguageMiddleware keeps other pages to the staff languages). This
handler renders it like every family page: in the signed-in family's language, else the one
their browser or the language picker asks for. Signed-in staff get it in their staff language.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

from juntos.portal import language
from juntos.portal.session import current_caregiver


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return TemplateResponse(request, "404.html", {}, status=404).render()
    caregiver = current_caregiver(request) if hasattr(request, "session") else None
    code = language.of_caregiver(caregiver) if caregiver else language.negotiate(request)
    response = language.render(request, "404.html", {}, code, status=404)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
