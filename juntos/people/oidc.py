"""Staff sign-in through the district's OpenID Connect provider (on when OIDC_* are set).

Only people already on the staff roster may sign in: the account is found by the email the
identity provider vouches for; no account is ever created from a login.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class StaffOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        email = (claims.get("email") or "").strip()
        users = get_user_model().objects.none()
        if email and claims.get("email_verified", True):
            users = get_user_model().objects.filter(
                email__iexact=email, is_active=True, staff__is_active=True
            )
        return users
