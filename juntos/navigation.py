"""The staff navigation: which sections a signed-in person may open, decided in Python.

A link is shown only where the page would let the person in (the same checks the views make),
so that nobody is offered a page that answers 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from juntos.insights.queries import population_for
from juntos.language.queries import may_use_queue
from juntos.messaging.announcement_queries import may_print_paper
from juntos.people.queries import scope_for


def staff_nav(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``staff_nav`` is a list of (label, url) for the header."""
    user = getattr(request, "user", None)
    scope = scope_for(user)
    if not scope.is_staff_member:
        return {"staff_nav": []}
    items: list[tuple[Any, str]] = [
        (_("Home"), reverse("people:staff_home")),
        (_("Inbox"), reverse("messaging:inbox")),
        (_("Families"), reverse("people:family_list")),
        (_("Progress notes"), reverse("messaging:note_new")),
        (_("Announcements"), reverse("messaging:announcement_list")),
        (_("Events"), reverse("events:list")),
        (_("Conferences"), reverse("conferences:index")),
        (_("Idea exchanges"), reverse("listening:list")),
        (_("Teams"), reverse("teams:list")),
        (_("Commitments"), reverse("commitments:list")),
        (_("Surveys"), reverse("surveys:list")),
        (_("Outbox"), reverse("messaging:outbox")),
    ]
    if may_use_queue(user):
        items.append((_("Translations"), reverse("language:queue")))
    if may_print_paper(user):
        items.append((_("Letters and calls"), reverse("messaging:paper")))
    if population_for(user) is not None:
        items.append((_("Insights"), reverse("insights:index")))
        items.append((_("Data walk"), reverse("insights:walk")))
    return {"staff_nav": items}
