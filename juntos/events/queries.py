"""Reads of events, scoped to the signed-in staff member.

Staff see the events of the schools where they hold a role (a teacher included); the district
admin sees the district's. School leaders and liaisons (and the district admin) create events,
invite families and take attendance. Names of families shown on an event page are limited to
the families the reader may see (``people.queries.caregivers_for``); counts cover everyone
invited.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Max, Min, QuerySet
from django.http import Http404
from django.utils import timezone

from juntos.events.models import Event, Invitation, Rsvp
from juntos.people.models import Caregiver, School
from juntos.people.queries import caregivers_for, schools_run_by, scope_for


def events_for(user: Any) -> QuerySet[Event]:
    scope = scope_for(user)
    if scope.staff is None:
        return Event.objects.none()
    base = Event.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(school_id__in=scope.school_ids)


def access_event(user: Any, event_id: int) -> Event:
    event = events_for(user).select_related("school", "district").filter(pk=event_id).first()
    if event is None:
        raise Http404("no such event")
    return event


def manageable_schools(user: Any) -> QuerySet[School]:
    """Schools where ``user`` may create events and invite families."""
    return schools_run_by(user)


def can_manage(user: Any, event: Event) -> bool:
    return manageable_schools(user).filter(pk=event.school_id).exists()


@dataclass
class Summary:
    invited: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    waitlisted: int = 0
    childcare_children: int = 0
    rides: int = 0
    interpreters: Counter[str] = field(default_factory=Counter)
    by_language: dict[str, Counter[str]] = field(default_factory=dict)
    by_option: Counter[int] = field(default_factory=Counter)
    attended: int = 0
    walk_ins: int = 0

    @property
    def interpreter_list(self) -> list[tuple[str, int]]:
        # A Counter answers 0 to a template's ``.items`` lookup: give templates a list.
        return sorted(self.interpreters.items())


def summary(event: Event) -> Summary:
    """Counts for the event's own organisers (not suppressed: see docs/events.md)."""
    result = Summary(invited=event.invitations.count())
    languages = dict(event.invitations.values_list("caregiver_id", "caregiver__preferred_language"))
    by_language: dict[str, Counter[str]] = defaultdict(Counter)
    for language in languages.values():
        by_language[language]["invited"] += 1
    for rsvp in event.rsvps.select_related("caregiver"):
        language = languages.get(rsvp.caregiver_id, rsvp.caregiver.preferred_language)
        result.answers[rsvp.answer] += 1
        by_language[language][rsvp.answer] += 1
        if rsvp.answer == Rsvp.Answer.YES:
            if rsvp.waitlisted:
                result.waitlisted += 1
            if rsvp.time_option_id:
                result.by_option[rsvp.time_option_id] += 1
            result.childcare_children += rsvp.childcare_children
            result.rides += int(rsvp.needs_ride)
            if rsvp.interpreter_language:
                result.interpreters[rsvp.interpreter_language] += 1
    result.by_language = dict(sorted(by_language.items()))
    result.attended = event.attendance.filter(caregiver__isnull=False).count()
    result.walk_ins = event.attendance.filter(caregiver__isnull=True).count()
    return result


def visible_rsvps(user: Any, event: Event) -> QuerySet[Rsvp]:
    return (
        event.rsvps.filter(caregiver__in=caregivers_for(user))
        .select_related("caregiver", "time_option")
        .order_by("-answered_at")
    )


def invitees_for_door(user: Any, event: Event, query: str = "") -> QuerySet[Caregiver]:
    """Invited caregivers the reader may see, filtered by name, for the door list."""
    invited = Invitation.objects.filter(event=event).values("caregiver_id")
    caregivers = caregivers_for(user).filter(pk__in=invited)
    for word in query.split()[:3]:
        caregivers = caregivers.filter(given_name__icontains=word) | caregivers.filter(
            family_name__icontains=word
        )
    return caregivers.order_by("family_name", "given_name")


def family_event(caregiver: Caregiver, event_id: int) -> Event:
    """An event the caregiver was invited to (404 otherwise: no probing of other events)."""
    event = (
        Event.objects.select_related("school", "district")
        .filter(pk=event_id, invitations__caregiver=caregiver)
        .exclude(status=Event.Status.DRAFT)
        .first()
    )
    if event is None:
        raise Http404("no such event")
    return event


def upcoming_for_caregiver(
    caregiver: Caregiver, *, now: datetime | None = None
) -> list[tuple[Event, Rsvp | None]]:
    """The published events the caregiver was invited to that have a time still to come
    (or no time set yet), soonest first, each with the caregiver's answer (None: not yet)."""
    now = now or timezone.now()
    events = list(
        Event.objects.filter(invitations__caregiver=caregiver, status=Event.Status.PUBLISHED)
        .annotate(first_start=Min("time_options__starts_at"), last_end=Max("time_options__ends_at"))
        .exclude(last_end__lte=now)
        .select_related("school", "district")
        .order_by("first_start", "pk")[:20]
    )
    answers = {
        r.event_id: r
        for r in Rsvp.objects.filter(caregiver=caregiver, event_id__in=[e.pk for e in events])
    }
    return [(event, answers.get(event.pk)) for event in events]
