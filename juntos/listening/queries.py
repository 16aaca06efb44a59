"""Reads of idea exchanges, scoped to the reader.

Staff see the exchanges of the schools where they hold a role (a teacher included); the
district admin sees the district's. School leaders, liaisons and the district admin create,
open, moderate and close them. A family sees an exchange that was sent to an audience it
belongs to. Reaction counts per idea are shown to the exchange's staff as they are (the
moderation view needs them); reports that compare groups suppress groups under 5 people
(juntos/insights/suppression.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from juntos.listening.actions import pseudonym
from juntos.listening.models import Idea, IdeaExchange, Participant, Reaction
from juntos.messaging import audience as aud
from juntos.people.models import Caregiver, School
from juntos.people.queries import schools_run_by, scope_for

# How long after the question (or the last idea texted) a family's texts are read as ideas.
SMS_SESSION = timedelta(days=3)


def exchanges_for(user: Any) -> QuerySet[IdeaExchange]:
    scope = scope_for(user)
    if scope.staff is None:
        return IdeaExchange.objects.none()
    base = IdeaExchange.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(school_id__in=scope.school_ids)


def access_exchange(user: Any, exchange_id: int) -> IdeaExchange:
    exchange = (
        exchanges_for(user).select_related("school", "district").filter(pk=exchange_id).first()
    )
    if exchange is None:
        raise Http404("no such exchange")
    return exchange


def manageable_schools(user: Any) -> QuerySet[School]:
    """Schools where ``user`` may create, open, moderate and close exchanges."""
    return schools_run_by(user)


def can_manage(user: Any, exchange: IdeaExchange) -> bool:
    return manageable_schools(user).filter(pk=exchange.school_id).exists()


def access_idea(user: Any, idea_id: int) -> Idea:
    """An idea of an exchange the reader may see (404 otherwise)."""
    idea = (
        Idea.objects.filter(pk=idea_id, exchange__in=exchanges_for(user))
        .select_related("exchange")
        .first()
    )
    if idea is None:
        raise Http404("no such idea")
    return idea


def reaction_counts(exchange: IdeaExchange) -> dict[int, Counter[str]]:
    """Agree / disagree / pass counts per idea of the exchange (one query)."""
    counts: dict[int, Counter[str]] = {}
    rows = (
        Reaction.objects.filter(idea__exchange=exchange)
        .values_list("idea_id", "value")
        .annotate(n=Count("pk"))
    )
    for idea_id, value, n in rows:
        counts.setdefault(idea_id, Counter())[value] = n
    return counts


def moderation_queue(exchange: IdeaExchange) -> QuerySet[Idea]:
    return exchange.ideas.filter(status=Idea.Status.PENDING).order_by("created_at", "pk")


# --- Families --------------------------------------------------------------------------------


def participant_of(exchange: IdeaExchange, caregiver: Caregiver) -> Participant | None:
    """The caregiver's participant row in ``exchange``, if they took part."""
    return Participant.objects.filter(
        exchange=exchange, pseudonym=pseudonym(exchange.pk, caregiver.pk)
    ).first()


def _in_audience(exchange: IdeaExchange, caregiver: Caregiver) -> bool:
    members = aud.audience_caregivers(
        district_id=exchange.district_id,
        kind=exchange.audience_kind,
        ref=dict(exchange.audience_ref),
    )
    return members.filter(pk=caregiver.pk).exists()


def family_exchange(caregiver: Caregiver, exchange_id: int) -> IdeaExchange:
    """An exchange sent to an audience the caregiver belongs to (404 otherwise: no probing)."""
    exchange = (
        IdeaExchange.objects.select_related("school", "district")
        .filter(
            pk=exchange_id,
            district_id=caregiver.district_id,
            source=IdeaExchange.Source.JUNTOS,
            message__isnull=False,
        )
        .exclude(status=IdeaExchange.Status.DRAFT)
        .first()
    )
    if exchange is None or not _in_audience(exchange, caregiver):
        raise Http404("no such exchange")
    return exchange


def open_exchanges_for_caregiver(caregiver: Caregiver) -> list[IdeaExchange]:
    """The open exchanges the caregiver was asked to join, newest first."""
    now = timezone.now()
    candidates = (
        IdeaExchange.objects.filter(
            district_id=caregiver.district_id,
            status=IdeaExchange.Status.OPEN,
            message__isnull=False,
        )
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("school")
        .order_by("-opens_at", "-pk")[:20]
    )
    return [exchange for exchange in candidates if _in_audience(exchange, caregiver)]


def exchanges_awaiting_sms(caregiver_id: int, now: datetime | None = None) -> list[IdeaExchange]:
    """Open exchanges that wait for this caregiver's texts, newest first: the question went to
    them by SMS, and less than ``SMS_SESSION`` has passed since it did or since the exchange
    last texted them an idea. After that a text is no longer read as an idea (it reaches the
    inbox), so that an exchange open for weeks does not take over the family's texts."""
    from juntos.messaging.models import Delivery

    now = now or timezone.now()
    exchanges = list(
        IdeaExchange.objects.filter(
            status=IdeaExchange.Status.OPEN,
            message_id__in=Delivery.objects.filter(caregiver_id=caregiver_id, channel="sms").values(
                "message_id"
            ),
        )
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("school", "district")
        .order_by("-opens_at", "-pk")[:5]
    )
    if not exchanges:
        return []
    sent: dict[int, datetime] = {}
    for message_id, created, not_before in (
        Delivery.objects.filter(
            caregiver_id=caregiver_id,
            channel="sms",
            message_id__in=[e.message_id for e in exchanges],
        )
        .exclude(status__in=(Delivery.Status.SKIPPED, Delivery.Status.FAILED))
        .values_list("message_id", "created_at", "not_before")
    ):
        sent[message_id] = max(created, not_before)
    keys = {pseudonym(e.pk, caregiver_id): e.pk for e in exchanges}
    offered = dict(
        Participant.objects.filter(
            exchange_id__in=keys.values(), pseudonym__in=keys, offered_at__isnull=False
        ).values_list("exchange_id", "offered_at")
    )
    waiting = []
    for exchange in exchanges:
        if exchange.message_id not in sent:
            continue
        last = max(sent[exchange.message_id], offered.get(exchange.pk) or sent[exchange.message_id])
        if now - last <= SMS_SESSION:
            waiting.append(exchange)
    return waiting


def _seen(idea: Idea) -> int:
    """The ``seen`` annotation: how many reactions the idea has."""
    return int(getattr(idea, "seen", 0))


def _tiebreak(key: str, idea_id: int) -> str:
    return hashlib.sha256(f"{key}:{idea_id}".encode()).hexdigest()


def next_ideas_for(participant: Participant, n: int) -> list[Idea]:
    """Balanced exposure: up to ``n`` approved ideas of the participant's exchange that they
    did not write and have not reacted to, those with the fewest reactions first, so that each
    idea gets a comparable number. Ties are broken by a hash of (participant, idea): random
    across participants, the same order every time for one participant."""
    ideas = (
        Idea.objects.filter(exchange_id=participant.exchange_id, status=Idea.Status.APPROVED)
        .exclude(author=participant)
        .exclude(reactions__participant=participant)
        .annotate(seen=Count("reactions"))
    )
    ranked: list[Idea] = sorted(
        ideas, key=lambda i: (_seen(i), _tiebreak(participant.pseudonym, i.pk))
    )
    return ranked[:n]


def ideas_for_family(exchange: IdeaExchange, key: str, reacted: set[int]) -> list[Idea]:
    """The approved ideas of the exchange in the family page's order: those the reader has not
    reacted to first, in balanced-exposure order (fewest reactions first, ties in the reader's
    own order), then those they reacted to."""
    ideas = exchange.ideas.filter(status=Idea.Status.APPROVED).annotate(seen=Count("reactions"))
    ranked: list[Idea] = sorted(
        ideas, key=lambda i: (i.pk in reacted, _seen(i), _tiebreak(key, i.pk))
    )
    return ranked
