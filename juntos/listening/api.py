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

from juntos.listening import queries
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
