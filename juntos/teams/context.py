"""Template context for the family pages' navigation: whether the signed-in family is on a
partnership team (the "Your teams" link is shown only then)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from juntos.portal.session import SESSION_KEY
from juntos.teams.models import Member


def family_team_nav(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    caregiver_id = session.get(SESSION_KEY) if session is not None else None
    if caregiver_id is None:
        return {}
    return {
        "family_on_team": Member.objects.filter(caregiver_id=caregiver_id, active=True).exists()
    }
