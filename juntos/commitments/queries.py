"""Reads of commitments and of the family input they may cite, scoped to the reader.

Staff see the commitments of the schools where they hold a role (a teacher included); the
district admin sees the district's. School leaders, liaisons and the district admin create
commitments and change their status. Anyone who sees a commitment may cite input in it, but
only input they may see themselves: family replies of the conversations visible to them (a
teacher: their own families'), and approved ideas of the exchanges of the commitment's school.

The public board (no sign-in) reads only public commitments and their anonymised snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from juntos.commitments.models import Commitment, InputLink, StatusChange
from juntos.listening.models import Idea, Theme
from juntos.listening.queries import exchanges_for
from juntos.messaging.models import Message
from juntos.messaging.queries import conversations_for
from juntos.people.models import School, StudentSchool
from juntos.people.queries import schools_for, schools_run_by, scope_for
from juntos.teams.models import Member

SEARCH_LIMIT = 20


def commitments_for(user: Any) -> QuerySet[Commitment]:
    scope = scope_for(user)
    if scope.staff is None:
        return Commitment.objects.none()
    base = Commitment.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(school_id__in=scope.school_ids)


def access_commitment(user: Any, commitment_id: int) -> Commitment:
    commitment = (
        commitments_for(user).select_related("school", "district").filter(pk=commitment_id).first()
    )
    if commitment is None:
        raise Http404("no such commitment")
    return commitment


def manageable_schools(user: Any) -> QuerySet[School]:
    """Schools where ``user`` may create commitments and change their status."""
    scope = scope_for(user)
    if scope.staff is None:
        return School.objects.none()
    if scope.is_district_admin:
        return schools_for(user)
    ids = set(schools_run_by(user).values_list("pk", flat=True))
    # A cochair of a school's partnership team answers for its commitments too.
    ids |= set(
        Member.objects.filter(
            staff=scope.staff, cochair=True, active=True, team__school__isnull=False
        ).values_list("team__school_id", flat=True)
    )
    return School.objects.filter(pk__in=ids)


def can_manage(user: Any, commitment: Commitment) -> bool:
    return manageable_schools(user).filter(pk=commitment.school_id).exists()


# --- Family input a commitment may cite ------------------------------------------------------


def replies_for(user: Any, school: School) -> QuerySet[Message]:
    """Family replies (inbound messages) the reader may see, from families of ``school``: the
    conversation is the school's, or has no school and the family has a child there."""
    at_school = StudentSchool.objects.filter(
        school=school, student__caregiver_links__caregiver=OuterRef("conversation__caregiver")
    )
    return (
        Message.objects.filter(
            direction=Message.Direction.IN,
            conversation__in=conversations_for(user),
            conversation__caregiver__district_id=school.district_id,
        )
        .filter(
            Q(conversation__school=school)
            | (Q(conversation__school__isnull=True) & Exists(at_school))
        )
        .select_related("conversation")
    )


def ideas_for(user: Any, school: School) -> QuerySet[Idea]:
    """Approved ideas of the exchanges of ``school`` the reader may see."""
    return Idea.objects.filter(
        exchange__in=exchanges_for(user).filter(school=school), status=Idea.Status.APPROVED
    ).select_related("exchange")


def themes_for(user: Any, school: School) -> QuerySet[Theme]:
    """Active themes of the exchanges of ``school`` the reader may see."""
    return Theme.objects.filter(
        exchange__in=exchanges_for(user).filter(school=school), active=True
    ).select_related("exchange")


@dataclass(frozen=True)
class Candidate:
    kind: str
    object_id: int
    text: str
    language: str
    at: Any


def search_inputs(user: Any, commitment: Commitment, query: str) -> list[Candidate]:
    """Inputs the reader may cite in ``commitment`` whose text contains ``query``, newest
    first, without those already cited."""
    query = query.strip()
    if not query:
        return []
    cited = set(commitment.inputs.values_list("kind", "object_id"))
    replies = replies_for(user, commitment.school).filter(body__icontains=query)
    ideas = ideas_for(user, commitment.school).filter(text__icontains=query)
    themes = [
        t
        for t in themes_for(user, commitment.school).order_by("-updated_at")[:200]
        if query.lower() in t.label.lower()
        or any(query.lower() in str(term).lower() for term in t.top_terms)
    ][:SEARCH_LIMIT]
    found = (
        [Candidate(InputLink.Kind.THEME, t.pk, t.label, "en", t.updated_at) for t in themes]
        + [
            Candidate(InputLink.Kind.REPLY, m.pk, m.body, m.language, m.created_at)
            for m in replies.order_by("-created_at")[:SEARCH_LIMIT]
        ]
        + [
            Candidate(InputLink.Kind.IDEA, i.pk, i.text, i.language, i.created_at)
            for i in ideas.order_by("-created_at")[:SEARCH_LIMIT]
        ]
    )
    found = [c for c in found if (c.kind, c.object_id) not in cited]
    return sorted(found, key=lambda c: c.at, reverse=True)[:SEARCH_LIMIT]


def history(commitment: Commitment) -> QuerySet[StatusChange]:
    return commitment.changes.select_related("by").order_by("at", "pk")


# --- The public board -------------------------------------------------------------------------


def public_school(school_id: int) -> School:
    school = School.objects.select_related("district").filter(pk=school_id, is_active=True).first()
    if school is None:
        raise Http404("no such school")
    return school


def public_commitments(school: School) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(school=school, public=True)
        .prefetch_related("inputs", "changes")
        .order_by("-updated_at", "-pk")
    )


def public_commitments_for_exchange(exchange_id: int) -> QuerySet[Commitment]:
    """Public commitments citing an idea or a theme of the exchange."""
    ideas = Idea.objects.filter(exchange_id=exchange_id).values("pk")
    themes = Theme.objects.filter(exchange_id=exchange_id).values("pk")
    cited = InputLink.objects.filter(commitment=OuterRef("pk")).filter(
        Q(kind=InputLink.Kind.IDEA, object_id__in=ideas)
        | Q(kind=InputLink.Kind.THEME, object_id__in=themes)
    )
    return (
        Commitment.objects.filter(public=True)
        .filter(Exists(cited))
        .prefetch_related("inputs", "changes")
        .order_by("-updated_at", "-pk")
    )
