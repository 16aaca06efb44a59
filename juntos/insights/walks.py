"""The data walk's charts, assembled from the metrics (seed 003; docs/insights.md, "Data walk").

Two steps, so that a printed walk in three languages computes its figures once:

1. :func:`collect` runs the metrics for the walk's population (already suppressed, see
   metrics.py and readiness.py) and keeps plain figures in a :class:`WalkData`;
2. :func:`build_charts` turns them into :class:`charts.Chart` objects with ``gettext`` text, in
   the active language (the page's, or each language of the PDF under ``override``).

A chart with no data yet (nobody in it, or every figure hidden) is left out rather than drawn
empty: the walk is for talking about what the data shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from babel import Locale, UnknownLocaleError
from django.db.models import Count, DateTimeField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from juntos.insights import charts, metrics, readiness
from juntos.insights.charts import Chart
from juntos.insights.metrics import Breakdown, Population
from juntos.insights.models import Observation, ReadinessResponse, ReadinessWave, Story
from juntos.insights.suppression import MINIMUM, Cell
from juntos.language import registry
from juntos.messaging.models import Conversation, Message
from juntos.people.models import District, Role, School
from juntos.people.queries import scope_for
from juntos.teams import queries as team_queries
from juntos.teams.models import Cycle, Member, Team

REACH_LANGUAGE = "reach-language"
TWO_WAY_LANGUAGE = "two-way-language"
REACH_SCHOOL = "reach-school"
FOLLOW_UP_WEEKS = "follow-up-weeks"
CONTACT_LANGUAGE = "contact-language"
POSITIVE_SCHOOL = "positive-first-school"
EVENTS_LANGUAGE = "events-language"
READINESS = "readiness"
# The order of the walk: who we reach, whether we hear back, how fast, who we cannot reach,
# how the year started, who comes, how staff and families see the school.
KEYS = (
    REACH_LANGUAGE,
    TWO_WAY_LANGUAGE,
    REACH_SCHOOL,
    FOLLOW_UP_WEEKS,
    CONTACT_LANGUAGE,
    POSITIVE_SCHOOL,
    EVENTS_LANGUAGE,
    READINESS,
)
WEEKS = 8
PRINTED_LANGUAGES = 6  # English and five more: a printed walk stays a handout
ANSWERED_WITHIN = timedelta(days=2)


@dataclass(frozen=True)
class Week:
    start: date
    messages: int
    answered_in_time: int


@dataclass(frozen=True)
class SchoolShare:
    school: str
    size: Cell
    positive: Cell


@dataclass
class WalkData:
    reach_language: Breakdown
    reach_school: Breakdown | None
    contact: Breakdown
    events: Breakdown
    positive_by_school: list[SchoolShare]
    weeks: list[Week]
    readiness: readiness.Report | None = None
    readiness_wave: ReadinessWave | None = None
    schools: int = 1


def _weeks(population: Population, now: datetime) -> list[Week]:
    """Family messages per week (the last :data:`WEEKS`) and how many were answered within
    :data:`ANSWERED_WITHIN`: one grouped query."""
    conversations = Conversation.objects.filter(caregiver__district_id=population.district_id)
    if population.school_ids is not None:
        conversations = conversations.filter(school_id__in=population.school_ids)
    today = timezone.localdate(now)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
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
    rows = (
        Message.objects.filter(
            direction=Message.Direction.IN,
            conversation__in=conversations,
            created_at__gte=start,
            created_at__lt=now,
        )
        .annotate(answered_at=Subquery(first_answer, output_field=DateTimeField()))
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values("week")
        .annotate(
            n=Count("pk"),
            in_time=Count("pk", filter=Q(answered_at__lte=F("created_at") + ANSWERED_WITHIN)),
        )
    )
    counted = {timezone.localdate(row["week"]): (row["n"], row["in_time"]) for row in rows}
    weeks = []
    for number in range(WEEKS):
        day = first + timedelta(weeks=number)
        n, in_time = counted.get(day, (0, 0))
        weeks.append(Week(day, n, in_time))
    return weeks


def latest_wave(district_id: int, school_id: int | None) -> ReadinessWave | None:
    """The most recent readiness wave of the school (or the district) with any response."""
    place = Q(school__isnull=True) if school_id is None else Q(school_id=school_id)
    return (
        ReadinessWave.objects.filter(place, district_id=district_id)
        .filter(responses__isnull=False)
        .distinct()
        .order_by("-school_year", "-pk")
        .first()
    )


def wave_report(wave: ReadinessWave) -> readiness.Report:
    responses = [
        readiness.Response("staff" if row.role == "staff" else "family", row.language, row.answers)
        for row in ReadinessResponse.objects.filter(wave=wave).order_by("language", "id")
    ]
    return readiness.score(responses)


def collect(
    population: Population,
    district: District,
    *,
    school_id: int | None,
    now: datetime | None = None,
) -> WalkData:
    """Every figure the walk draws, already suppressed."""
    now = now or timezone.now()
    schools = list(population.schools().order_by("name"))
    report = metrics.report(population, district, now=now, dimensions=("language", "school"))
    year = metrics.school_year_at(district, now)
    by_school = []
    with metrics.without_jit():
        for school in schools:
            total = metrics.positive_first(
                Population(population.district_id, frozenset({school.pk})), year
            ).by_language.total
            by_school.append(SchoolShare(school.name, total.size, total.values["positive_first"]))
        weeks = _weeks(population, now)
    wave = latest_wave(population.district_id, school_id)
    return WalkData(
        reach_language=report.reach["language"],
        reach_school=report.reach["school"] if len(schools) > 1 else None,
        contact=report.contact_health,
        events=report.events,
        positive_by_school=by_school,
        weeks=weeks,
        readiness=wave_report(wave) if wave is not None else None,
        readiness_wave=wave,
        schools=len(schools),
    )


# --- Charts -----------------------------------------------------------------------------------


def language_name(code: str) -> str:
    """A home language's name in the reader's language (English when babel has none)."""
    if not code:
        return metrics.language_label(code)
    try:
        reader = Locale.parse((get_language() or "en").replace("-", "_"))
        name = Locale.parse(code.replace("-", "_")).get_display_name(reader)
    except (UnknownLocaleError, ValueError):
        name = None
    return name[:1].upper() + name[1:] if name else metrics.language_label(code)


def _label(breakdown: Breakdown, key: str, label: str) -> str:
    return language_name(key) if breakdown.dimension == "language" else label


def _has_data(breakdown: Breakdown, flag: str) -> bool:
    return breakdown.total.size.value != 0 and any(
        row.shares[flag] is not None for row in breakdown.rows
    )


def _share_rows(breakdown: Breakdown, flag: str) -> list[charts.ShareRow]:
    return [
        {
            "group": _label(breakdown, row.key, row.label),
            "share": row.shares[flag],
            "enrollment_share": row.size_share,
            "suppressed": row.shares[flag] is None
            and (row.size.suppressed or row.values[flag].suppressed),
        }
        for row in breakdown.rows
    ]


def _value_rows(breakdown: Breakdown, flag: str) -> list[charts.ValueRow]:
    return [
        {
            "group": _label(breakdown, row.key, row.label),
            "value": row.shares[flag],
            "suppressed": row.shares[flag] is None,
        }
        for row in breakdown.rows
    ]


def _reach_chart(key: str, breakdown: Breakdown, flag: str, title: str, label: str) -> Chart:
    return charts.reach_against_enrollment(
        key=key,
        title=title,
        description=_(
            "For each group, the share of its families (blue circle) beside the group's share "
            "of enrollment (orange diamond). Groups of fewer than 5 are not shown."
        ),
        rows=_share_rows(breakdown, flag),
        share_label=label,
        enrollment_label=_("Share of enrollment"),
        axis_title=_("Share of students"),
        suppressed_label=_("fewer than 5"),
    )


def _week_label(day: date) -> str:
    return formats.date_format(day, "M j")


def readiness_chart(report: readiness.Report) -> Chart | None:
    instrument = readiness.load_instrument()
    language = get_language() or "en"
    rows: list[charts.ComparisonRow] = []
    for domain in instrument.domains:
        result = report.domains[domain.id]
        staff, family = result.scores["staff"], result.scores["family"]
        rows.append(
            {
                "group": domain.name(language),
                "left": float(staff.value) if staff.value is not None else None,
                "left_suppressed": not staff.shown and staff.reason in ("small", "complementary"),
                "right": float(family.value) if family.value is not None else None,
                "right_suppressed": not family.shown
                and family.reason in ("small", "complementary"),
            }
        )
    if not any(
        row["left"] is not None
        or row["right"] is not None
        or row["left_suppressed"]
        or row["right_suppressed"]
        for row in rows
    ):
        return None
    return charts.diverging_bars(
        key=READINESS,
        title=_("How staff and families see the school"),
        description=_(
            "Readiness self-assessment: each domain's average score from 1 to 5, staff to the "
            "left and families to the right."
        ),
        rows=rows,
        left_label=_("Staff"),
        right_label=_("Families"),
        axis_title=_("Average score (1 to 5)"),
        suppressed_label=_("fewer than 5"),
        maximum=readiness.HIGHEST,
    )


def build_charts(
    data: WalkData, *, stories: Mapping[str, Sequence[str]] | None = None
) -> list[Chart]:
    """The walk's charts in the active language, in :data:`KEYS` order, empty ones left out.

    ``stories`` (chart key → story texts) are added to the chart's description, which the
    printed walk shows under the drawing (the page shows them beside the chart instead).
    """
    fewer = _("fewer than 5")
    built: list[Chart] = []
    if _has_data(data.reach_language, metrics.DELIVERED):
        built.append(
            _reach_chart(
                REACH_LANGUAGE,
                data.reach_language,
                metrics.DELIVERED,
                _("Families reached by home language"),
                _("Families reached"),
            )
        )
    if _has_data(data.reach_language, metrics.TWO_WAY):
        built.append(
            _reach_chart(
                TWO_WAY_LANGUAGE,
                data.reach_language,
                metrics.TWO_WAY,
                _("Two-way exchange by home language"),
                _("Two-way exchange"),
            )
        )
    if data.reach_school is not None and _has_data(data.reach_school, metrics.DELIVERED):
        built.append(
            _reach_chart(
                REACH_SCHOOL,
                data.reach_school,
                metrics.DELIVERED,
                _("Families reached by school"),
                _("Families reached"),
            )
        )
    week_rows: list[charts.WeekRow] = [
        {
            "week": _week_label(week.start),
            "value": week.answered_in_time / week.messages if week.messages >= MINIMUM else None,
            "suppressed": 0 < week.messages < MINIMUM,
        }
        for week in data.weeks
    ]
    if any(row["value"] is not None for row in week_rows):
        built.append(
            charts.weekly_line(
                key=FOLLOW_UP_WEEKS,
                title=_("Family messages answered within two days, by week"),
                description=_(
                    "Each week's share of family messages that got an answer within two days."
                ),
                rows=week_rows,
                axis_title=_("Answered within two days"),
                series_label=_("Answered in time"),
                suppressed_label=fewer,
            )
        )
    if _has_data(data.contact, metrics.NO_WORKING_CHANNEL):
        built.append(
            charts.bars_by_group(
                key=CONTACT_LANGUAGE,
                title=_("Families with no working phone or email, by language"),
                description=_(
                    "Share of caregivers in each language with no phone or email that works."
                ),
                rows=_value_rows(data.contact, metrics.NO_WORKING_CHANNEL),
                axis_title=_("Share of caregivers"),
                suppressed_label=fewer,
            )
        )
    positive_rows: list[charts.ValueRow] = []
    for school in data.positive_by_school:
        size, positive = school.size.value, school.positive.value
        if size == 0:
            continue
        shown = size is not None and positive is not None
        positive_rows.append(
            {
                "group": school.school,
                "value": positive / size if shown and size and positive is not None else None,
                "suppressed": not shown,
            }
        )
    if any(row["value"] is not None for row in positive_rows):
        built.append(
            charts.bars_by_group(
                key=POSITIVE_SCHOOL,
                title=_("First contact of the year was positive, by school"),
                description=_(
                    "Share of families whose first note of the school year was a positive one."
                ),
                rows=positive_rows,
                axis_title=_("Share of families contacted"),
                suppressed_label=fewer,
            )
        )
    if _has_data(data.events, metrics.ATTENDED):
        built.append(
            charts.bars_by_group(
                key=EVENTS_LANGUAGE,
                title=_("Invited families who came to events, by language"),
                description=_("Share of event invitations in each language that led to a visit."),
                rows=_value_rows(data.events, metrics.ATTENDED),
                axis_title=_("Share of invitations"),
                suppressed_label=fewer,
            )
        )
    if data.readiness is not None:
        chart = readiness_chart(data.readiness)
        if chart is not None:
            built.append(chart)
    if stories:
        built = [
            replace(
                chart,
                description=" ".join(
                    [chart.description, *(f"\u201c{text}\u201d" for text in stories[chart.key])]
                ),
            )
            if stories.get(chart.key)
            else chart
            for chart in built
        ]
    return built


# --- Reads, scoped to the population the signed-in person may see ------------------------------


def walk_school(population: Population) -> School | None:
    """The school a walk is about: the only school of the population, else None (district)."""
    if population.school_ids is not None and len(population.school_ids) == 1:
        return population.schools().first()
    return None


def print_languages(school: School | None, asked: str) -> list[str]:
    """English first, then the languages asked for (``?lang=es,so``), else Spanish and the
    languages the members of the school's teams speak (at most :data:`PRINTED_LANGUAGES`)."""
    wanted = [part.strip() for part in asked.split(",") if part.strip()]
    if not wanted:
        wanted = ["es"]
        members = Member.objects.filter(team__school=school, active=True).order_by("pk")
        for spoken in members.values_list("languages", flat=True):
            wanted.extend(str(code) for code in spoken or [])
    languages = ["en"]
    for raw in wanted:
        try:
            code = registry.normalize(raw)
        except registry.InvalidLanguage:
            continue
        if code in registry.DEMO_LANGUAGES and code not in languages:
            languages.append(code)
    return languages[:PRINTED_LANGUAGES]


def observations(population: Population, school: School | None) -> QuerySet[Observation]:
    return (
        Observation.objects.filter(district_id=population.district_id, school=school)
        .select_related("by", "priority", "cycle")
        .order_by("at", "pk")
    )


def stories(population: Population, school: School | None) -> QuerySet[Story]:
    return Story.objects.filter(district_id=population.district_id, school=school).exclude(key="")


def _in_population(population: Population, school_id: int | None) -> bool:
    if population.school_ids is None:
        return True
    return school_id is not None and school_id in population.school_ids


def access_observation(population: Population, observation_id: int) -> Observation:
    observation = Observation.objects.filter(
        pk=observation_id, district_id=population.district_id
    ).first()
    if observation is None or not _in_population(population, observation.school_id):
        raise Http404
    return observation


def manageable_teams(user: Any, school: School | None) -> list[Team]:
    """The teams of the walk's school that ``user`` may change (cochairs, leaders, admins)."""
    teams = team_queries.teams_for(user).filter(school=school).order_by("name")
    return [team for team in teams if team_queries.can_manage(user, team)]


def open_cycles(teams: list[Team]) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(goal__team__in=teams)
        .exclude(stage__in=(Cycle.Stage.CLOSED, Cycle.Stage.PLAN))
        .select_related("goal__team")
        .order_by("-started_on", "-pk")
    )


def waves(population: Population) -> QuerySet[ReadinessWave]:
    found = ReadinessWave.objects.filter(district_id=population.district_id)
    if population.school_ids is not None:
        found = found.filter(school_id__in=population.school_ids)
    return found.select_related("school").order_by("-school_year", "school__name", "-pk")


def access_wave(population: Population, wave_id: int) -> ReadinessWave:
    wave = waves(population).filter(pk=wave_id).first()
    if wave is None:
        raise Http404
    return wave


def previous_wave(wave: ReadinessWave) -> ReadinessWave | None:
    return (
        ReadinessWave.objects.filter(
            Q(school__isnull=True) if wave.school_id is None else Q(school_id=wave.school_id),
            district_id=wave.district_id,
            school_year__lt=wave.school_year,
        )
        .order_by("-school_year", "-pk")
        .first()
    )


def can_open_waves(user: Any, school: School | None) -> bool:
    """District admins (any school, or the district) and a school's leaders (their school)."""
    scope = scope_for(user)
    if scope.is_district_admin:
        return True
    return (
        school is not None and Role.SCHOOL_LEADER in scope.roles and school.pk in scope.school_ids
    )


def access_wave_to_take(user: Any, wave_id: int) -> ReadinessWave:
    """A wave the signed-in staff member may answer: of a school where they hold a role, or
    of their district (district admins: any wave of the district)."""
    scope = scope_for(user)
    if scope.district_id is None:
        raise Http404
    wave = ReadinessWave.objects.filter(pk=wave_id, district_id=scope.district_id).first()
    if wave is None:
        raise Http404
    if (
        wave.school_id is not None
        and not scope.is_district_admin
        and wave.school_id not in scope.school_ids
    ):
        raise Http404
    return wave
