"""Every change to teams and their meetings (STYLE.md: actions are the only writes).

Meeting mode, step by step:
1. ``do_start_meeting`` opens the meeting; ``do_mark_attendance`` records who is in the room
   (a walk-in is added as they arrive).
2. Members ask to speak (``do_ask_to_speak``); ``do_call_next`` takes the head of the
   progressive stack (voice.stack_order) and starts their turn, ending the turn before it.
   A facilitator can also tap a member to start a turn (``do_start_turn``) and tap again to
   stop it (``do_end_turn``).
3. ``do_end_meeting`` closes the open turn and request queue and hands out one pulse
   invitation per attendee (``do_answer_pulse`` spends it).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.people.models import Caregiver, Staff
from juntos.teams import voice
from juntos.teams.models import (
    Attendance,
    Cycle,
    Decision,
    DecisionOption,
    Goal,
    Meeting,
    Member,
    Norm,
    PlanAction,
    Priority,
    PulseAnswer,
    PulseInvitation,
    Reality,
    SpeakRequest,
    Team,
    Turn,
    Vision,
    Vote,
)


class TeamError(Exception):
    """A refused team action; ``code`` names the rule, the message is for the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def do_create_team(*, district_id: int, school_id: int | None, name: str) -> Team:
    name = name.strip()
    if not name:
        raise TeamError("name", _("A team needs a name."))
    return Team.objects.create(district_id=district_id, school_id=school_id, name=name)


def do_add_member(
    *,
    team: Team,
    role: str,
    staff: Staff | None = None,
    caregiver: Caregiver | None = None,
    name: str = "",
    organization: str = "",
    cochair: bool = False,
    languages: list[str] | None = None,
    power_rank: int | None = None,
) -> Member:
    if role not in Member.Role.values:
        raise TeamError("role", _("Choose a role."))
    if (staff is not None) + (caregiver is not None) + bool(name.strip()) != 1:
        raise TeamError("person", _("Choose one person: a staff member, a caregiver or a name."))
    for person in (staff, caregiver):
        if person is not None and person.district_id != team.district_id:
            raise TeamError("person", _("This person is not in the team's district."))
    if languages is None:
        if staff is not None:
            languages = list(staff.languages or [])
        elif caregiver is not None:
            languages = [caregiver.preferred_language]
        else:
            languages = []
    rank = Member.DEFAULT_RANK[Member.Role(role)] if power_rank is None else power_rank
    try:
        with transaction.atomic():
            return Member.objects.create(
                team=team,
                role=role,
                staff=staff,
                caregiver=caregiver,
                name=name.strip(),
                organization=organization.strip(),
                cochair=cochair,
                languages=languages,
                power_rank=rank,
            )
    except IntegrityError as error:
        raise TeamError("duplicate", _("This person is already on the team.")) from error


def do_set_power_rank(*, member: Member, power_rank: int) -> Member:
    """A team can place a member elsewhere in the stack (e.g. a teacher who is also a parent)."""
    if not 0 <= power_rank <= 9:
        raise TeamError("rank", _("The place must be between 0 and 9."))
    member.power_rank = power_rank
    member.save(update_fields=["power_rank"])
    return member


def do_schedule_meeting(
    *,
    team: Team,
    title: str,
    starts_at: datetime,
    agenda: str = "",
    interpreted_languages: list[str] | None = None,
) -> Meeting:
    if not title.strip():
        raise TeamError("title", _("A meeting needs a title."))
    return Meeting.objects.create(
        team=team,
        title=title.strip(),
        starts_at=starts_at,
        agenda=agenda.strip(),
        interpreted_languages=interpreted_languages or [],
    )


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _open(meeting: Meeting) -> Meeting:
    locked = _locked(meeting)
    if locked.status != Meeting.Status.IN_PROGRESS:
        raise TeamError("not_running", _("This meeting is not running."))
    return locked


def _check_member(meeting: Meeting, member: Member) -> None:
    if member.team_id != meeting.team_id or not member.active:
        raise TeamError("not_member", _("This person is not on the team."))


def do_start_meeting(*, meeting: Meeting, now: datetime | None = None) -> Meeting:
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.status == Meeting.Status.ENDED:
            raise TeamError("ended", _("This meeting has ended."))
        if locked.status == Meeting.Status.PLANNED:
            locked.status = Meeting.Status.IN_PROGRESS
            locked.started_at = now or timezone.now()
            locked.save(update_fields=["status", "started_at"])
        return locked


def do_mark_attendance(*, meeting: Meeting, member: Member, present: bool = True) -> None:
    _check_member(meeting, member)
    if present:
        Attendance.objects.get_or_create(meeting=meeting, member=member)
    else:
        Attendance.objects.filter(meeting=meeting, member=member).delete()


def do_ask_to_speak(
    *, meeting: Meeting, member: Member, now: datetime | None = None
) -> SpeakRequest:
    """Join the queue (once: asking again keeps the first place)."""
    _check_member(meeting, member)
    with transaction.atomic():
        _open(meeting)
        Attendance.objects.get_or_create(meeting=meeting, member=member)
        existing = SpeakRequest.objects.filter(
            meeting=meeting, member=member, status=SpeakRequest.Status.WAITING
        ).first()
        if existing is not None:
            return existing
        return SpeakRequest.objects.create(
            meeting=meeting, member=member, asked_at=now or timezone.now()
        )


def do_withdraw_request(*, meeting: Meeting, member: Member, now: datetime | None = None) -> None:
    SpeakRequest.objects.filter(
        meeting=meeting, member=member, status=SpeakRequest.Status.WAITING
    ).update(status=SpeakRequest.Status.WITHDRAWN, closed_at=now or timezone.now())


def stack(meeting: Meeting) -> list[SpeakRequest]:
    """The waiting requests in the order they will be called (voice.stack_order)."""
    waiting = list(
        SpeakRequest.objects.filter(meeting=meeting, status=SpeakRequest.Status.WAITING)
        .select_related("member__staff", "member__caregiver")
        .order_by("asked_at", "pk")
    )
    turns = dict(
        Turn.objects.filter(meeting=meeting)
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    by_member = {request.member_id: request for request in waiting}
    ordered = voice.stack_order(
        voice.Request(
            member_id=request.member_id,
            power_rank=request.member.power_rank,
            turns_so_far=turns.get(request.member_id, 0),
            asked_at=request.asked_at,
        )
        for request in waiting
    )
    return [by_member[item.member_id] for item in ordered]


def _end_open_turn(meeting: Meeting, now: datetime) -> None:
    Turn.objects.filter(meeting=meeting, ended_at__isnull=True).update(ended_at=now)


def do_start_turn(*, meeting: Meeting, member: Member, now: datetime | None = None) -> Turn:
    """``member`` has the floor; whoever spoke before stops. Their waiting request is served."""
    _check_member(meeting, member)
    now = now or timezone.now()
    with transaction.atomic():
        _open(meeting)
        _end_open_turn(meeting, now)
        Attendance.objects.get_or_create(meeting=meeting, member=member)
        SpeakRequest.objects.filter(
            meeting=meeting, member=member, status=SpeakRequest.Status.WAITING
        ).update(status=SpeakRequest.Status.CALLED, closed_at=now)
        return Turn.objects.create(meeting=meeting, member=member, role=member.role, started_at=now)


def do_end_turn(*, meeting: Meeting, now: datetime | None = None) -> None:
    with transaction.atomic():
        _open(meeting)
        _end_open_turn(meeting, now or timezone.now())


def do_call_next(*, meeting: Meeting, now: datetime | None = None) -> Turn | None:
    """Give the floor to the head of the progressive stack; None when nobody waits."""
    with transaction.atomic():
        _open(meeting)
        queue = stack(meeting)
        if not queue:
            return None
        return do_start_turn(meeting=meeting, member=queue[0].member, now=now)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def do_end_meeting(
    *,
    meeting: Meeting,
    by: Staff | None = None,
    base_url: str = "",
    now: datetime | None = None,
) -> dict[int, str]:
    """End the meeting; return a fresh pulse token per attendee (member id → token).

    Only the tokens' hashes are kept. When ``by`` is given, each family member who attended is
    asked "Did you feel heard today?" through the reach pipeline (``team.pulse``, in their
    language and on their channel, with a one-time link; a text reply from 1 to 5 answers
    too). Staff answer on the meeting page.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _open(meeting)
        _end_open_turn(locked, now)
        SpeakRequest.objects.filter(meeting=locked, status=SpeakRequest.Status.WAITING).update(
            status=SpeakRequest.Status.WITHDRAWN, closed_at=now
        )
        locked.status = Meeting.Status.ENDED
        locked.ended_at = now
        locked.save(update_fields=["status", "ended_at"])
        tokens: dict[int, str] = {}
        for member_id in Attendance.objects.filter(meeting=locked).values_list(
            "member_id", flat=True
        ):
            token = secrets.token_urlsafe(24)
            PulseInvitation.objects.create(
                meeting=locked, member_id=member_id, token_hash=_token_hash(token)
            )
            tokens[member_id] = token
        if by is not None:
            _send_pulses(locked, tokens, by=by, base_url=base_url)
        return tokens


def do_send_minutes(*, meeting: Meeting, by: Staff, text: str) -> int:
    """Keep the meeting's notes and send them to every family member of the team, each in
    their language (``team.minutes``; staff's own words are translated like any message).
    Returns how many families were written to."""
    from zoneinfo import ZoneInfo

    from juntos.language import pipeline
    from juntos.messaging.actions import do_open_conversation, do_send_conversation_message

    if not text.strip():
        raise TeamError("text", _("Write the notes."))
    language = by.languages[0] if by.languages else "en"
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.status != Meeting.Status.ENDED:
            raise TeamError("not_ended", _("Send the notes after the meeting has ended."))
        meeting.minutes = text.strip()
        meeting.minutes_language = language
        meeting.save(update_fields=["minutes", "minutes_language"])
        family = Member.objects.filter(
            team=meeting.team, active=True, caregiver__isnull=False, caregiver__is_active=True
        ).select_related("caregiver", "team__school", "team__district")
        sent = 0
        for member in family:
            caregiver = member.caregiver
            if caregiver is None:  # excluded by the query; narrows the type
                continue
            zone = ZoneInfo(caregiver.time_zone or meeting.team.district.time_zone)
            day = meeting.starts_at.astimezone(zone).date()
            conversation = do_open_conversation(
                caregiver=caregiver, owner=by, school=member.team.school
            )
            do_send_conversation_message(
                by=by,
                conversation=conversation,
                body=meeting.minutes,
                kind="system",
                template_key="team.minutes",
                context={
                    "team": meeting.team.name,
                    "date": pipeline.format_date(day, caregiver.preferred_language),
                },
                source_language=language,
            )
            sent += 1
    return sent


def pulse_link(token: str, base_url: str = "") -> str:
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or base_url).rstrip("/")
    return base + reverse("teams:pulse_link", kwargs={"token": token})


def _send_pulses(meeting: Meeting, tokens: dict[int, str], *, by: Staff, base_url: str) -> None:
    from juntos.messaging.actions import do_open_conversation, do_send_conversation_message

    family = Member.objects.filter(
        pk__in=tokens, caregiver__isnull=False, caregiver__is_active=True
    ).select_related("caregiver", "team__school")
    for member in family:
        if member.caregiver is None:  # excluded by the query; narrows the type
            continue
        conversation = do_open_conversation(
            caregiver=member.caregiver, owner=by, school=member.team.school
        )
        do_send_conversation_message(
            by=by,
            conversation=conversation,
            body="",
            kind="system",
            template_key="team.pulse",
            context={"team": member.team.name, "link": pulse_link(tokens[member.pk], base_url)},
        )


def pulse_invitation(token: str) -> PulseInvitation | None:
    return (
        PulseInvitation.objects.filter(token_hash=_token_hash(token))
        .select_related("meeting__team", "member__caregiver")
        .first()
    )


def do_answer_pulse(*, token: str, score: int) -> Meeting:
    """Spend a pulse invitation on one anonymous answer."""
    if score not in range(1, 6):
        raise TeamError("score", _("Choose a number from 1 to 5."))
    with transaction.atomic():
        invitation = (
            PulseInvitation.objects.select_for_update()
            .select_related("meeting")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if invitation is None:
            raise TeamError("unknown", _("This link is not valid."))
        if invitation.used:
            raise TeamError("used", _("You already answered. Thank you."))
        invitation.used = True
        invitation.save(update_fields=["used"])
        PulseAnswer.objects.create(meeting=invitation.meeting, score=score)
        return invitation.meeting


def do_answer_pulse_as_member(*, meeting: Meeting, member: Member, score: int) -> None:
    """A member answering in the app (signed in) rather than through a sent link."""
    if score not in range(1, 6):
        raise TeamError("score", _("Choose a number from 1 to 5."))
    with transaction.atomic():
        updated = PulseInvitation.objects.filter(meeting=meeting, member=member, used=False).update(
            used=True
        )
        if not updated:
            raise TeamError("used", _("You already answered. Thank you."))
        PulseAnswer.objects.create(meeting=meeting, score=score)


# --- Charter -------------------------------------------------------------------------------------


def school_year(day: date | None = None) -> str:
    """The school year a day falls in, "2026-2027" (a year starts on 1 July)."""
    day = day or timezone.localdate()
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{start + 1}"


def do_set_charter(*, team: Team, mission: str, review_on: date | None) -> Team:
    team.mission = mission.strip()
    team.charter_review_on = review_on
    team.save(update_fields=["mission", "charter_review_on"])
    return team


def do_propose_norm(*, team: Team, member: Member, text: str, language: str = "en") -> Norm:
    if member.team_id != team.pk or not member.active:
        raise TeamError("not_member", _("This person is not on the team."))
    if not text.strip():
        raise TeamError("text", _("Write the norm."))
    return Norm.objects.create(team=team, proposed_by=member, text=text.strip(), language=language)


def norms_in_stack_order(team: Team) -> list[Norm]:
    """Proposals in progressive-stack order: furthest from power first, then who proposed
    fewer, then time."""
    norms = list(
        Norm.objects.filter(team=team).select_related(
            "proposed_by__staff", "proposed_by__caregiver"
        )
    )
    proposed: dict[int, int] = {}
    ranked = []
    for norm in sorted(norms, key=lambda n: (n.proposed_at, n.pk)):
        earlier = proposed.get(norm.proposed_by_id, 0)
        proposed[norm.proposed_by_id] = earlier + 1
        ranked.append((norm.proposed_by.power_rank, earlier, norm.proposed_at, norm.pk, norm))
    return [item[-1] for item in sorted(ranked, key=lambda item: item[:4])]


def do_decide_norm(*, norm: Norm, adopt: bool, now: datetime | None = None) -> Norm:
    norm.status = Norm.Status.ADOPTED if adopt else Norm.Status.SET_ASIDE
    norm.decided_at = now or timezone.now()
    norm.save(update_fields=["status", "decided_at"])
    return norm


def _send_quietly(email: Any) -> None:
    email.send(fail_silently=True)


def do_remind_charter_reviews(*, today: date | None = None) -> int:
    """Remind the cochairs of each team whose charter review date has come, once per date:
    staff cochairs (and the school's leaders) by email when email is set up, family cochairs
    through the reach pipeline in their language (``team.charter_review``). The team page
    shows the review as due whatever the channel. Returns how many teams were reminded."""
    from django.core.mail import EmailMessage

    from juntos.language import pipeline
    from juntos.messaging.actions import do_open_conversation, do_send_conversation_message
    from juntos.people.models import Role, StaffRole

    today = today or timezone.localdate()
    reminded = 0
    due = Team.objects.filter(charter_review_on__lte=today).exclude(
        charter_reminded_for=models.F("charter_review_on")
    )
    for team_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Claim the team: a second sweeper finds nothing left to do.
            team = (
                Team.objects.select_for_update(of=("self",))
                .select_related("school")
                .get(pk=team_id)
            )
            review_on = team.charter_review_on
            if review_on is None or team.charter_reminded_for == review_on:
                continue
            team.charter_reminded_for = team.charter_review_on
            team.save(update_fields=["charter_reminded_for"])
            cochairs = list(
                Member.objects.filter(team=team, cochair=True, active=True).select_related(
                    "staff__user", "caregiver"
                )
            )
            staff = [m.staff for m in cochairs if m.staff is not None]
            if team.school_id is not None:
                staff += [
                    r.staff
                    for r in StaffRole.objects.filter(
                        school_id=team.school_id, role=Role.SCHOOL_LEADER, staff__is_active=True
                    ).select_related("staff__user")
                ]
            sender = staff[0] if staff else None
            for member in cochairs:
                caregiver = member.caregiver
                if caregiver is None or sender is None:
                    continue
                conversation = do_open_conversation(
                    caregiver=caregiver, owner=sender, school=team.school
                )
                do_send_conversation_message(
                    by=sender,
                    conversation=conversation,
                    body="",
                    kind="system",
                    template_key="team.charter_review",
                    context={
                        "team": team.name,
                        "date": pipeline.format_date(review_on, caregiver.preferred_language),
                    },
                )
            addresses = sorted({s.email or s.user.email for s in staff if s.email or s.user.email})
            if addresses:
                # Without a mail server (the embedded demo) the email fails quietly: the team
                # page shows the review as due all the same.
                email = EmailMessage(
                    subject=_("Charter review due: %(team)s") % {"team": team.name},
                    body=_(
                        "The team planned to review its charter (mission and norms) on "
                        "%(day)s. Put it on the next meeting's agenda."
                    )
                    % {"day": review_on.isoformat()},
                    to=addresses,
                )
                transaction.on_commit(functools.partial(_send_quietly, email))
            reminded += 1
    return reminded


# --- Coproduction ------------------------------------------------------------------------------


def do_set_vision(*, team: Team, text: str, year: str = "", language: str = "en") -> Vision:
    if not text.strip():
        raise TeamError("text", _("Write the vision."))
    vision, _created = Vision.objects.update_or_create(
        team=team,
        school_year=year or school_year(),
        defaults={"text": text.strip(), "language": language, "updated_at": timezone.now()},
    )
    return vision


def do_add_reality(
    *,
    team: Team,
    kind: str,
    text: str,
    year: str = "",
    theme_id: int | None = None,
    theme_label: str = "",
) -> Reality:
    if kind not in Reality.Kind.values:
        raise TeamError("kind", _("Choose strength, need, opportunity or threat."))
    if not text.strip():
        raise TeamError("text", _("Write what the team sees."))
    return Reality.objects.create(
        team=team,
        school_year=year or school_year(),
        kind=kind,
        text=text.strip(),
        theme_id=theme_id,
        theme_label=theme_label,
    )


def do_add_priority(
    *, team: Team, text: str, reality: Reality | None = None, year: str = ""
) -> Priority:
    if not text.strip():
        raise TeamError("text", _("Write the priority."))
    if reality is not None and reality.team_id != team.pk:
        raise TeamError("reality", _("This line belongs to another team."))
    year = year or school_year()
    position = Priority.objects.filter(team=team, school_year=year).count()
    return Priority.objects.create(
        team=team, school_year=year, text=text.strip(), reality=reality, position=position
    )


# --- Decisions ---------------------------------------------------------------------------------


def do_propose_decision(
    *, team: Team, title: str, proposal: str, method: str, options: list[str]
) -> Decision:
    """A proposal for the team. Family members (and community partners) vote first; the
    facilitator opens it to everyone afterwards."""
    options = [o.strip() for o in options if o.strip()]
    if not title.strip() or not proposal.strip():
        raise TeamError("text", _("Write the title and the proposal."))
    if method not in Decision.Method.values:
        raise TeamError("method", _("Choose how the team decides."))
    if method != Decision.Method.CONSENT and len(options) < 2:
        raise TeamError("options", _("Scoring and ranking need at least two options."))
    with transaction.atomic():
        decision = Decision.objects.create(
            team=team, title=title.strip(), proposal=proposal.strip(), method=method
        )
        DecisionOption.objects.bulk_create(
            DecisionOption(decision=decision, text=text, position=i)
            for i, text in enumerate(options)
        )
    return decision


FAMILY_FIRST_ROLES = frozenset({Member.Role.FAMILY, Member.Role.COMMUNITY})


def do_vote(
    *,
    decision: Decision,
    member: Member,
    consent: str = "",
    scores: dict[int, int] | None = None,
    ranking: list[int] | None = None,
) -> Vote:
    if member.team_id != decision.team_id or not member.active:
        raise TeamError("not_member", _("This person is not on the team."))
    if decision.stage == Decision.Stage.DECIDED:
        raise TeamError("decided", _("This decision is already made."))
    if decision.stage == Decision.Stage.FAMILIES and member.role not in FAMILY_FIRST_ROLES:
        raise TeamError("families_first", _("Family members vote first. Please wait."))
    option_ids = set(decision.options.values_list("pk", flat=True))
    values: dict[str, object] = {"role": member.role, "cast_at": timezone.now()}
    if decision.method == Decision.Method.CONSENT:
        if consent not in Vote.Consent.values:
            raise TeamError("vote", _("Choose agree, stand aside or object."))
        values["consent"] = consent
    elif decision.method == Decision.Method.SCORE:
        scores = scores or {}
        if set(scores) != option_ids or any(not 0 <= v <= 5 for v in scores.values()):
            raise TeamError("vote", _("Give every option a score from 0 to 5."))
        values["scores"] = {str(k): v for k, v in scores.items()}
    else:
        ranking = ranking or []
        if not ranking or len(set(ranking)) != len(ranking) or not set(ranking) <= option_ids:
            raise TeamError("vote", _("Rank the options, each once."))
        values["ranking"] = ranking
    vote, _created = Vote.objects.update_or_create(
        decision=decision, member=member, defaults=values
    )
    return vote


def do_open_decision_to_everyone(*, decision: Decision, now: datetime | None = None) -> Decision:
    if decision.stage == Decision.Stage.FAMILIES:
        decision.stage = Decision.Stage.EVERYONE
        decision.opened_to_everyone_at = now or timezone.now()
        decision.save(update_fields=["stage", "opened_to_everyone_at"])
    return decision


def do_record_outcome(
    *, decision: Decision, outcome: str, reason: str, now: datetime | None = None
) -> Decision:
    if not outcome.strip() or not reason.strip():
        raise TeamError("outcome", _("Write the outcome and the reason for it."))
    decision.stage = Decision.Stage.DECIDED
    decision.outcome = outcome.strip()
    decision.reason = reason.strip()
    decision.decided_at = now or timezone.now()
    decision.save(update_fields=["stage", "outcome", "reason", "decided_at"])
    return decision


# --- Action plan ------------------------------------------------------------------------------


def do_add_goal(*, team: Team, title: str, area: str, year: str = "") -> Goal:
    """A goal of the year's action plan: at most three per team and year (seed 000)."""
    if not title.strip():
        raise TeamError("title", _("Write the goal."))
    if area not in Goal.Area.values:
        raise TeamError("area", _("Choose the school goal this one supports."))
    year = year or school_year()
    with transaction.atomic():
        Team.objects.select_for_update().get(pk=team.pk)  # one goal added at a time per team
        count = Goal.objects.filter(team=team, school_year=year).count()
        if count >= Goal.MAX_PER_YEAR:
            raise TeamError("too_many", _("An action plan has at most three goals a year."))
        return Goal.objects.create(
            team=team, school_year=year, title=title.strip(), area=area, position=count
        )


def do_add_plan_action(
    *, goal: Goal, title: str, owner: Member | None = None, due_on: date | None = None
) -> PlanAction:
    if not title.strip():
        raise TeamError("title", _("Write the action."))
    if owner is not None and owner.team_id != goal.team_id:
        raise TeamError("not_member", _("This person is not on the team."))
    return PlanAction.objects.create(goal=goal, title=title.strip(), owner=owner, due_on=due_on)


def do_set_plan_action_status(*, action: PlanAction, status: str) -> PlanAction:
    if status not in PlanAction.Status.values:
        raise TeamError("status", _("Choose a status."))
    action.status = status
    action.save(update_fields=["status"])
    return action


def do_start_cycle(*, goal: Goal, plan: str, prediction: str, metric: str = "") -> Cycle:
    if not plan.strip() or not prediction.strip():
        raise TeamError("plan", _("Write the plan and what the team predicts."))
    from juntos.insights.metrics import METRICS

    if metric.strip() and metric.strip() not in {m.key for m in METRICS}:
        raise TeamError("metric", _("Choose a measure from the list."))
    # Planned: the team now does it.
    return Cycle.objects.create(
        goal=goal,
        plan=plan.strip(),
        prediction=prediction.strip(),
        metric=metric.strip(),
        stage=Cycle.Stage.DO,
    )


# The stage a cycle is in → (the next stage, the field the step's text fills).
CYCLE_NEXT = {
    Cycle.Stage.DO: (Cycle.Stage.STUDY, "done"),
    Cycle.Stage.STUDY: (Cycle.Stage.ACT, "study"),
}


def do_advance_cycle(*, cycle: Cycle, text: str) -> Cycle:
    """Record the next step of the cycle: what was done (Do), what the data showed (Study),
    what the team will do next (Act, which closes the cycle)."""
    if cycle.stage in (Cycle.Stage.CLOSED, Cycle.Stage.PLAN):
        raise TeamError("closed", _("This cycle is closed."))
    if not text.strip():
        raise TeamError("text", _("Write what happened."))
    if cycle.stage == Cycle.Stage.ACT:
        cycle.act = text.strip()
        cycle.stage = Cycle.Stage.CLOSED
    else:
        stage, field_name = CYCLE_NEXT[Cycle.Stage(cycle.stage)]
        setattr(cycle, field_name, text.strip())
        cycle.stage = stage
    cycle.updated_at = timezone.now()
    cycle.save(update_fields=["done", "study", "act", "stage", "updated_at"])
    return cycle


def do_add_study_evidence(*, cycle: Cycle, text: str) -> Cycle:
    """Append evidence (a data-walk observation, say) to what the team studies in a cycle,
    without moving the cycle to its next stage."""
    if cycle.stage == Cycle.Stage.CLOSED:
        raise TeamError("closed", _("This cycle is closed."))
    if not text.strip():
        raise TeamError("text", _("Write what happened."))
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        locked.study = f"{locked.study.rstrip()}\n\n{text.strip()}".strip()
        locked.updated_at = timezone.now()
        locked.save(update_fields=["study", "updated_at"])
    return locked
