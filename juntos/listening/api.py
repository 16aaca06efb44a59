"""JSON API for idea exchanges (django-ninja), for authorised staff: the exchanges of their
schools, the ideas (original and English rendition where one exists) and reaction counts.

The same scope as the pages (queries.exchanges_for / can_manage): staff see the exchanges of
their schools, approved ideas and counts; those who moderate also see ideas waiting for
moderation. No participant is identified: reactions are counted per idea, never listed per
person.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from juntos.listening import analysis, queries
from juntos.listening.models import Idea, IdeaExchange, IdeaRendition
from juntos.people.queries import scope_for

router = Router(tags=["listening"], auth=django_auth)


class ExchangeOut(Schema):
    id: int
    school_id: int | None
    question: str
    question_language: str
    status: str
    opens_at: datetime | None
    closes_at: datetime | None
    participants: int


class IdeaOut(Schema):
    id: int
    text: str
    language: str
    english: str | None
    status: str
    channel: str
    flags: list[dict[str, str]]
    agrees: int
    disagrees: int
    passes: int


class ExchangeDetailOut(ExchangeOut):
    ideas: list[IdeaOut]


def _require_staff(request: HttpRequest) -> None:
    if not scope_for(request.user).is_staff_member:
        raise HttpError(403, "Only school and district staff read idea exchanges.")


def _exchange(exchange: IdeaExchange) -> dict[str, object]:
    return {
        "id": exchange.pk,
        "school_id": exchange.school_id,
        "question": exchange.question,
        "question_language": exchange.question_language,
        "status": exchange.status,
        "opens_at": exchange.opens_at,
        "closes_at": exchange.closes_at,
        "participants": exchange.participants.count(),
    }


@router.get("/listening/exchanges", response=list[ExchangeOut], url_name="listening_exchanges")
def exchanges(request: HttpRequest) -> list[dict[str, object]]:
    _require_staff(request)
    return [_exchange(e) for e in queries.exchanges_for(request.user).order_by("-pk")[:200]]


@router.get(
    "/listening/exchanges/{exchange_id}",
    response=ExchangeDetailOut,
    url_name="listening_exchange",
)
def exchange(request: HttpRequest, exchange_id: int) -> dict[str, object]:
    _require_staff(request)
    found = queries.access_exchange(request.user, exchange_id)
    shown = [Idea.Status.APPROVED]
    if queries.can_manage(request.user, found):
        shown.append(Idea.Status.PENDING)
    ideas = list(found.ideas.filter(status__in=shown).order_by("pk"))
    english = dict(
        IdeaRendition.objects.filter(idea__in=ideas, language="en").values_list("idea_id", "text")
    )
    counts = queries.reaction_counts(found)
    return _exchange(found) | {
        "ideas": [
            {
                "id": idea.pk,
                "text": idea.text,
                "language": idea.language,
                "english": idea.text if idea.language == "en" else english.get(idea.pk),
                "status": idea.status,
                "channel": idea.channel,
                "flags": idea.flags or [],
                "agrees": counts.get(idea.pk, {}).get("agree", 0),
                "disagrees": counts.get(idea.pk, {}).get("disagree", 0),
                "passes": counts.get(idea.pk, {}).get("pass", 0),
            }
            for idea in ideas
        ]
    }


class ShownIdeaOut(Schema):
    id: int
    text: str  # in English where a rendition exists, else the original
    original: str
    language: str
    direction: str


class GroupOut(Schema):
    label: str
    size: int | None  # null: fewer than 5 participants (or hidden to protect one that is)
    representative: list[ShownIdeaOut]


class OpinionOut(Schema):
    computed_at: datetime | None
    participants_mapped: int | None
    groups: list[GroupOut]
    consensus: list[ShownIdeaOut]


class ThemeOut(Schema):
    id: int
    key: str
    label: str
    kind: str
    language: str
    top_terms: list[str]
    size: int | None  # null: fewer than 5 ideas
    quotes: list[ShownIdeaOut]


def _shown(item: analysis.ShownIdea) -> dict[str, object]:
    return {
        "id": item.idea.pk,
        "text": item.shown.text,
        "original": item.idea.text,
        "language": item.idea.language,
        "direction": item.direction,
    }


@router.get(
    "/listening/exchanges/{exchange_id}/opinion",
    response=OpinionOut,
    url_name="listening_opinion",
)
def opinion_groups(request: HttpRequest, exchange_id: int) -> dict[str, object]:
    """The newest opinion groups, suppressed exactly as on the staff page (404 before the
    first computation)."""
    _require_staff(request)
    found = queries.access_exchange(request.user, exchange_id)
    view = analysis.opinion_view(found, "en")
    if view is None:
        raise HttpError(404, "No opinion groups computed yet.")
    return {
        "computed_at": view.computed_at,
        "participants_mapped": view.mapped,
        "groups": [
            {
                "label": group.label,
                "size": group.size,
                "representative": [_shown(i) for i in group.representative],
            }
            for group in view.groups
        ],
        "consensus": [_shown(i) for i in view.consensus],
    }


@router.get(
    "/listening/exchanges/{exchange_id}/themes",
    response=list[ThemeOut],
    url_name="listening_themes",
)
def exchange_themes(request: HttpRequest, exchange_id: int) -> list[dict[str, object]]:
    """The exchange's themes, largest first; a theme of fewer than 5 ideas shows neither its
    size nor its quotes (as in the reports)."""
    _require_staff(request)
    found = queries.access_exchange(request.user, exchange_id)
    return [
        {
            "id": row.theme.pk,
            "key": row.theme.key,
            "label": row.theme.label,
            "kind": row.theme.kind,
            "language": row.theme.language,
            "top_terms": [str(t) for t in row.theme.top_terms],
            "size": row.size,
            "quotes": [_shown(i) for i in row.quotes],
        }
        for row in analysis.themes_view(found, with_ideas=False)
    ]
