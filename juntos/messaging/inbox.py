"""The staff inbox: school-day arithmetic for follow-up targets, and the inbox's reads.

Everything here reads; the writes (marking read, reassigning, flagging) are in
``inbox_actions``. Rows are always taken from ``queries.conversations_for``, so the inbox shows
exactly the conversations the signed-in staff member may open.

School days (docs/messaging.md, "Inbox"): Monday to Friday in the district's time zone. The
time a family message has waited is the part of the elapsed time that fell on school days, in
days (a day is a local calendar day, so the 23- and 25-hour days of a daylight-saving change
each count as one). Holidays are not known to Juntos yet: they count as school days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.timesince import timesince

from juntos.language import registry
from juntos.messaging import queries
from juntos.messaging.models import Conversation, Message, MessageRendition
from juntos.people.models import (
    CaregiverLink,
    Role,
    School,
    SectionAssignment,
    Staff,
    StaffRole,
    StudentEnrollment,
    StudentSchool,
)
from juntos.people.queries import SCHOOL_WIDE_ROLES, caregivers_for, schools_for, scope_for

# The School model's default: used for a conversation attached to no school.
DEFAULT_FOLLOW_UP_SCHOOL_DAYS = 2
# At most this many rows on one inbox page (the counts cover every matching conversation).
PAGE_SIZE = 100
SCHOOL_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday..Friday, date.weekday()


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def school_days_between(start: datetime, end: datetime, tz: str | ZoneInfo) -> float:
    """How many school days (Monday to Friday, in ``tz``) passed from ``start`` to ``end``.

    Each local calendar day contributes the fraction of it that lies between the two instants
    if it is a weekday, nothing if it falls on a weekend. ``end`` before ``start`` gives 0.
    Both instants must be aware.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("school_days_between needs aware datetimes")
    if end <= start:
        return 0.0
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz or "UTC")
    first = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    total = 0.0
    day = first
    while day <= last:
        if day.weekday() in SCHOOL_WEEKDAYS:
            day_start = _local_midnight(day, zone)
            day_end = _local_midnight(day + timedelta(days=1), zone)
            overlap = min(end, day_end) - max(start, day_start)
            if overlap > timedelta(0):
                total += overlap / (day_end - day_start)
        day += timedelta(days=1)
    return total


def follow_up_target(school: School | None) -> int:
    return school.follow_up_school_days if school is not None else DEFAULT_FOLLOW_UP_SCHOOL_DAYS


def owner_language(owner: Staff | None, district_default: str) -> str:
    """The language a conversation's owner reads: their first language, else the district's."""
    if owner is not None and owner.languages:
        return registry.normalize(str(owner.languages[0]))
    return registry.normalize(district_default or "en")


# --- The inbox ---------------------------------------------------------------------------------

SHOW_MINE, SHOW_ALL = "mine", "all"
STATUS_OPEN, STATUS_UNANSWERED, STATUS_UNREAD, STATUS_CLOSED, STATUS_ALL = (
    "open", "unanswered", "unread", "closed", "all",
)  # fmt: skip
OWNER_NONE = "none"


@dataclass(frozen=True)
class InboxFilters:
    show: str = SHOW_MINE
    school_id: int | None = None
    language: str = ""
    # "" any owner, "none" no owner, else a staff id.
    owner: str = ""
    status: str = STATUS_OPEN


def _family_unread() -> Q:
    # Staff notes (kind SYSTEM) are always direction "out": only family messages are "in".
    return Q(messages__direction=Message.Direction.IN, messages__read_at__isnull=True)


def filtered_conversations(
    user: Any, filters: InboxFilters, *, with_status: bool = True
) -> QuerySet[Conversation]:
    """The conversations the user may see, narrowed by the filters (status optional)."""
    scope = scope_for(user)
    qs = queries.conversations_for(user)
    if filters.owner == OWNER_NONE:
        qs = qs.filter(owner__isnull=True)
    elif filters.owner.isdigit():
        qs = qs.filter(owner_id=int(filters.owner))
    elif filters.show == SHOW_MINE and scope.staff is not None:
        qs = qs.filter(owner=scope.staff)
    if filters.school_id is not None:
        qs = qs.filter(school_id=filters.school_id)
    if filters.language:
        spoken = Message.objects.filter(
            conversation=OuterRef("pk"),
            direction=Message.Direction.IN,
            language=filters.language,
        )
        qs = qs.filter(Q(caregiver__preferred_language=filters.language) | Q(Exists(spoken)))
    if not with_status:
        return qs
    if filters.status == STATUS_OPEN:
        qs = qs.filter(status=Conversation.Status.OPEN)
    elif filters.status == STATUS_UNANSWERED:
        qs = qs.filter(status=Conversation.Status.OPEN, unanswered_since__isnull=False)
    elif filters.status == STATUS_UNREAD:
        unread = Message.objects.filter(
            conversation=OuterRef("pk"), direction=Message.Direction.IN, read_at__isnull=True
        )
        qs = qs.filter(Exists(unread))
    elif filters.status == STATUS_CLOSED:
        qs = qs.filter(status=Conversation.Status.CLOSED)
    return qs


@dataclass(frozen=True)
class InboxCounts:
    unread_messages: int
    unanswered: int
    flagged: int
    oldest_unanswered_at: datetime | None
    oldest_unanswered_age: str


def inbox_counts(user: Any, filters: InboxFilters, *, now: datetime | None = None) -> InboxCounts:
    """The header of the inbox, over every conversation the filters select (status aside)."""
    now = now or timezone.now()
    qs = filtered_conversations(user, filters, with_status=False)
    open_qs = qs.filter(status=Conversation.Status.OPEN)
    waiting = open_qs.filter(unanswered_since__isnull=False).aggregate(
        unanswered=Count("pk"),
        flagged=Count("pk", filter=Q(flagged_owner_at__isnull=False)),
        oldest=Min("unanswered_since"),
    )
    unread = Message.objects.filter(
        conversation__in=qs.values("pk"),
        direction=Message.Direction.IN,
        read_at__isnull=True,
    )
    oldest: datetime | None = waiting["oldest"]
    return InboxCounts(
        unread_messages=unread.count(),
        unanswered=waiting["unanswered"],
        flagged=waiting["flagged"],
        oldest_unanswered_at=oldest,
        oldest_unanswered_age=timesince(oldest, now, depth=1) if oldest is not None else "",
    )


@dataclass
class InboxRow:
    conversation: Conversation
    last_message: Message | None
    preview: str
    preview_language: str
    language: registry.Language
    unread: int
    flagged_owner: bool
    flagged_leader: bool
    waiting_age: str


def _preview(message: Message | None, reader_language: str) -> tuple[str, str]:
    """The last message's text as the owner reads it: the family's words in the owner's language
    when a usable rendition exists, else as written."""
    if message is None:
        return "", ""
    if message.direction == Message.Direction.IN:
        for rendition in message.renditions.all():
            needs_human = bool((rendition.details or {}).get("needs_human"))
            if rendition.language == reader_language and not needs_human:
                return rendition.text, rendition.language
    return message.body, message.language


def inbox_rows(
    user: Any, filters: InboxFilters, *, now: datetime | None = None, limit: int = PAGE_SIZE
) -> list[InboxRow]:
    """The inbox's rows: flagged first, then the oldest unanswered, then the most recent."""
    now = now or timezone.now()
    # Staff notes (reassigned, closed) are not what a conversation is about: never previewed.
    latest = (
        Message.objects.filter(conversation=OuterRef("pk"))
        .exclude(kind=Message.Kind.SYSTEM)
        .order_by("-created_at", "-pk")
    )
    qs = (
        filtered_conversations(user, filters)
        .select_related("caregiver__district", "student", "school", "owner")
        .annotate(
            last_message_id=Subquery(latest.values("pk")[:1]),
            last_message_at=Subquery(latest.values("created_at")[:1]),
            unread=Count("messages", filter=_family_unread()),
            is_flagged=Case(
                When(flagged_owner_at__isnull=False, unanswered_since__isnull=False, then=0),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by(
            "is_flagged",
            F("unanswered_since").asc(nulls_last=True),
            F("last_message_at").desc(nulls_last=True),
            "-pk",
        )[:limit]
    )
    conversations = list(qs)
    message_ids = [c.last_message_id for c in conversations if c.last_message_id]
    messages = {
        message.pk: message
        for message in Message.objects.filter(pk__in=message_ids).prefetch_related(
            Prefetch("renditions", queryset=MessageRendition.objects.order_by("pk"))
        )
    }
    rows = []
    for conversation in conversations:
        message = messages.get(conversation.last_message_id)
        reader = owner_language(
            conversation.owner, conversation.caregiver.district.default_language
        )
        preview, preview_language = _preview(message, reader)
        since = conversation.unanswered_since
        rows.append(
            InboxRow(
                conversation=conversation,
                last_message=message,
                preview=preview,
                preview_language=preview_language,
                language=registry.get(conversation.caregiver.preferred_language),
                unread=conversation.unread,
                flagged_owner=since is not None and conversation.flagged_owner_at is not None,
                flagged_leader=since is not None and conversation.flagged_leader_at is not None,
                waiting_age=timesince(since, now, depth=1) if since is not None else "",
            )
        )
    return rows


def filter_choices(user: Any) -> dict[str, list[tuple[str, str]]]:
    """The options of the inbox's filters, from what the user may see."""
    visible = queries.conversations_for(user)
    schools = [(str(s.pk), s.name) for s in schools_for(user).order_by("name")]
    codes = set(visible.values_list("caregiver__preferred_language", flat=True).distinct())
    codes |= set(
        Message.objects.filter(conversation__in=visible.values("pk"), direction="in")
        .exclude(language__in=("", "und"))
        .values_list("language", flat=True)
        .distinct()
    )
    languages = sorted(
        ((code, registry.get(code).english_name) for code in codes if code),
        key=lambda pair: pair[1],
    )
    owners = [
        (str(s.pk), s.display_name)
        for s in Staff.objects.filter(pk__in=visible.values("owner_id")).order_by(
            "family_name", "given_name"
        )
    ]
    return {"schools": schools, "languages": languages, "owners": owners}


# --- Reassignment and triage -----------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    staff: Staff
    speaks_language: bool
    is_current: bool


def _speaks(staff: Staff, language: str) -> bool:
    primary = language.split("-")[0].lower()
    return any(str(tag).split("-")[0].lower() == primary for tag in staff.languages or [])


def may_own(staff: Staff, conversation: Conversation) -> bool:
    """A staff member may own a conversation when they may see its caregiver."""
    if not staff.is_active or staff.district_id != conversation.caregiver.district_id:
        return False
    return caregivers_for(staff.user).filter(pk=conversation.caregiver_id).exists()


def _staff_who_may_see(caregiver_id: int) -> set[int]:
    """Ids of staff whose scope includes the caregiver, in four queries for any number of staff
    (the rules of ``people.queries``: district admins; leaders, counselors and liaisons of a
    school of one of the caregiver's children; teachers of one of their active classes).
    Only a listing: the action checks the chosen person with ``may_own``."""
    students = CaregiverLink.objects.filter(caregiver_id=caregiver_id).values("student_id")
    schools = StudentSchool.objects.filter(student_id__in=students).values("school_id")
    sections = StudentEnrollment.objects.filter(
        student_id__in=students, section__is_active=True
    ).values("section_id")
    ids = set(
        StaffRole.objects.filter(
            Q(role=Role.DISTRICT_ADMIN) | Q(role__in=SCHOOL_WIDE_ROLES, school_id__in=schools)
        ).values_list("staff_id", flat=True)
    )
    ids |= set(
        SectionAssignment.objects.filter(section_id__in=sections).values_list("staff_id", flat=True)
    )
    return ids


def reassignment_candidates(conversation: Conversation) -> list[Candidate]:
    """Active staff of the conversation's school who may see the family, speakers of the
    family's language first."""
    roles = StaffRole.objects.filter(staff__is_active=True)
    if conversation.school_id is not None:
        roles = roles.filter(Q(school_id=conversation.school_id) | Q(role=Role.DISTRICT_ADMIN))
    else:
        roles = roles.filter(
            Q(role=Role.DISTRICT_ADMIN) | Q(school__district_id=conversation.caregiver.district_id)
        )
    staff = (
        Staff.objects.filter(
            pk__in=roles.values("staff_id"), district_id=conversation.caregiver.district_id
        )
        .select_related("user")
        .order_by("family_name", "given_name", "pk")
    )
    language = conversation.caregiver.preferred_language
    may_see = _staff_who_may_see(conversation.caregiver_id)
    found = [
        Candidate(
            staff=member,
            speaks_language=_speaks(member, language),
            is_current=member.pk == conversation.owner_id,
        )
        for member in staff
        if member.pk in may_see
    ]
    return sorted(found, key=lambda c: not c.speaks_language)


def triage_messages(user: Any, *, handled: bool = False) -> QuerySet[Message]:
    """Messages from unknown senders: waiting ones, or those already dismissed (``read_at``
    set: a triage message a person dismissed as handled)."""
    return queries.triage_for(user).filter(read_at__isnull=not handled)


def unowned_conversations(user: Any) -> QuerySet[Conversation]:
    """Open conversations nobody owns, for the staff who read triage."""
    if not queries.may_read_triage(user):
        return Conversation.objects.none()
    return (
        queries.conversations_for(user)
        .filter(owner__isnull=True, status=Conversation.Status.OPEN)
        .select_related("caregiver", "student", "school")
        .order_by(F("unanswered_since").asc(nulls_last=True), "-pk")
    )
