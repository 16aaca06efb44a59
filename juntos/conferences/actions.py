"""Every write of conferences: publishing times, offering them, booking, cancelling, reminding.

Double booking is refused by the database (see ``models``); the checks here come first so that
people get a clear answer, and they are what holds on SQLite, where the exclusion constraints
cannot exist (SQLite has one writer at a time, so check-then-insert cannot interleave there).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.conferences.models import Booking, ConferenceOffer, ConferenceSlot
from juntos.language import pipeline
from juntos.language.templates_library import same_language
from juntos.people.models import (
    Caregiver,
    CaregiverLink,
    District,
    Role,
    School,
    SectionAssignment,
    Staff,
    StaffRole,
    Student,
    StudentEnrollment,
)

log = logging.getLogger(__name__)

SLOT_CONSTRAINT = "conference_booking_one_per_slot"
INTERPRETER_CONSTRAINT = "conference_interpreter_no_overlap"
TEACHER_CONSTRAINT = "conference_slot_teacher_no_overlap"
# A text offer lists at most this many times, so that every answer is one digit.
MAX_OFFERED = 9
# A lone number answers an offer sent within this many days.
OFFER_OPEN_DAYS = 14
# Reminders go out once, within this long before the meeting ("the day before").
REMIND_BEFORE = timedelta(hours=24)


class ConferenceError(ValueError):
    """A refusal with a code the pages and the SMS handler turn into words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SlotTakenError(ConferenceError):
    """The time was booked by someone else first (possibly a moment ago)."""

    def __init__(self, others: Sequence[ConferenceSlot]) -> None:
        super().__init__("taken", "This time was just taken.")
        self.others = list(others)


def _constraint_name(exc: IntegrityError) -> str:
    """The name of the violated constraint (PostgreSQL reports it; SQLite does not)."""
    diag = getattr(exc.__cause__, "diag", None)
    return str(getattr(diag, "constraint_name", "") or "")


# --- Publishing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotPlan:
    starts_at: datetime
    ends_at: datetime


def plan_day(*, day: date, start: time, end: time, minutes: int, time_zone: str) -> list[SlotPlan]:
    """Back-to-back slots of ``minutes`` from ``start`` to ``end`` on ``day`` (local time)."""
    if minutes < 5 or minutes > 240:
        raise ConferenceError("length", _("A meeting lasts between 5 and 240 minutes."))
    zone = ZoneInfo(time_zone)
    begin = datetime.combine(day, start, tzinfo=zone)
    finish = datetime.combine(day, end, tzinfo=zone)
    if finish <= begin:
        raise ConferenceError("order", _("The end of the day must come after its start."))
    plans: list[SlotPlan] = []
    step = timedelta(minutes=minutes)
    cursor = begin
    while cursor + step <= finish:
        plans.append(SlotPlan(cursor, cursor + step))
        cursor += step
    if not plans:
        raise ConferenceError("short", _("No meeting of that length fits between start and end."))
    return plans


def do_publish_slots(
    *,
    by: Staff,
    school: School,
    plans: Sequence[SlotPlan],
    place: str = "",
    modality: str = ConferenceSlot.Modality.IN_PERSON,
    now: datetime | None = None,
) -> list[ConferenceSlot]:
    """Create the staff member's slots, all or none.

    A slot in the past, or overlapping another of the teacher's slots (saved or in this batch),
    is refused with the times named. On PostgreSQL the exclusion constraint refuses a slot that
    a concurrent request saved after our check.
    """
    now = now or timezone.now()
    ordered = sorted(plans, key=lambda p: p.starts_at)
    for plan in ordered:
        if plan.ends_at <= plan.starts_at:
            raise ConferenceError("order", _("A meeting must end after it starts."))
        if plan.starts_at <= now:
            raise ConferenceError("past", _("Meeting times must be in the future."))
    for earlier, later in pairwise(ordered):
        if later.starts_at < earlier.ends_at:
            raise ConferenceError("overlap", _("Two of the new times overlap."))
    clashes = ConferenceSlot.objects.filter(teacher=by)
    overlap = Q()
    for plan in ordered:
        overlap |= Q(starts_at__lt=plan.ends_at, ends_at__gt=plan.starts_at)
    with transaction.atomic():
        clash = clashes.filter(overlap).first() if ordered else None
        if clash is not None:
            raise ConferenceError(
                "overlap",
                _(
                    "You already have a meeting time from %(start)s to %(end)s that day: "
                    "nothing was saved."
                )
                % {
                    "start": f"{timezone.localtime(clash.starts_at):%H:%M}",
                    "end": f"{timezone.localtime(clash.ends_at):%H:%M}",
                },
            )
        try:
            with transaction.atomic():
                return [
                    ConferenceSlot.objects.create(
                        teacher=by,
                        school=school,
                        starts_at=plan.starts_at,
                        ends_at=plan.ends_at,
                        place=place[:200],
                        modality=modality,
                        created_at=now,
                    )
                    for plan in ordered
                ]
        except IntegrityError as exc:
            if _constraint_name(exc) == TEACHER_CONSTRAINT:
                raise ConferenceError(
                    "overlap", _("These times overlap times you just saved: nothing was saved.")
                ) from exc
            raise


# --- Which family may book which slot --------------------------------------------------------


def teachers_of(student_id: int) -> set[int]:
    """Staff ids who teach one of the student's active classes."""
    return set(
        SectionAssignment.objects.filter(
            section__is_active=True,
            section__in=StudentEnrollment.objects.filter(student_id=student_id).values("section"),
        ).values_list("staff_id", flat=True)
    )


def open_slots(*, teacher_id: int, now: datetime | None = None) -> list[ConferenceSlot]:
    """The teacher's future slots nobody has booked."""
    now = now or timezone.now()
    return list(
        ConferenceSlot.objects.filter(teacher_id=teacher_id, starts_at__gt=now)
        .exclude(bookings__status=Booking.Status.BOOKED)
        .select_related("teacher", "school")
        .order_by("starts_at", "pk")
    )


# --- Interpreters ----------------------------------------------------------------------------


def _teacher_languages(teacher: Staff, district: District) -> list[str]:
    return [str(tag) for tag in teacher.languages or []] or [district.default_language]


def interpreter_language_for(caregiver: Caregiver, teacher: Staff, district: District) -> str:
    """The language an interpreter must speak for this meeting, or "" when none is needed.

    Needed when the caregiver said so (``needs_interpretation``) or when the teacher speaks no
    variety of the caregiver's preferred language (the district's language when the staff
    record lists none).
    """
    language = caregiver.preferred_language or district.default_language
    speaks = any(same_language(language, tag) for tag in _teacher_languages(teacher, district))
    if caregiver.needs_interpretation or not speaks:
        return language
    return ""


def free_interpreters(
    *, school_id: int, language: str, starts_at: datetime, ends_at: datetime, exclude: int
) -> list[Staff]:
    """Liaisons of the school who speak ``language`` and have no booking overlapping the time,
    least booked (upcoming meetings) first, then by id."""
    liaisons = Staff.objects.filter(
        is_active=True,
        pk__in=StaffRole.objects.filter(role=Role.LIAISON, school_id=school_id).values("staff"),
    ).exclude(pk=exclude)
    busy = Booking.objects.filter(
        status=Booking.Status.BOOKED, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).values("interpreter")
    candidates = liaisons.exclude(pk__in=busy).annotate(
        load=Count(
            "interpreting_bookings",
            filter=Q(
                interpreting_bookings__status=Booking.Status.BOOKED,
                interpreting_bookings__ends_at__gt=timezone.now(),
            ),
        )
    )
    speakers = [
        staff
        for staff in candidates
        if any(same_language(language, str(tag)) for tag in staff.languages or [])
    ]
    return sorted(speakers, key=lambda s: (s.load, s.pk))  # type: ignore[attr-defined]


# --- Booking ---------------------------------------------------------------------------------


def _check_may_book(caregiver: Caregiver, slot: ConferenceSlot, student_id: int) -> None:
    if not CaregiverLink.objects.filter(caregiver=caregiver, student_id=student_id).exists():
        raise ConferenceError("not_yours", _("This student is not linked to this family."))
    if slot.teacher_id not in teachers_of(student_id):
        raise ConferenceError("not_yours", _("This teacher does not teach this student."))


def do_book_slot(
    *,
    caregiver: Caregiver,
    slot_id: int,
    student_id: int,
    via: str,
    now: datetime | None = None,
) -> Booking:
    """Book ``slot_id`` for ``caregiver`` about ``student_id``, with an interpreter if needed.

    One transaction:
    1. The slot must exist, be in the future and belong to a teacher of the student, who is
       linked to the caregiver; one upcoming meeting per student and teacher.
    2. The interpreter language (``interpreter_language_for``); if one is needed, the free
       liaisons of the school who speak it, least booked first.
    3. Insert the booking (in a savepoint). The slot's unique constraint refuses a second
       booking: ``SlotTakenError`` with the teacher's other open times. The interpreter's
       exclusion constraint refuses a liaison booked a moment ago: try the next one, and with
       none left, book without an interpreter (``interpreter_language`` set, ``interpreter``
       null): the school sees the flag on its conferences page.
    """
    now = now or timezone.now()
    slot = (
        ConferenceSlot.objects.select_related("teacher", "school__district")
        .filter(pk=slot_id, school__district_id=caregiver.district_id)
        .first()
    )
    if slot is None:
        raise ConferenceError("missing", _("This meeting time does not exist."))
    _check_may_book(caregiver, slot, student_id)
    if slot.starts_at <= now:
        raise SlotTakenError(open_slots(teacher_id=slot.teacher_id, now=now))
    district = slot.school.district
    language = interpreter_language_for(caregiver, slot.teacher, district)
    with transaction.atomic():
        if Booking.objects.filter(
            student_id=student_id,
            slot__teacher_id=slot.teacher_id,
            status=Booking.Status.BOOKED,
            ends_at__gt=now,
        ).exists():
            raise ConferenceError(
                "already", _("This student already has a meeting with this teacher.")
            )
        if Booking.objects.filter(slot=slot, status=Booking.Status.BOOKED).exists():
            raise SlotTakenError(open_slots(teacher_id=slot.teacher_id, now=now))
        candidates: list[Staff | None] = []
        if language:
            candidates.extend(
                free_interpreters(
                    school_id=slot.school_id,
                    language=language,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    exclude=slot.teacher_id,
                )
            )
        candidates.append(None)
        for interpreter in candidates:
            try:
                with transaction.atomic():
                    return Booking.objects.create(
                        slot=slot,
                        caregiver=caregiver,
                        student_id=student_id,
                        interpreter=interpreter,
                        interpreter_language=language,
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                        created_via=via,
                        created_at=now,
                    )
            except IntegrityError as exc:
                if _constraint_name(exc) == INTERPRETER_CONSTRAINT:
                    continue  # booked elsewhere since we looked: the next liaison
                raise SlotTakenError(
                    [s for s in open_slots(teacher_id=slot.teacher_id, now=now) if s.pk != slot.pk]
                ) from exc
    raise AssertionError("unreachable: booking without an interpreter always ends the loop")


def do_cancel_booking(*, booking: Booking, now: datetime | None = None) -> Booking:
    """Cancel a booking: the slot opens again and the interpreter is free (both constraints
    only count booked rows). Cancelling twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
            status=Booking.Status.CANCELLED, cancelled_at=now
        )
    booking.refresh_from_db(fields=["status", "cancelled_at"])
    return booking


def do_assign_interpreter(*, booking: Booking, interpreter: Staff) -> Booking:
    """Staff assign an interpreter to a flagged booking by hand (the constraint still holds)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Booking.objects.filter(pk=booking.pk).update(interpreter=interpreter)
        except IntegrityError as exc:
            raise ConferenceError(
                "interpreter_busy", _("This interpreter has another meeting at that time.")
            ) from exc
    booking.refresh_from_db(fields=["interpreter"])
    return booking


# --- Words for families ----------------------------------------------------------------------


def local_time(value: datetime, caregiver: Caregiver, district: District) -> datetime:
    return value.astimezone(ZoneInfo(caregiver.time_zone or district.time_zone))


def slot_label(slot: ConferenceSlot, caregiver: Caregiver, district: District) -> str:
    """The slot's date and time as the family writes them (CLDR), in their time zone."""
    language = caregiver.preferred_language or district.default_language
    at = local_time(slot.starts_at, caregiver, district)
    return (
        f"{pipeline.format_date(at.date(), language, style='medium')} "
        f"{pipeline.format_time(at, language)}"
    )


def numbered_slots(
    slots: Sequence[tuple[int, ConferenceSlot]], caregiver: Caregiver, district: District
) -> str:
    return "\n" + "\n".join(
        f"{number}) {slot_label(slot, caregiver, district)}" for number, slot in slots
    )


def family_text(caregiver: Caregiver, key: str, context: dict[str, str]) -> str:
    """A conference template in the caregiver's language, honest about its translation."""
    district = District.objects.get(pk=caregiver.district_id)
    language = caregiver.preferred_language or district.default_language
    rendition = pipeline.render_template(
        key,
        language,
        context,
        district_policy=pipeline.TranslationPolicy.for_district(district),
    )
    return pipeline.text_to_send(rendition)


def booking_context(booking: Booking, caregiver: Caregiver) -> dict[str, str]:
    slot = booking.slot
    district = District.objects.get(pk=caregiver.district_id)
    language = caregiver.preferred_language or district.default_language
    at = local_time(slot.starts_at, caregiver, district)
    return {
        "teacher": slot.teacher.display_name,
        "student": booking.student.display_name,
        "date": pipeline.format_date(at.date(), language),
        "time": pipeline.format_time(at, language),
        "place": slot.place or slot.school.name,
    }


# --- Offers and reminders (through the reach pipeline) ---------------------------------------


def do_offer_slots(
    *, by: Staff, caregiver: Caregiver, student_id: int, now: datetime | None = None
) -> ConferenceOffer:
    """Send the family the teacher's open times (``conference.offer``), numbered, on their
    usable channel; a lone number in a text reply books one (``replies``)."""
    from juntos.messaging.actions import do_open_conversation, do_send_conversation_message

    now = now or timezone.now()
    if (
        by.pk not in teachers_of(student_id)
        or not CaregiverLink.objects.filter(caregiver=caregiver, student_id=student_id).exists()
    ):
        raise ConferenceError("not_yours", _("You do not teach this family's child."))
    slots = open_slots(teacher_id=by.pk, now=now)[:MAX_OFFERED]
    if not slots:
        raise ConferenceError("no_slots", _("You have no open meeting times to offer."))
    district = District.objects.get(pk=caregiver.district_id)
    student = Student.objects.get(pk=student_id)
    with transaction.atomic():
        offer = ConferenceOffer.objects.create(
            teacher=by,
            caregiver=caregiver,
            student=student,
            slot_ids=[slot.pk for slot in slots],
            sent_at=now,
        )
        conversation = do_open_conversation(
            caregiver=caregiver, owner=by, student_id=student_id, school=slots[0].school
        )
        # {slots} is written in the family's language and time zone: the staff copy of the
        # message shows the same list.
        do_send_conversation_message(
            by=by,
            conversation=conversation,
            body="",
            template_key="conference.offer",
            context={
                "teacher": by.display_name,
                "student": student.display_name,
                "slots": numbered_slots(list(enumerate(slots, 1)), caregiver, district),
            },
        )
    return offer


def _remind(booking_id: int, now: datetime) -> bool:
    from juntos.messaging.actions import do_open_conversation, do_send_conversation_message

    with transaction.atomic():
        claimed = Booking.objects.filter(
            pk=booking_id, status=Booking.Status.BOOKED, reminded_at__isnull=True
        ).update(reminded_at=now)
        if not claimed:
            return False
        booking = Booking.objects.select_related(
            "slot__teacher__district", "slot__school", "caregiver", "student"
        ).get(pk=booking_id)
        teacher = booking.slot.teacher
        conversation = do_open_conversation(
            caregiver=booking.caregiver,
            owner=teacher,
            student_id=booking.student_id,
            school=booking.slot.school,
        )
        do_send_conversation_message(
            by=teacher,
            conversation=conversation,
            body="",
            kind="system",
            template_key="conference.reminder",
            context=booking_context(booking, booking.caregiver),
        )
    return True


def do_send_conference_reminders(*, now: datetime | None = None) -> int:
    """Remind every family of a meeting within the next day, once.

    Each booking is claimed by setting ``reminded_at`` with a conditional UPDATE in the same
    transaction as its message, so two sweeps never remind twice and a failed send leaves the
    booking to be claimed again. Returns how many reminders were written.
    """
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    ).values_list("pk", flat=True)
    sent = 0
    for booking_id in list(due[:1000]):
        try:
            sent += _remind(booking_id, now)
        except Exception:
            log.exception("conference reminder for booking %s failed", booking_id)
    return sent
