"""Every insights metric, defined once: what it counts, out of what, over which period.

Each metric is a :class:`Metric` (data: name, plain-language definition, numerator, denominator,
period — the "How we count" page lists exactly these) and a function that computes it for a
:class:`Population` (the district, or some of its schools) over a :class:`Period`. The
functions run aggregates in the database: one grouped query per breakdown, with correlated
``EXISTS`` subqueries for "was this family reached" (the indexes they rely on are in this app's
migrations). Nothing here loops over deliveries or messages in Python.

Every count of people leaves this module already suppressed (suppression.py): a group of 1 to
4 people is hidden, and so is the next smallest group of the same breakdown when a total is
shown (complementary suppression). A share is shown only when both its numerator and its
denominator are shown. Numerators of a group whose denominator is hidden are hidden too.

Definitions are in docs/insights.md; a definition changes here and there together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from juntos.events.models import Attendance, Invitation, Rsvp
from juntos.insights.models import Attempt
from juntos.insights.suppression import Cell, suppress_line
from juntos.language import registry
from juntos.messaging import positivity
from juntos.messaging.announcement_queries import CALL_PREFIX
from juntos.messaging.inbox import follow_up_target, school_days_between
from juntos.messaging.models import Conversation, Delivery, Message
from juntos.people.models import (
    Caregiver,
    CaregiverLink,
    Channel,
    ContactPoint,
    District,
    Relationship,
    School,
    Student,
    StudentSchool,
)

# --- Definitions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    name: Promise
    definition: Promise
    numerator: Promise
    denominator: Promise
    period: Promise
    breakdowns: tuple[Promise, ...] = ()
    # False while the data it counts does not exist in Juntos yet: shown as "no data yet".
    available: bool = True


SCHOOL_YEAR_TO_DATE = _("The school year so far (from its first day to now).")
LANGUAGE = _("home language")
SCHOOL = _("school")
GRADE = _("grade")
RELATIONSHIP = _("relationship")
CHANNEL = _("preferred channel")

METRICS: tuple[Metric, ...] = (
    Metric(
        "reach_delivered",
        _("Families who received a message"),
        _(
            "The share of students whose family (any adult linked to the student) received at "
            "least one message that was confirmed delivered. A message that was only sent, "
            "that failed, or that was not sent at all does not count."
        ),
        _("Students with at least one delivered message to one of their family's adults."),
        _("Active students."),
        SCHOOL_YEAR_TO_DATE,
        (LANGUAGE, SCHOOL, GRADE, RELATIONSHIP, CHANNEL),
    ),
    Metric(
        "reach_two_way",
        _("Families in a two-way exchange"),
        _(
            "The share of students whose family talked with the school: an adult of the family "
            "sent a message (a reply, a text, an email), or staff logged a call or a visit that "
            "reached them."
        ),
        _(
            "Students with a family message, a reached call from the call list, or a reached "
            "attempt on the unreached-families worklist."
        ),
        _("Active students."),
        SCHOOL_YEAR_TO_DATE,
        (LANGUAGE, SCHOOL, GRADE, RELATIONSHIP, CHANNEL),
    ),
    Metric(
        "follow_up_time",
        _("Time to answer a family"),
        _(
            "For each message a family sent, the time until the first staff reply in the same "
            "conversation. We show the median (half are answered faster) and the 90th "
            "percentile (nine in ten are answered faster)."
        ),
        _("The time from a family message to the first staff reply after it."),
        _("Family messages that have been answered."),
        SCHOOL_YEAR_TO_DATE,
    ),
    Metric(
        "follow_up_waiting",
        _("Family messages waiting past the target"),
        _(
            "Conversations where a family message has waited for a staff reply longer than the "
            "school's follow-up target (in school days, Monday to Friday)."
        ),
        _("Conversations whose oldest unanswered family message is past the target."),
        _("Not a share: a count of conversations, now."),
        _("Now."),
    ),
    Metric(
        "contact_health",
        _("Families with no working channel"),
        _(
            "Adults we cannot reach by phone or email: they have no phone number or email at "
            "all, or every one they have opted out, is marked failing, or failed on its last "
            "message (a bounced email, a failed text)."
        ),
        _("Active caregivers with no working phone number or email."),
        _("Active caregivers of active students, by their preferred language."),
        _("Now."),
        (_("preferred language"),),
    ),
    Metric(
        "positive_first",
        _("Positive first contact"),
        _(
            "Of the families a staff member contacted personally this school year (a progress "
            "note or a reply; announcements do not count), the share whose first contact was a "
            "positive note."
        ),
        _("Caregivers whose first personal contact of the year was a positive note."),
        _("Caregivers who had at least one personal contact this year."),
        _("The school year."),
        (_("preferred language"),),
    ),
    Metric(
        "events",
        _("Events: invited, said yes, came"),
        _(
            "For the events of the school year: the families invited, those who answered yes, "
            "and those marked present at the door (walk-ins without a family record are not "
            "counted)."
        ),
        _("Invitations answered yes; invitations with the family marked present."),
        _("Invitations."),
        SCHOOL_YEAR_TO_DATE,
        (_("preferred language"),),
    ),
    Metric(
        "voice",
        _("Voice: who takes part in listening and teams"),
        _(
            "Participation in listening sessions, idea exchanges, surveys and partnership "
            "teams by language, against enrollment."
        ),
        _("Participants."),
        _("Active students' families."),
        SCHOOL_YEAR_TO_DATE,
        available=False,
    ),
    Metric(
        "loop",
        _("Closing the loop"),
        _(
            "The share of family input linked to a commitment, the days from input to a "
            "commitment's first change, and the updates sent to families."
        ),
        _("Family inputs linked to a commitment."),
        _("Family inputs."),
        SCHOOL_YEAR_TO_DATE,
        available=False,
    ),
)

BY_KEY = {metric.key: metric for metric in METRICS}


# --- Who and when ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive


def school_year_at(district: District, now: datetime) -> positivity.SchoolYear:
    try:
        zone = ZoneInfo(district.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return positivity.school_year(district, today=now.astimezone(zone).date())


def school_year_to_date(district: District, *, now: datetime | None = None) -> Period:
    now = now or timezone.now()
    year = school_year_at(district, now)
    return Period(year.starts_at, min(now, year.ends_at))


@dataclass(frozen=True)
class Population:
    """The students a report covers: a district, or some of its schools."""

    district_id: int
    school_ids: frozenset[int] | None = None  # None: the whole district

    def students(self) -> QuerySet[Student]:
        students = Student.objects.filter(district_id=self.district_id, is_active=True)
        if self.school_ids is not None:
            attending = StudentSchool.objects.filter(
                student=OuterRef("pk"), school_id__in=self.school_ids
            )
            students = students.filter(Exists(attending))
        return students

    def caregivers(self) -> QuerySet[Caregiver]:
        linked = CaregiverLink.objects.filter(caregiver=OuterRef("pk"), student__in=self.students())
        return Caregiver.objects.filter(district_id=self.district_id, is_active=True).filter(
            Exists(linked)
        )

    def schools(self) -> QuerySet[School]:
        schools = School.objects.filter(district_id=self.district_id)
        if self.school_ids is not None:
            schools = schools.filter(pk__in=self.school_ids)
        return schools


# --- Published figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    # The group's size (students, caregivers or invitations) and its share of all of them.
    size: Cell
    size_share: float | None
    values: dict[str, Cell]
    shares: dict[str, float | None]


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    flags: tuple[str, ...]
    rows: list[Row]
    total: Row


def _share(numerator: Cell, denominator: Cell) -> float | None:
    if numerator.value is None or denominator.value is None or denominator.value == 0:
        return None
    return numerator.value / denominator.value


def build_breakdown(
    dimension: str,
    counts: dict[str, dict[str, int]],
    flags: tuple[str, ...],
    label: Callable[[str], str],
    *,
    order_by: str | None = None,
) -> Breakdown:
    """Suppress a breakdown: ``counts[group] = {"n": size, flag: count, ...}``.

    Sizes first (with complementary suppression against the total); then each flag's line,
    with the groups whose size is hidden forced hidden. Rows are ordered by the share of
    ``order_by`` (lowest first, hidden last), else by label.
    """
    sizes = suppress_line({key: value["n"] for key, value in counts.items()})
    hidden = frozenset(key for key, cell in sizes.cells.items() if cell.suppressed)
    lines = {
        flag: suppress_line({key: value[flag] for key, value in counts.items()}, hide=hidden)
        for flag in flags
    }
    rows = []
    for key in counts:
        size = sizes.cells[key]
        values = {flag: lines[flag].cells[key] for flag in flags}
        rows.append(
            Row(
                key,
                label(key),
                size,
                _share(size, sizes.total),
                values,
                {flag: _share(values[flag], size) for flag in flags},
            )
        )
    if order_by is not None:
        rows.sort(
            key=lambda row: (row.shares[order_by] is None, row.shares[order_by] or 0, row.label)
        )
    else:
        rows.sort(key=lambda row: row.label)
    totals = {flag: lines[flag].total for flag in flags}
    total = Row(
        "",
        str(_("All")),
        sizes.total,
        1.0 if sizes.total.value else None,
        totals,
        {flag: _share(totals[flag], sizes.total) for flag in flags},
    )
    return Breakdown(dimension, flags, rows, total)


def grouped(units: QuerySet[Any], key: str, flags: dict[str, Any]) -> dict[str, dict[str, int]]:
    """One grouped query: each group's size and, per flag, how many units satisfy it."""
    rows = (
        units.order_by()
        .values(key)
        .annotate(n=Count("pk"), **{name: Count("pk", filter=expr) for name, expr in flags.items()})
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        group = "" if row[key] is None else str(row[key])
        slot = counts.setdefault(group, dict.fromkeys(["n", *flags], 0))
        for name in ["n", *flags]:
            slot[name] += int(row[name])
    return counts


def language_label(code: str) -> str:
    if not code:
        return str(_("Not recorded"))
    try:
        return registry.get(code).english_name
    except registry.InvalidLanguage:
        return code


def grade_label(code: str) -> str:
    return code or str(_("Not recorded"))


def channel_label(code: str) -> str:
    try:
        return str(Channel(code).label)
    except ValueError:
        return code or str(_("None chosen"))


def relationship_label(code: str) -> str:
    try:
        return str(Relationship(code).label)
    except ValueError:
        return code


# --- Reach -----------------------------------------------------------------------------------

DELIVERED, TWO_WAY = "delivered", "two_way"


def delivered_to(caregiver_ref: str, period: Period) -> Exists:
    """The caregiver at ``OuterRef(caregiver_ref)`` got a delivered message in the period."""
    return Exists(
        Delivery.objects.filter(
            caregiver_id=OuterRef(caregiver_ref),
            status=Delivery.Status.DELIVERED,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
    )


def talked_with(caregiver_ref: str, period: Period) -> Q:
    """The caregiver sent a message, or a staff call from the call list reached them."""
    replied = Exists(
        Message.objects.filter(
            direction=Message.Direction.IN,
            conversation__caregiver_id=OuterRef(caregiver_ref),
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
    )
    called = Exists(
        Delivery.objects.filter(
            caregiver_id=OuterRef(caregiver_ref),
            status=Delivery.Status.DELIVERED,
            provider_id__startswith=CALL_PREFIX,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
    )
    return Q(replied) | Q(called)


def reached_attempt(student_ref: str, period: Period) -> Exists:
    return Exists(
        Attempt.objects.filter(
            student_id=OuterRef(student_ref),
            outcome=Attempt.Outcome.REACHED,
            at__gte=period.start,
            at__lt=period.end,
        )
    )


def student_flags(student_ref: str, period: Period) -> dict[str, Any]:
    """The reach flags of the student at ``OuterRef(student_ref)``."""
    links = CaregiverLink.objects.filter(student_id=OuterRef(student_ref))
    return {
        DELIVERED: Q(Exists(links.filter(delivered_to("caregiver_id", period)))),
        TWO_WAY: Q(Exists(links.filter(talked_with("caregiver_id", period))))
        | Q(reached_attempt(student_ref, period)),
    }


def reach(population: Population, period: Period, dimension: str) -> Breakdown:
    """Reach (delivered, two-way) by ``language``, ``grade``, ``school``, ``relationship`` or
    ``channel`` (the adult's first channel preference)."""
    flags_order = (DELIVERED, TWO_WAY)
    students = population.students()
    if dimension == "school":
        units: QuerySet[Any] = StudentSchool.objects.filter(student__in=students)
        if population.school_ids is not None:
            units = units.filter(school_id__in=population.school_ids)
        counts = grouped(units, "school_id", student_flags("student_id", period))
        names = {str(pk): name for pk, name in population.schools().values_list("pk", "name")}
        return build_breakdown(
            dimension, counts, flags_order, lambda key: names.get(key, key), order_by=DELIVERED
        )
    if dimension in ("relationship", "channel"):
        # Per adult: was this caregiver of the student reached (not any adult of the family)?
        links = CaregiverLink.objects.filter(student__in=students, caregiver__is_active=True)
        links = links.annotate(channel=KeyTextTransform("0", "caregiver__channel_preferences"))
        attempt = Exists(
            Attempt.objects.filter(
                Q(caregiver_id=OuterRef("caregiver_id")) | Q(caregiver__isnull=True),
                student_id=OuterRef("student_id"),
                outcome=Attempt.Outcome.REACHED,
                at__gte=period.start,
                at__lt=period.end,
            )
        )
        flags = {
            DELIVERED: Q(delivered_to("caregiver_id", period)),
            TWO_WAY: talked_with("caregiver_id", period) | Q(attempt),
        }
        counts = grouped(links, dimension, flags)
        label = relationship_label if dimension == "relationship" else channel_label
        return build_breakdown(dimension, counts, flags_order, label, order_by=DELIVERED)
    field_name, label = {
        "language": ("home_language", language_label),
        "grade": ("grade", grade_label),
    }[dimension]
    counts = grouped(students, field_name, student_flags("pk", period))
    return build_breakdown(dimension, counts, flags_order, label, order_by=DELIVERED)


# --- Follow-up -------------------------------------------------------------------------------


class _Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY x)`` (linear interpolation)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: list[timedelta], fraction: float) -> timedelta:
    """The same interpolation as ``percentile_cont``, for databases without it."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class FollowUp:
    family_messages: Cell
    answered: Cell
    median: timedelta | None
    p90: timedelta | None
    waiting_past_target: Cell


def _conversations(population: Population) -> QuerySet[Conversation]:
    conversations = Conversation.objects.filter(caregiver__district_id=population.district_id)
    if population.school_ids is not None:
        conversations = conversations.filter(school_id__in=population.school_ids)
    return conversations


def follow_up(population: Population, period: Period, *, now: datetime | None = None) -> FollowUp:
    now = now or timezone.now()
    family = Message.objects.filter(
        direction=Message.Direction.IN,
        conversation__in=_conversations(population),
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    first_answer = (
        Message.objects.filter(
            conversation_id=OuterRef("conversation_id"),
            direction=Message.Direction.OUT,
            kind=Message.Kind.REPLY,
            created_at__gt=OuterRef("created_at"),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    answered = (
        family.annotate(answered_at=Subquery(first_answer))
        .filter(answered_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("answered_at") - F("created_at"), output_field=DurationField())
        )
    )
    counted = family.count()
    answered_count = answered.count()
    median = p90 = None
    answered_cell = suppress_line({"all": answered_count}).cells["all"]
    if answered_count and answered_cell.value is not None:
        if connection.vendor == "postgresql":
            figures = answered.aggregate(
                median=_Percentile("wait", 0.5, output_field=DurationField()),
                p90=_Percentile("wait", 0.9, output_field=DurationField()),
            )
            median, p90 = figures["median"], figures["p90"]
        else:
            waits = list(answered.values_list("wait", flat=True))
            median, p90 = percentile(waits, 0.5), percentile(waits, 0.9)
    waiting = 0
    candidates = (
        _conversations(population)
        .filter(unanswered_since__isnull=False, unanswered_since__lt=now - timedelta(days=1))
        .select_related("school", "caregiver__district")
        .only("unanswered_since", "school", "caregiver__district__time_zone")
    )
    for conversation in candidates.iterator(chunk_size=2000):
        assert conversation.unanswered_since is not None  # noqa: S101 - filtered above
        waited = school_days_between(
            conversation.unanswered_since, now, conversation.caregiver.district.time_zone
        )
        if waited > follow_up_target(conversation.school):
            waiting += 1
    return FollowUp(
        suppress_line({"all": counted}).cells["all"],
        answered_cell,
        median,
        p90,
        suppress_line({"all": waiting}).cells["all"],
    )


# --- Contact health --------------------------------------------------------------------------

NO_WORKING_CHANNEL, NO_CONTACT = "no_working_channel", "no_contact"


def working_contact(caregiver_ref: str) -> Exists:
    """A phone number or email that is not opted out, not failing, and whose last finished
    delivery did not fail."""
    last_status = (
        Delivery.objects.filter(caregiver_id=OuterRef("caregiver_id"), to=OuterRef("value"))
        .filter(
            status__in=(
                Delivery.Status.SENT,
                Delivery.Status.DELIVERED,
                Delivery.Status.FAILED,
            )
        )
        .order_by("-updated_at", "-pk")
        .values("status")[:1]
    )
    working = (
        ContactPoint.objects.filter(
            caregiver_id=OuterRef(caregiver_ref),
            opted_out_at__isnull=True,
            failing_since__isnull=True,
        )
        .annotate(last_status=Subquery(last_status))
        .filter(Q(last_status__isnull=True) | ~Q(last_status=Delivery.Status.FAILED))
    )
    return Exists(working)


def contact_health(population: Population) -> Breakdown:
    flags = {
        NO_WORKING_CHANNEL: ~Q(working_contact("pk")),
        NO_CONTACT: ~Q(Exists(ContactPoint.objects.filter(caregiver_id=OuterRef("pk")))),
    }
    counts = grouped(population.caregivers(), "preferred_language", flags)
    return build_breakdown("language", counts, (NO_WORKING_CHANNEL, NO_CONTACT), language_label)


# --- Positive first --------------------------------------------------------------------------

POSITIVE_FIRST = "positive_first"


@dataclass(frozen=True)
class SchoolBalance:
    school: str
    positive: int
    concern: int


@dataclass(frozen=True)
class PositiveFirst:
    by_language: Breakdown
    # Notes counted, not families: no small-group suppression (positivity.py).
    schools: list[SchoolBalance] = field(default_factory=list)
    # The same per author (teachers, mostly), for the notes in the population's conversations.
    authors: list[SchoolBalance] = field(default_factory=list)


def author_balances(population: Population, year: positivity.SchoolYear) -> list[SchoolBalance]:
    """Positive notes and concerns per author, in one grouped query."""
    notes = positivity.contacts(year).filter(
        kind__in=positivity.NOTE_KINDS,
        author__isnull=False,
        conversation__caregiver__district_id=population.district_id,
    )
    if population.school_ids is not None:
        notes = notes.filter(conversation__school_id__in=population.school_ids)
    rows = (
        notes.order_by()
        .values("author__given_name", "author__family_name")
        .annotate(
            positive=Count("pk", filter=Q(kind=Message.Kind.PROGRESS_POSITIVE)),
            concern=Count("pk", filter=Q(kind=Message.Kind.PROGRESS_CONCERN)),
        )
    )
    balances = [
        SchoolBalance(
            f"{row['author__given_name']} {row['author__family_name']}".strip(),
            row["positive"],
            row["concern"],
        )
        for row in rows
    ]
    return sorted(balances, key=lambda balance: balance.school)


def positive_first(population: Population, year: positivity.SchoolYear) -> PositiveFirst:
    first_kind = (
        positivity.contacts(year)
        .filter(conversation__caregiver_id=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("kind")[:1]
    )
    contacted = population.caregivers().annotate(first_kind=Subquery(first_kind))
    contacted = contacted.filter(first_kind__isnull=False)
    counts = grouped(
        contacted,
        "preferred_language",
        {POSITIVE_FIRST: Q(first_kind=Message.Kind.PROGRESS_POSITIVE)},
    )
    schools = []
    for school in population.schools().order_by("name"):
        balance = positivity.school_balance(school.pk, year)
        schools.append(SchoolBalance(school.name, balance.positive, balance.concern))
    return PositiveFirst(
        build_breakdown("language", counts, (POSITIVE_FIRST,), language_label),
        schools,
        author_balances(population, year),
    )


# --- Events ----------------------------------------------------------------------------------

RSVP_YES, ATTENDED = "rsvp_yes", "attended"


def events(population: Population, period: Period) -> Breakdown:
    invitations = Invitation.objects.filter(
        event__district_id=population.district_id,
        event__created_at__gte=period.start,
        event__created_at__lt=period.end,
    )
    if population.school_ids is not None:
        invitations = invitations.filter(event__school_id__in=population.school_ids)
    flags = {
        RSVP_YES: Q(
            Exists(
                Rsvp.objects.filter(
                    event_id=OuterRef("event_id"),
                    caregiver_id=OuterRef("caregiver_id"),
                    answer=Rsvp.Answer.YES,
                )
            )
        ),
        ATTENDED: Q(
            Exists(
                Attendance.objects.filter(
                    event_id=OuterRef("event_id"), caregiver_id=OuterRef("caregiver_id")
                )
            )
        ),
    }
    counts = grouped(invitations, "caregiver__preferred_language", flags)
    return build_breakdown("language", counts, (RSVP_YES, ATTENDED), language_label)


# --- Everything for one page -----------------------------------------------------------------


@contextmanager
def without_jit() -> Iterator[None]:
    """Run the block's queries with PostgreSQL's JIT compiler off.

    The metrics are many correlated index lookups, which the planner costs high enough to JIT
    compile; compiling took most of the time of a reach query on a 20,000-student district
    (1.2 s of 1.7 s) for no gain. ``SET LOCAL`` keeps the change to this transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


@dataclass(frozen=True)
class Report:
    period: Period
    reach: dict[str, Breakdown]
    follow_up: FollowUp
    contact_health: Breakdown
    positive_first: PositiveFirst
    events: Breakdown
    unavailable: list[Metric]


REACH_DIMENSIONS = ("language", "school", "grade", "relationship", "channel")


def report(
    population: Population,
    district: District,
    *,
    now: datetime | None = None,
    dimensions: Iterable[str] = REACH_DIMENSIONS,
) -> Report:
    now = now or timezone.now()
    period = school_year_to_date(district, now=now)
    year = school_year_at(district, now)
    with without_jit():
        return _report(population, period, year, now, dimensions)


def _report(
    population: Population,
    period: Period,
    year: positivity.SchoolYear,
    now: datetime,
    dimensions: Iterable[str],
) -> Report:
    return Report(
        period,
        {dimension: reach(population, period, dimension) for dimension in dimensions},
        follow_up(population, period, now=now),
        contact_health(population),
        positive_first(population, year),
        events(population, period),
        [metric for metric in METRICS if not metric.available],
    )
