"""Who an announcement reaches: the active caregivers of the audience's students.

Only links with ``may_contact = true`` count (a court or protection order sets it false, and
then the school must not contact that adult about that child). A caregiver linked to two
students of the audience appears once. Everything a fan-out needs about each caregiver
(language, first usable channel, windows) is read in two queries, whatever the size; the
audience is evaluated once for the caregivers and their contact points.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import FilteredRelation, Q, QuerySet, TextField
from django.db.models.functions import Cast

from juntos.messaging.windows import Window
from juntos.people.models import (
    Caregiver,
    CaregiverLink,
    ContactWindow,
    Student,
    StudentEnrollment,
    StudentSchool,
)

SECTION, GRADE, SCHOOL, DISTRICT, LIST = "section", "grade", "school", "district", "list"


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str
    value: str
    sms_capable: bool
    opted_out: bool


@dataclass(slots=True)
class Recipient:
    caregiver_id: int
    name: str
    language: str
    channel_preferences: list[str]
    time_zone: str
    contacts: list[Contact] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)


def audience_students(
    *, district_id: int, kind: str, ref: dict[str, Any]
) -> QuerySet[Student, int]:
    """The ids of the audience's active students, as a subquery."""
    students = Student.objects.filter(district_id=district_id, is_active=True)
    if kind == SECTION:
        enrolled = StudentEnrollment.objects.filter(section_id__in=ref.get("ids", []))
        students = students.filter(pk__in=enrolled.values("student_id"))
    elif kind == SCHOOL:
        attending = StudentSchool.objects.filter(school_id__in=ref.get("ids", []))
        students = students.filter(pk__in=attending.values("student_id"))
    elif kind == GRADE:
        students = students.filter(grade=str(ref.get("grade", "")))
        if ref.get("school_ids"):
            attending = StudentSchool.objects.filter(school_id__in=ref["school_ids"])
            students = students.filter(pk__in=attending.values("student_id"))
    elif kind != DISTRICT:
        raise ValueError(f"unknown audience kind {kind!r}")
    return students.values_list("pk", flat=True)


def _caregivers(*, district_id: int, kind: str, ref: dict[str, Any]) -> QuerySet[Caregiver]:
    if kind == LIST:  # a saved list names caregivers; a may_contact link still decides
        listed = Caregiver.objects.filter(audience_lists__in=ref.get("ids", [])).values("pk")
        links = CaregiverLink.objects.filter(
            may_contact=True, student__is_active=True, caregiver_id__in=listed
        )
    else:
        links = CaregiverLink.objects.filter(
            may_contact=True,
            student_id__in=audience_students(district_id=district_id, kind=kind, ref=ref),
        )
    return Caregiver.objects.filter(
        district_id=district_id, is_active=True, pk__in=links.values("caregiver_id")
    )


def audience_caregivers(
    *, district_id: int, kind: str, ref: dict[str, Any]
) -> QuerySet[Caregiver, int]:
    """The ids of the contactable, active caregivers of the audience, as a subquery."""
    return _caregivers(district_id=district_id, kind=kind, ref=ref).values_list("pk", flat=True)


class Target(NamedTuple):
    """One caregiver as a fan-out needs them: no name, no list of contact points."""

    caregiver_id: int
    language: str  # as stored: the fan-out normalises each distinct spelling once
    channel: str  # the first usable channel; with none, the first preference (or "none")
    to: str  # the address on that channel ("" on paper, and when no channel can reach them)
    reachable: bool
    time_zone: str
    windows: tuple[Window, ...]


def resolve_targets(
    *, district_id: int, kind: str, ref: dict[str, Any], with_windows: bool = True
) -> list[Target]:
    """The audience's caregivers, ordered by id, each on their first usable channel.

    The audience is evaluated once: one query returns each caregiver once per live (not opted
    out) contact point, in id order, the way :func:`usable_channels` reads them. Windows take a
    second query, only when they matter (``with_windows``; emergencies ignore them).
    """
    audience = _caregivers(district_id=district_id, kind=kind, ref=ref)
    windows: dict[int, list[Window]] = defaultdict(list)
    if with_windows:
        for caregiver_id, weekdays, start, end in (
            ContactWindow.objects.filter(caregiver_id__in=audience.values("pk"))
            .order_by("caregiver_id", "pk")
            .values_list("caregiver_id", "weekdays", "start", "end")
        ):
            windows[caregiver_id].append(Window(tuple(weekdays or ()), start, end))
    query = (
        audience.annotate(
            live=FilteredRelation("contacts", condition=Q(contacts__opted_out_at__isnull=True))
        )
        .order_by("pk", "live__pk")
        .values_list(
            "pk",
            "preferred_language",
            Cast("channel_preferences", TextField()),
            "time_zone",
            "live__kind",
            "live__value",
            "live__sms_capable",
        )
    )
    # Plain tuples straight from the cursor: no column here needs Django's converters (the
    # JSON is cast to text, and a boolean read from SQLite as 0 or 1 is only tested for truth),
    # and iterating the queryset took a third of this query's time for a large school.
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    targets: list[Target] = []
    # A district has a handful of distinct preference lists, and the choice of channel depends
    # only on the list and on which kinds of address the family has: each is made once.
    choices: dict[tuple[str, bool, bool, bool], tuple[str, bool]] = {}
    no_windows: tuple[Window, ...] = ()
    for caregiver_id, group in groupby(rows, key=itemgetter(0)):
        sms = phone = email = None
        # Every row of a group carries the same caregiver columns (kept from its last row); the
        # contact columns are None for a caregiver without a live contact point (outer join).
        for _, language, channels, time_zone, kind_, value, sms_capable in group:  # noqa: B007
            if kind_ == "phone":
                phone = phone or value
                if sms_capable:
                    sms = sms or value
            elif kind_ == "email":
                email = email or value
        addresses = _addresses(sms, phone, email)
        key = (channels, sms is None, phone is None, email is None)
        choice = choices.get(key)
        if choice is None:
            preferences = _channel_list(channels)
            usable = _usable(preferences, addresses)
            choice = choices[key] = (
                (usable[0][0], True) if usable else ((preferences or ["none"])[0], False)
            )
        channel, reachable = choice
        targets.append(
            Target(
                caregiver_id,
                language,
                channel,
                (addresses[channel] or "") if reachable else "",
                reachable,
                time_zone,
                tuple(windows[caregiver_id]) if caregiver_id in windows else no_windows,
            )
        )
    return targets


def _channel_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(item) for item in value] if isinstance(value, list) else []


def recipient_for(caregiver_id: int) -> Recipient | None:
    """One caregiver as a recipient, read now (the send-time re-check and fallbacks)."""
    caregiver = Caregiver.objects.filter(pk=caregiver_id).first()
    if caregiver is None:
        return None
    return Recipient(
        caregiver_id=caregiver.pk,
        name=caregiver.display_name,
        language=caregiver.preferred_language,
        channel_preferences=list(caregiver.channel_preferences or []),
        time_zone=caregiver.time_zone,
        contacts=[
            Contact(c.kind, c.value, c.sms_capable, opted_out=c.opted_out_at is not None)
            for c in caregiver.contacts.order_by("pk")
        ],
        windows=[Window(tuple(w.weekdays or ()), w.start, w.end) for w in caregiver.windows.all()],
    )


def usable_channels(recipient: Recipient) -> list[tuple[str, str]]:
    """(channel, address) for each channel of the caregiver's preferences that can reach them,
    in their order. Opted-out contact points are never used. The family page (portal) is not a
    sending channel yet, so it is passed over."""
    sms = phone = email = None
    for contact in recipient.contacts:  # one pass: the first of each kind, in stored order
        if contact.opted_out:
            continue
        if contact.kind == "phone":
            phone = phone or contact.value
            if contact.sms_capable:
                sms = sms or contact.value
        elif contact.kind == "email":
            email = email or contact.value
    return _usable(recipient.channel_preferences, _addresses(sms, phone, email))


def _addresses(sms: str | None, phone: str | None, email: str | None) -> dict[str, str | None]:
    """Each sending channel's address (None: it cannot reach the family; paper always can)."""
    return {"sms": sms, "voice": phone, "email": email, "paper": ""}


def _usable(preferences: list[str], addresses: dict[str, str | None]) -> list[tuple[str, str]]:
    usable: list[tuple[str, str]] = []
    for channel in preferences:
        address = addresses.get(channel)
        if address is not None:
            usable.append((channel, address))
    return usable
