"""Reads of teams, already scoped.

Staff see the teams of the schools they hold a role at, the district teams of their district
(when they are members or district admins), and any team they are a member of. Who may run a
meeting or change the team: its cochairs, the school's leader, a district admin. A family
member of a team (signed in through the portal) sees that team's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from juntos.insights.suppression import MINIMUM
from juntos.people.models import Caregiver, Role
from juntos.people.queries import scope_for
from juntos.teams import voice
from juntos.teams.models import Attendance, Meeting, Member, PulseAnswer, Team, Turn


def teams_for(user: Any) -> QuerySet[Team]:
    scope = scope_for(user)
    if scope.staff is None:
        return Team.objects.none()
    base = Team.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    return base.filter(
        Q(school_id__in=scope.school_ids) | Q(members__staff=scope.staff, members__active=True)
    ).distinct()


def access_team(user: Any, team_id: int) -> Team:
    team = teams_for(user).filter(pk=team_id).select_related("school").first()
    if team is None:
        raise Http404
    return team


def can_manage(user: Any, team: Team) -> bool:
    scope = scope_for(user)
    if scope.staff is None:
        return False
    if scope.is_district_admin:
        return True
    if team.school_id is not None and (
        Role.SCHOOL_LEADER in scope.roles and team.school_id in scope.school_ids
    ):
        return True
    return Member.objects.filter(team=team, staff=scope.staff, cochair=True, active=True).exists()


def require_manage(user: Any, team: Team) -> None:
    if not can_manage(user, team):
        raise PermissionDenied


def access_meeting(user: Any, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.filter(pk=meeting_id, team__in=teams_for(user))
        .select_related("team__school")
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def member_of_staff(user: Any, team: Team) -> Member | None:
    scope = scope_for(user)
    if scope.staff is None:
        return None
    return Member.objects.filter(team=team, staff=scope.staff, active=True).first()


# --- Families ------------------------------------------------------------------------------


def family_memberships(caregiver: Caregiver) -> QuerySet[Member]:
    return Member.objects.filter(caregiver=caregiver, active=True).select_related("team")


def family_member(caregiver: Caregiver, team_id: int) -> Member:
    member = family_memberships(caregiver).filter(team_id=team_id).first()
    if member is None:
        raise Http404
    return member


def family_meeting(caregiver: Caregiver, meeting_id: int) -> tuple[Meeting, Member]:
    meeting = Meeting.objects.filter(pk=meeting_id).select_related("team").first()
    if meeting is None:
        raise Http404
    return meeting, family_member(caregiver, meeting.team_id)


# --- Voice balance and pulse ---------------------------------------------------------------


def members(team: Team) -> list[Member]:
    return list(Member.objects.filter(team=team, active=True).select_related("staff", "caregiver"))


def turn_totals(meeting: Meeting) -> dict[int, tuple[int, float]]:
    """member id → (turns, seconds) so far; an open turn counts up to now."""
    now = timezone.now()
    totals: dict[int, tuple[int, float]] = {}
    for turn in Turn.objects.filter(meeting=meeting):
        end = turn.ended_at or now
        count, seconds = totals.get(turn.member_id, (0, 0.0))
        totals[turn.member_id] = (count + 1, seconds + (end - turn.started_at).total_seconds())
    return totals


def balance(meeting: Meeting) -> list[voice.RoleBalance]:
    now = timezone.now()
    turns = [
        voice.Turn(
            member_id=turn.member_id,
            role=turn.role,
            seconds=((turn.ended_at or now) - turn.started_at).total_seconds(),
        )
        for turn in Turn.objects.filter(meeting=meeting)
    ]
    present = dict(
        Attendance.objects.filter(meeting=meeting).values_list("member_id", "member__role")
    )
    return voice.voice_balance(turns, present, roles=Member.Role.values)


@dataclass(frozen=True)
class PulseSummary:
    answers: int
    suppressed: bool
    mean: float | None
    counts: dict[int, int] | None  # score → answers, None when suppressed


def pulse_summary(meetings: QuerySet[Meeting] | list[Meeting]) -> PulseSummary:
    """The felt-heard pulse over ``meetings``; fewer than five answers show nothing but that."""
    scores = list(PulseAnswer.objects.filter(meeting__in=meetings).values_list("score", flat=True))
    if len(scores) < MINIMUM:
        return PulseSummary(answers=len(scores), suppressed=True, mean=None, counts=None)
    counts = {score: scores.count(score) for score in range(1, 6)}
    return PulseSummary(
        answers=len(scores), suppressed=False, mean=sum(scores) / len(scores), counts=counts
    )


# --- Composition against enrollment --------------------------------------------------------


@dataclass(frozen=True)
class LanguageShare:
    language: str
    name: str
    team_members: int
    team_share: float
    enrolled: int | None  # None when suppressed (fewer than five students, or to protect one)
    enrolled_share: float | None
    index: float | None  # team share over enrollment share: 1 = represented as enrolled


def composition_by_language(team: Team) -> list[LanguageShare]:
    """The team's family members by language beside the students' home languages.

    Enrollment counts go through small-cell suppression; the team's own members are named on
    the team page already, so their counts are shown.
    """
    from django.db.models import Count

    from juntos.insights.suppression import suppress_line
    from juntos.people.models import Student

    students = Student.objects.filter(district_id=team.district_id, is_active=True)
    if team.school_id is not None:
        students = students.filter(school_links__school_id=team.school_id)
    enrolled = dict(
        students.values("home_language")
        .annotate(n=Count("pk", distinct=True))
        .values_list("home_language", "n")
    )
    enrolled = {(code or "und"): n for code, n in enrolled.items()}
    total_students = sum(enrolled.values())
    line = suppress_line(enrolled)
    family = [
        (m.caregiver.preferred_language if m.caregiver else (m.languages or ["und"])[0])
        for m in Member.objects.filter(
            team=team, active=True, role=Member.Role.FAMILY
        ).select_related("caregiver")
    ]
    counts: dict[str, int] = {}
    for code in family:
        counts[code] = counts.get(code, 0) + 1
    rows = []
    for code in sorted(set(enrolled) | set(counts), key=lambda c: -enrolled.get(c, 0)):
        team_members = counts.get(code, 0)
        team_share = team_members / len(family) if family else 0.0
        cell = line.cells.get(code)
        shown = cell.value if cell is not None else 0
        enrolled_share = shown / total_students if shown is not None and total_students else None
        index = team_share / enrolled_share if enrolled_share else None
        rows.append(
            LanguageShare(
                code, _language_name(code), team_members, team_share, shown, enrolled_share, index
            )
        )
    return rows


def _language_name(code: str) -> str:
    from juntos.language import registry

    try:
        return str(registry.get(code).english_name)
    except Exception:  # an unknown or empty tag is shown as written
        return code


@dataclass(frozen=True)
class RoleShare:
    role: str
    label: str
    members: int
    share: float


def composition_by_role(team: Team) -> list[RoleShare]:
    active = list(Member.objects.filter(team=team, active=True).values_list("role", flat=True))
    return [
        RoleShare(
            role.value,
            str(role.label),
            active.count(role.value),
            active.count(role.value) / len(active) if active else 0.0,
        )
        for role in Member.Role
    ]


# --- Decision results ------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionResults:
    """Overall and per-role results. Votes are open to the team (like a show of hands), so
    per-role counts reveal nothing a member present did not see."""

    overall: Any
    roles: list[tuple[str, str, Any]]  # (role, its label, the result for that role)
    ballots: int


def decision_results(decision: Any) -> DecisionResults:
    from juntos.teams import decide
    from juntos.teams.models import Vote

    ballots = [
        decide.Ballot(
            role=vote.role,
            consent=vote.consent,
            scores={int(k): int(v) for k, v in (vote.scores or {}).items()},
            ranking=tuple(int(o) for o in vote.ranking or []),
        )
        for vote in Vote.objects.filter(decision=decision).order_by("cast_at", "pk")
    ]
    options = list(decision.options.values_list("pk", flat=True))

    def count(group: list[decide.Ballot]) -> Any:
        if decision.method == "consent":
            return decide.consent(group)
        if decision.method == "score":
            return decide.score(group, options)
        return decide.ranked(group, options)

    groups = decide.by_role(ballots)
    roles = [
        (role.value, str(role.label), count(groups[role.value]))
        for role in Member.Role
        if role.value in groups
    ]
    return DecisionResults(count(ballots), roles, len(ballots))


def plan_context(team: Team, year: str) -> dict[str, Any]:
    from juntos.teams.models import Goal, Priority, Reality, Vision

    goals = list(
        Goal.objects.filter(team=team, school_year=year).prefetch_related(
            "actions__owner__staff", "actions__owner__caregiver", "cycles"
        )
    )
    return {
        "vision": Vision.objects.filter(team=team, school_year=year).first(),
        "realities": list(Reality.objects.filter(team=team, school_year=year)),
        "priorities": list(
            Priority.objects.filter(team=team, school_year=year).select_related("reality")
        ),
        "goals": goals,
        "members": members(team),
        "areas": Goal.Area.choices,
        "themes": list(school_themes(team)[:50]),
        "metrics": metric_choices(),
        "kinds": Reality.Kind.choices,
    }


def school_themes(team: Team) -> Any:
    """The themes heard from the families of the team's school (idea exchanges), newest first:
    a line of the team's current realities can name the one it comes from."""
    from juntos.listening.models import Theme

    themes = Theme.objects.filter(exchange__district_id=team.district_id, active=True)
    if team.school_id is not None:
        themes = themes.filter(exchange__school_id=team.school_id)
    return themes.select_related("exchange").order_by("-updated_at")


def metric_choices() -> list[tuple[str, str]]:
    """The insights metrics a PDSA cycle can study (juntos/insights/metrics.py)."""
    from juntos.insights.metrics import METRICS

    return [(metric.key, str(metric.name)) for metric in METRICS]
