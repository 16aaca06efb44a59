"""Who the family member on this request is: the caregiver a magic link signed in.

A family session is not a staff sign-in: it holds one caregiver id in Django's session (the
cookie is HttpOnly, and Secure in production), set only by exchanging a magic link. Staff
accounts and family sessions never mix: a family session grants nothing on staff pages, and
a staff sign-in grants nothing on family pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from juntos.people.models import Caregiver

SESSION_KEY = "juntos_caregiver_id"

View = Callable[..., HttpResponse]


def sign_in_family(request: HttpRequest, caregiver: Caregiver) -> None:
    """Start a family session for ``caregiver`` (a new session key: no fixation)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = caregiver.pk


def sign_out_family(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def current_caregiver(request: HttpRequest) -> Caregiver | None:
    """The signed-in caregiver, or None (no session, or the caregiver is no longer active)."""
    caregiver_id = request.session.get(SESSION_KEY)
    if caregiver_id is None:
        return None
    cached = getattr(request, "_juntos_caregiver", None)
    if cached is not None and cached.pk == caregiver_id:
        return cached  # type: ignore[no-any-return]
    caregiver = (
        Caregiver.objects.filter(pk=caregiver_id, is_active=True).select_related("district").first()
    )
    request._juntos_caregiver = caregiver  # type: ignore[attr-defined]
    return caregiver


def family_required(view: View) -> View:
    """Family pages: without a family session, go to the page that sends a new link."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if current_caregiver(request) is None:
            return redirect("portal:request_link")
        return view(request, *args, **kwargs)

    return wrapper
