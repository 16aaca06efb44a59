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

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.people.models import Caregiver, Staff
from juntos.teams import voice
from juntos.teams.models import (
    Attendance,
    Meeting,
    Member,
    PulseAnswer,
    PulseInvitation,
    SpeakRequest,
    Team,
    Turn,
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
