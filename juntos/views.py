from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from juntos.portal import language
from juntos.portal.session import current_caregiver


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The family's front door, in the language their browser asks for (or the one they pick):
    what Juntos is for them, and "send me a link". Staff sign in from a link on it."""
    code = language.negotiate(request)
    shown = language.page_language(code)
    with translation.override(shown):
        response = TemplateResponse(
            request,
            "home.html",
            {
                "family_language": code,
                "languages": language.picker(),
                "contact": "",
                "signed_in_family": current_caregiver(request) is not None,
            },
        )
        response.render()
    response["Content-Language"] = shown
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    language.remember(request, response, code)
    return response


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
