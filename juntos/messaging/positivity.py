"""Positive first (DESIGN.md section 2, rule 4): did this year's first contact bring good news?

Definitions, used everywhere the product shows these numbers:

* **School year**: the district's active ``AcademicSession`` of kind ``schoolYear`` that
  contains today. When the roster has none (no import yet, or the summer gap between two
  years), the year runs from August 1 to July 31: most US districts start in August, and
  counting from the 1st means a note sent on the first day is never lost to a boundary. Both
  ends are midnight in the district's time zone; the end is exclusive.
* **Contact**: a *personal* outbound message to a caregiver: a positive progress note, a
  concern, or a staff reply in the caregiver's conversation (``Message`` with direction
  ``out`` and kind ``progress_positive``, ``progress_concern`` or ``reply``). Announcements
  do not count: they are not personal, and a family that only ever received the school
  newsletter has not heard good news about their child. A message counts only if it reached
  or is on its way to the caregiver: at least one of its deliveries to that caregiver is not
  ``skipped`` or ``failed`` (a note that could not be sent was not heard).
* **First contact positive**: the earliest contact of the school year is a positive note.
  A staff reply first is a contact that was not good news (it answers the family). ``None``
  when there was no contact yet.
* **Balance**: counts of positive notes and concerns (replies are neither); for a teacher,
  the notes they wrote; for a school, the notes in its conversations. Notes counted, not
  families: the numbers describe the staff's habits, so no small-group suppression applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from juntos.messaging.models import Delivery, Message
from juntos.people.models import AcademicSession, CaregiverLink, District

Kind = Message.Kind
CONTACT_KINDS = (Kind.PROGRESS_POSITIVE, Kind.PROGRESS_CONCERN, Kind.REPLY)
NOTE_KINDS = (Kind.PROGRESS_POSITIVE, Kind.PROGRESS_CONCERN)
NOT_HEARD = (Delivery.Status.SKIPPED, Delivery.Status.FAILED)
YEAR_STARTS = (8, 1)  # month, day: the fallback school year starts on August 1


@dataclass(frozen=True)
class SchoolYear:
    start: date  # first day
    end: date  # last day (inclusive)
    time_zone: str
    from_roster: bool  # False: the August 1 fallback

    def _at_midnight(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=ZoneInfo(self.time_zone))

    @property
    def starts_at(self) -> datetime:
        return self._at_midnight(self.start)

    @property
    def ends_at(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return self._at_midnight(self.end + timedelta(days=1))


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def school_year(district: District, *, today: date | None = None) -> SchoolYear:
    """The school year containing ``today`` (in the district's time zone) — see the module."""
    zone = _zone(district.time_zone)
    if today is None:
        today = timezone.now().astimezone(ZoneInfo(zone)).date()
    session = (
        AcademicSession.objects.filter(
            district=district,
            kind=AcademicSession.Kind.SCHOOL_YEAR,
            is_active=True,
            start_date__lte=today,
            end_date__gte=today,
        )
        .order_by("-start_date", "-pk")
        .first()
    )
    if session is not None:
        return SchoolYear(session.start_date, session.end_date, zone, from_roster=True)
    month, day = YEAR_STARTS
    first_year = today.year if (today.month, today.day) >= (month, day) else today.year - 1
    start = date(first_year, month, day)
    return SchoolYear(start, date(first_year + 1, month, day) - timedelta(days=1), zone, False)


def contacts(year: SchoolYear) -> QuerySet[Message]:
    """Every contact of the school year (see the module docstring), any caregiver."""
    heard = Delivery.objects.filter(
        message=OuterRef("pk"), caregiver=OuterRef("conversation__caregiver")
    ).exclude(status__in=NOT_HEARD)
    return Message.objects.filter(
        direction=Message.Direction.OUT,
        kind__in=CONTACT_KINDS,
        conversation__isnull=False,
        created_at__gte=year.starts_at,
        created_at__lt=year.ends_at,
    ).filter(Exists(heard))


@dataclass(frozen=True)
class Balance:
    positive: int = 0
    concern: int = 0

    @property
    def label(self) -> str:
        """``"3:1"``: positive to concern."""
        return f"{self.positive}:{self.concern}"

    @property
    def ratio(self) -> float | None:
        """Positive notes per concern; None with no concern (nothing to divide by)."""
        return self.positive / self.concern if self.concern else None


@dataclass(frozen=True)
class CaregiverPositivity:
    caregiver_id: int
    first_contact_kind: str = ""
    first_contact_at: datetime | None = None
    balance: Balance = Balance()

    @property
    def first_contact_positive(self) -> bool | None:
        if not self.first_contact_kind:
            return None
        return self.first_contact_kind == Kind.PROGRESS_POSITIVE

    @property
    def had_positive(self) -> bool:
        return self.balance.positive > 0


def summarize(
    rows: Iterable[tuple[int, str, datetime, int]],
) -> dict[int, CaregiverPositivity]:
    """Pure: ``(caregiver_id, kind, created_at, message_id)`` contact rows → per caregiver.

    Ties in time are broken by message id (the row written first came first).
    """
    first: dict[int, tuple[datetime, int, str]] = {}
    positive: dict[int, int] = {}
    concern: dict[int, int] = {}
    for caregiver_id, kind, created_at, message_id in rows:
        current = first.get(caregiver_id)
        if current is None or (created_at, message_id) < current[:2]:
            first[caregiver_id] = (created_at, message_id, kind)
        if kind == Kind.PROGRESS_POSITIVE:
            positive[caregiver_id] = positive.get(caregiver_id, 0) + 1
        elif kind == Kind.PROGRESS_CONCERN:
            concern[caregiver_id] = concern.get(caregiver_id, 0) + 1
    return {
        caregiver_id: CaregiverPositivity(
            caregiver_id,
            first_contact_kind=kind,
            first_contact_at=at,
            balance=Balance(positive.get(caregiver_id, 0), concern.get(caregiver_id, 0)),
        )
        for caregiver_id, (at, _pk, kind) in first.items()
    }


def for_caregivers(
    caregiver_ids: Iterable[int], year: SchoolYear
) -> dict[int, CaregiverPositivity]:
    """Each caregiver's positivity this year; a caregiver with no contact gets an empty one."""
    ids = list(caregiver_ids)
    rows = contacts(year).filter(conversation__caregiver_id__in=ids)
    found = summarize(rows.values_list("conversation__caregiver_id", "kind", "created_at", "pk"))
    return {pk: found.get(pk, CaregiverPositivity(pk)) for pk in ids}


def _balance(messages: QuerySet[Message]) -> Balance:
    counts = messages.filter(kind__in=NOTE_KINDS).aggregate(
        positive=Count("pk", filter=Q(kind=Kind.PROGRESS_POSITIVE)),
        concern=Count("pk", filter=Q(kind=Kind.PROGRESS_CONCERN)),
    )
    return Balance(counts["positive"] or 0, counts["concern"] or 0)


def teacher_balance(staff_id: int, year: SchoolYear) -> Balance:
    """The notes ``staff_id`` wrote this year that reached (or are on their way to) a family."""
    return _balance(contacts(year).filter(author_id=staff_id))


def school_balance(school_id: int, year: SchoolYear) -> Balance:
    return _balance(contacts(year).filter(conversation__school_id=school_id))


def students_without_positive(student_ids: Iterable[int], year: SchoolYear) -> set[int]:
    """The students among ``student_ids`` none of whose contactable caregivers has had a
    positive note this year (about any child: good news reached the family either way).

    A student with no contactable caregiver is not in the result: no note can reach anyone
    (the no-positive page counts them apart).
    """
    ids = list(student_ids)
    links = list(
        CaregiverLink.objects.filter(
            student_id__in=ids, may_contact=True, caregiver__is_active=True
        ).values_list("student_id", "caregiver_id")
    )
    positive = set(
        contacts(year)
        .filter(
            kind=Kind.PROGRESS_POSITIVE,
            conversation__caregiver_id__in={caregiver for _s, caregiver in links},
        )
        .values_list("conversation__caregiver_id", flat=True)
    )
    reachable: dict[int, bool] = {}
    for student_id, caregiver_id in links:
        reachable[student_id] = reachable.get(student_id, False) or caregiver_id in positive
    return {student_id for student_id, heard in reachable.items() if not heard}
