"""Who an announcement reaches: the active caregivers of the audience's students.

Only links with ``may_contact = true`` count (a court or protection order sets it false, and
then the school must not contact that adult about that child). A caregiver linked to two
students of the audience appears once. Everything a fan-out needs about each caregiver
(language, channels, contact points, windows) is read in three queries, whatever the size.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from juntos.messaging.windows import Window
from juntos.people.models import (
    Caregiver,
    CaregiverLink,
    ContactPoint,
    ContactWindow,
    Student,
    StudentEnrollment,
    StudentSchool,
)

SECTION, GRADE, SCHOOL, DISTRICT = "section", "grade", "school", "district"


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


def resolve_audience(*, district_id: int, kind: str, ref: dict[str, Any]) -> list[Recipient]:
    """The audience's recipients with their contact points and windows, ordered by id."""
    audience = _caregivers(district_id=district_id, kind=kind, ref=ref)
    ids = audience.values_list("pk", flat=True)
    recipients: dict[int, Recipient] = {}
    # Preferences arrive as JSON text: a district has a handful of distinct lists, so each is
    # decoded once rather than once per family.
    rows = audience.order_by("pk").values_list(
        "pk",
        "given_name",
        "family_name",
        "preferred_language",
        Cast("channel_preferences", TextField()),
        "time_zone",
    )
    decoded: dict[str, list[str]] = {}
    for pk, given, family, language, channels, tz in rows:
        preferences = decoded.get(channels)
        if preferences is None:
            preferences = decoded[channels] = _channel_list(channels)
        recipients[pk] = Recipient(
            caregiver_id=pk,
            name=f"{given} {family}".strip(),
            language=language,
            channel_preferences=preferences,
            time_zone=tz,
        )
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for caregiver_id, kind_, value, sms_capable, opted_out_at in (
        ContactPoint.objects.filter(caregiver_id__in=ids)
        .order_by("pk")
        .values_list("caregiver_id", "kind", "value", "sms_capable", "opted_out_at")
    ):
        contacts[caregiver_id].append(
            Contact(kind_, value, bool(sms_capable), opted_out=opted_out_at is not None)
        )
    windows: dict[int, list[Window]] = defaultdict(list)
    for caregiver_id, weekdays, start, end in ContactWindow.objects.filter(
        caregiver_id__in=ids
    ).values_list("caregiver_id", "weekdays", "start", "end"):
        windows[caregiver_id].append(Window(tuple(weekdays or ()), start, end))
    for pk, recipient in recipients.items():
        recipient.contacts = contacts.get(pk, [])
        recipient.windows = windows.get(pk, [])
    return list(recipients.values())


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
    addresses = {"sms": sms, "voice": phone, "email": email, "paper": ""}
    usable: list[tuple[str, str]] = []
    for channel in recipient.channel_preferences:
        address = addresses.get(channel)
        if address is not None:
            usable.append((channel, address))
    return usable
