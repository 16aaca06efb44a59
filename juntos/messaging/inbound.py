"""Inbound SMS and status callbacks: reading a Twilio webhook and deciding what it means.

The writes live in ``actions.py`` (``do_store_inbound_payload``, ``do_receive_sms``,
``do_receive_sms_status``); this module holds what they read and compute: the sender's number
in E.164, the caregivers behind it, who owns a new conversation, the TwiML answer.

Limits chosen here (docs/messaging.md, "Inbound"):

- a body over :data:`MAX_BODY_BYTES` is refused with 413 before it is parsed or stored (an SMS
  is at most 1,600 characters; a larger form is not Twilio's);
- a request without a valid ``X-Twilio-Signature`` is refused with 403 and not stored;
- bytes that are not UTF-8 are kept with replacement characters, never a 500;
- a signed SMS without ``From`` or ``Body`` is stored, marked "malformed" and answered 400;
- a sender who matches no caregiver is kept as a triage message: a ``Message`` with no
  conversation, direction "in", and the sender's number in ``from_address`` (a conversation
  needs a caregiver; the triage inbox lists these rows);
- a processing error is recorded on the stored payload and answered 200 with empty TwiML
  (Twilio retries a 5xx; the payload can be processed again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

import phonenumbers
from django.http import HttpRequest

from juntos.messaging.models import Conversation
from juntos.people.models import (
    Caregiver,
    CaregiverLink,
    ContactPoint,
    Role,
    School,
    SectionAssignment,
    Staff,
    StaffRole,
    StudentEnrollment,
)

# Twilio's largest inbound SMS form is a few kilobytes (1,600 characters of body plus about
# twenty fields); 64 KB leaves room for media fields and refuses anything that is not an SMS.
MAX_BODY_BYTES = 64 * 1024
# Numbers written without a country code are read as US numbers, as the roster import does.
DEFAULT_REGION = "US"
# The headers worth keeping beside a payload: they explain who sent it and how.
KEPT_HEADERS = (
    "X-Twilio-Signature",
    "I-Twilio-Idempotency-Token",
    "Content-Type",
    "Content-Length",
    "User-Agent",
)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twiml(text: str = "") -> str:
    """A TwiML answer: one ``<Message>`` with ``text``, or nothing to send."""
    if not text:
        return EMPTY_TWIML
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Message>{escape(text)}</Message></Response>"
    )


def body_too_large(request: HttpRequest) -> bool:
    """True when the declared length is over the limit (checked before the body is read)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return declared > MAX_BODY_BYTES


def without_nul(text: str) -> str:
    """PostgreSQL text and jsonb cannot hold U+0000: it is kept visible as U+FFFD instead."""
    return text.replace("\x00", "\ufffd")


def form_of(request: HttpRequest) -> dict[str, Any]:
    """The POST fields as JSON: one value per name, a list when a name came more than once."""
    form: dict[str, Any] = {}
    for name, values in request.POST.lists():
        clean = [without_nul(value) for value in values]
        form[without_nul(name)] = clean[0] if len(clean) == 1 else clean
    return form


def headers_of(request: HttpRequest) -> dict[str, str]:
    return {name: request.headers[name] for name in KEPT_HEADERS if name in request.headers}


def field(form: Mapping[str, Any], name: str) -> str | None:
    """One field's text, or None when it is missing; a repeated field gives its first value."""
    value = form.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value is None else str(value)


def e164(raw: str) -> str | None:
    """The number in E.164, or None when it is not a possible phone number."""
    try:
        number = phonenumbers.parse(raw.strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def caregivers_with_phone(phone: str) -> list[Caregiver]:
    """Active caregivers who have this phone, the one with the most recent open conversation
    first (several caregivers of a family may share one number), then the oldest record."""
    ids = ContactPoint.objects.filter(kind=ContactPoint.Kind.PHONE, value=phone).values_list(
        "caregiver_id", flat=True
    )
    caregivers = list(
        Caregiver.objects.filter(pk__in=ids, is_active=True)
        .select_related("district")
        .order_by("pk")
    )

    def recency(caregiver: Caregiver) -> float:
        latest = (
            Conversation.objects.filter(caregiver=caregiver, status=Conversation.Status.OPEN)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        return latest.timestamp() if latest is not None else float("-inf")

    # Stable sort: ties keep the oldest record first.
    return sorted(caregivers, key=recency, reverse=True)


def languages_of(caregivers: Sequence[Caregiver]) -> list[str]:
    """The recorded languages of these caregivers, each preferred language first."""
    found: list[str] = []
    for caregiver in caregivers:
        for tag in [caregiver.preferred_language, *list(caregiver.other_languages or [])]:
            if tag and tag not in found:
                found.append(str(tag))
    return found


def _speaks(staff: Staff, language: str) -> bool:
    primary = language.split("-")[0].lower()
    return any(str(tag).split("-")[0].lower() == primary for tag in staff.languages or [])


Ownership = tuple[Staff | None, School | None, int | None]


def owner_for(caregiver: Caregiver, language: str) -> Ownership:
    """Who owns a new conversation with ``caregiver``, at which school, about which student.

    The teacher of the first linked student's class (the primary assignment first); else a
    liaison of that student's school who speaks ``language``; else nobody, and the
    conversation waits in the school's triage.
    """
    link = (
        CaregiverLink.objects.filter(caregiver=caregiver, may_contact=True)
        .order_by("pk")
        .select_related("student")
        .first()
    )
    if link is None:
        return None, None, None
    student = link.student
    enrollment = (
        StudentEnrollment.objects.filter(student=student, section__is_active=True)
        .select_related("section__school")
        .order_by("pk")
        .first()
    )
    school: School | None = enrollment.section.school if enrollment is not None else None
    if school is None:
        school = student.schools.order_by("pk").first()
    if enrollment is not None:
        assignment = (
            SectionAssignment.objects.filter(section=enrollment.section, staff__is_active=True)
            .select_related("staff")
            .order_by("-is_primary", "pk")
            .first()
        )
        if assignment is not None:
            return assignment.staff, school, student.pk
    if school is not None:
        liaisons = Staff.objects.filter(
            pk__in=StaffRole.objects.filter(role=Role.LIAISON, school=school).values("staff_id"),
            is_active=True,
        ).order_by("pk")
        for liaison in liaisons:
            if _speaks(liaison, language):
                return liaison, school, student.pk
    return None, school, student.pk


def school_name_for(caregiver: Caregiver) -> str:
    """The name a confirmation signs with: the first linked student's school, or the district."""
    link = CaregiverLink.objects.filter(caregiver=caregiver).order_by("pk").first()
    if link is not None:
        school = link.student.schools.order_by("pk").first()
        if school is not None:
            return school.name
    return caregiver.district.name
