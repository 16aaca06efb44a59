"""Every write of insights: the unreached-families worklist (assignments, attempts, contact
corrections), the data walk (observations, stories, turning an observation into a team's
priority or a PDSA cycle's evidence) and the readiness self-assessment (waves, anonymous
responses, one-time family links, a domain made a goal).

Each ``do_*`` runs in one transaction and writes an audit entry: the worklist is a list of
families, and who worked on which family is part of the record (DESIGN.md section 2, rule 8).
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.insights import queries, readiness
from juntos.insights.models import (
    Assignment,
    Attempt,
    Observation,
    ReadinessInvitation,
    ReadinessResponse,
    ReadinessStaffMark,
    ReadinessToken,
    ReadinessWave,
    Story,
)
from juntos.language import registry
from juntos.listening.actions import find_flags
from juntos.people import actions as people_actions
from juntos.people.models import AuditEntry, Caregiver, District, School, Staff, Student
from juntos.teams import actions as team_actions
from juntos.teams.models import Cycle, Goal, Priority, Reality, Team


class InputError(ValueError):
    """A request the worklist refuses, with a message per form field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _audit(by: Staff, student: Student, what: str) -> None:
    AuditEntry.objects.create(
        actor=by.user,
        action=AuditEntry.Action.CHANGE,
        object_type="student",
        object_id=student.pk,
        context=f"insights worklist: {what}"[:300],
    )


def do_assign_student(*, by: Staff, student: Student, assignee: Staff) -> Assignment:
    """Give the outreach to a student's family to a liaison of the student's school."""
    candidates = {staff.pk for staff, _speaks in queries.liaison_candidates(student)}
    if assignee.pk not in candidates:
        raise InputError({"assignee": _("Choose a liaison of this student's school.")})
    with transaction.atomic():
        assignment, _created = Assignment.objects.update_or_create(
            student=student,
            defaults={"assignee": assignee, "assigned_by": by, "assigned_at": timezone.now()},
        )
        _audit(by, student, f"assigned to staff {assignee.pk}")
    return assignment


def do_record_attempt(
    *,
    by: Staff,
    student: Student,
    method: str,
    outcome: str,
    caregiver: Caregiver | None = None,
    note: str = "",
) -> Attempt:
    """Record one try at reaching the family; a ``reached`` outcome is a two-way contact."""
    errors = {}
    if method not in Attempt.Method.values:
        errors["method"] = _("Choose how you tried.")
    if outcome not in Attempt.Outcome.values:
        errors["outcome"] = _("Choose how it went.")
    if caregiver is not None and not student.caregiver_links.filter(caregiver=caregiver).exists():
        errors["caregiver"] = _("Choose an adult of this student's family.")
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        attempt = Attempt.objects.create(
            student=student,
            caregiver=caregiver,
            by=by,
            method=method,
            outcome=outcome,
            note=note[:500],
            at=timezone.now(),
        )
        _audit(by, student, f"attempt {method} {outcome}")
    return attempt


def do_correct_family_contact(
    *,
    by: Staff,
    student: Student,
    caregiver: Caregiver,
    phone: str = "",
    sms_capable: bool = True,
    email: str = "",
    language: str = "",
) -> Caregiver:
    """Correct a caregiver's phone, email or language from the worklist (people's action)."""
    if not student.caregiver_links.filter(caregiver=caregiver).exists():
        raise InputError({"caregiver": _("Choose an adult of this student's family.")})
    if not (phone or email or language):
        raise InputError({"phone": _("Enter a new phone number, email or language.")})
    return people_actions.do_correct_contact(  # type: ignore[no-any-return]
        actor=by.user,
        caregiver_id=caregiver.pk,
        phone=phone,
        sms_capable=sms_capable,
        email=email,
        language=language,
        context=f"insights worklist student {student.pk}",
    )


# --- The data walk ---------------------------------------------------------------------------

MAX_TEXT = 2000


def do_add_observation(
    *, by: Staff, district: District, school: School | None, chart: str, kind: str, text: str
) -> Observation:
    """What a team member noticed or wondered about one chart of the walk."""
    errors = {}
    if kind not in Observation.Kind.values:
        errors["kind"] = _("Choose notice or wonder.")
    if not text.strip():
        errors["text"] = _("Write what you notice or wonder.")
    if not chart.strip():
        errors["chart"] = _("Choose a chart.")
    if errors:
        raise InputError(errors)
    return Observation.objects.create(
        district=district,
        school=school,
        chart=chart.strip()[:60],
        kind=kind,
        text=text.strip()[:MAX_TEXT],
        by=by,
        at=timezone.now(),
    )


def _same_place(observation: Observation, team: Team) -> None:
    if team.district_id != observation.district_id or (
        observation.school_id is not None and team.school_id != observation.school_id
    ):
        raise InputError({"team": _("Choose a team of this school.")})


def do_make_priority(
    *, observation: Observation, team: Team, kind: str, text: str = ""
) -> Priority:
    """Turn an observation into the team's picture of today (a need or a strength) and a
    priority for the coproduction step that points at it."""
    _same_place(observation, team)
    if kind not in (Reality.Kind.NEED, Reality.Kind.STRENGTH):
        raise InputError({"kind": _("Choose need or strength.")})
    wording = text.strip() or observation.text
    with transaction.atomic():
        reality = team_actions.do_add_reality(team=team, kind=kind, text=wording)
        priority = team_actions.do_add_priority(team=team, text=wording, reality=reality)
        Observation.objects.filter(pk=observation.pk).update(priority=priority)
    observation.priority = priority
    return priority


def do_add_to_study(*, observation: Observation, cycle: Cycle) -> Cycle:
    """Append an observation to a PDSA cycle's "study" evidence."""
    goal = Goal.objects.select_related("team").get(pk=cycle.goal_id)
    _same_place(observation, goal.team)
    kind = observation.get_kind_display()
    evidence = _("Data walk, %(date)s (%(kind)s): %(text)s") % {
        "date": timezone.localdate(observation.at).isoformat(),
        "kind": kind,
        "text": observation.text,
    }
    try:
        with transaction.atomic():
            cycle = team_actions.do_add_study_evidence(cycle=cycle, text=evidence)
            Observation.objects.filter(pk=observation.pk).update(cycle=cycle)
    except team_actions.TeamError as exc:
        raise InputError({"cycle": str(exc)}) from exc
    observation.cycle = cycle
    return cycle


MASK = "\u2588\u2588\u2588"  # what a masked name, phone or email reads as


def anonymise(text: str, *, district_id: int) -> str:
    """``text`` with the names of people on the roster, phone numbers and emails masked."""
    flagged = sorted({flag["text"] for flag in find_flags(text, district_id=district_id)}, key=len)
    for found in reversed(flagged):  # longest first: "Rosa Garcia" before "Rosa"
        text = text.replace(found, MASK)
    return text


def do_add_story(
    *,
    by: Staff,
    district: District,
    school: School | None,
    text: str,
    language: str,
    consent: bool,
    key: str = "",
    goal: Goal | None = None,
    named: bool = False,
) -> Story:
    """A story beside the numbers. Consent must be recorded (by whom: ``by``); the story is
    anonymised unless the teller agreed to be named."""
    errors = {}
    if not consent:
        errors["consent"] = _("Record that the teller agreed to share this story.")
    if not text.strip():
        errors["text"] = _("Write the story.")
    if not key.strip() and goal is None:
        errors["key"] = _("Choose the chart or goal this story speaks to.")
    try:
        language = registry.normalize(language or "en")
    except registry.InvalidLanguage:
        errors["language"] = _("Choose a language.")
    if errors:
        raise InputError(errors)
    if goal is not None and (
        goal.team.district_id != district.pk
        or (school is not None and goal.team.school_id != school.pk)
    ):
        raise InputError({"goal": _("Choose a goal of this school.")})
    body = text.strip()[:MAX_TEXT]
    if not named:
        body = anonymise(body, district_id=district.pk)
    return Story.objects.create(
        district=district,
        school=school,
        key=key.strip()[:60],
        goal=goal,
        text=body,
        language=language,
        consent=True,
        consent_recorded_by=by,
        anonymised=not named,
    )


# --- Readiness -------------------------------------------------------------------------------


def do_open_readiness_wave(
    *, district: District, school: School | None, year: str = ""
) -> ReadinessWave:
    """Open this year's readiness self-assessment for a school (or the district)."""
    year = year or team_actions.school_year()
    version = readiness.load_instrument().version
    try:
        with transaction.atomic():
            return ReadinessWave.objects.create(
                district=district, school=school, school_year=year, version=version
            )
    except IntegrityError as exc:
        raise InputError({"year": _("This year's self-assessment is already open.")}) from exc


def do_close_readiness_wave(*, wave: ReadinessWave) -> ReadinessWave:
    wave.is_open = False
    wave.save(update_fields=["is_open"])
    return wave


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def do_create_readiness_token(*, wave: ReadinessWave, language: str) -> str:
    """A one-time family link's token (the link is /insights/readiness/t/<token>/). Only its
    hash is kept; it carries the family's language, never who the family is."""
    token = secrets.token_urlsafe(24)
    ReadinessToken.objects.create(
        wave=wave, token_hash=_token_hash(token), language=registry.normalize(language)
    )
    return token


def readiness_token(token: str) -> ReadinessToken | None:
    return (
        ReadinessToken.objects.filter(token_hash=_token_hash(token)).select_related("wave").first()
    )


def _checked_answers(
    wave: ReadinessWave, role: str, language: str, answers: dict[str, int | None]
) -> tuple[str, dict[str, int | None]]:
    if not wave.is_open:
        raise InputError({"wave": _("This self-assessment is closed.")})
    instrument = readiness.load_instrument()
    if not answers:
        raise InputError({"answers": _("Answer at least one statement.")})
    try:
        language = registry.normalize(language)
        readiness.score(
            [readiness.Response(role, language, answers)],  # type: ignore[arg-type]
            instrument,
        )
    except (registry.InvalidLanguage, readiness.ResponseError) as exc:
        raise InputError({"answers": str(exc)}) from exc
    return language, answers


def do_answer_readiness_as_staff(
    *, wave: ReadinessWave, staff: Staff, language: str, answers: dict[str, int | None]
) -> None:
    """A staff member's anonymous answers; the mark that they answered is kept apart."""
    language, answers = _checked_answers(wave, "staff", language, answers)
    try:
        with transaction.atomic():
            ReadinessStaffMark.objects.create(wave=wave, staff=staff)
            ReadinessResponse.objects.create(
                wave=wave, role="staff", language=language, answers=answers
            )
    except IntegrityError as exc:
        raise InputError({"wave": _("You already answered. Thank you.")}) from exc


def do_answer_readiness_by_token(*, token: str, answers: dict[str, int | None]) -> ReadinessWave:
    """Spend a family's one-time link on one anonymous response."""
    with transaction.atomic():
        link = (
            ReadinessToken.objects.select_for_update()
            .select_related("wave")
            .filter(token_hash=_token_hash(token))
            .first()
        )
        if link is None:
            raise InputError({"token": _("This link is not valid.")})
        if link.used:
            raise InputError({"token": _("You already answered. Thank you.")})
        language, answers = _checked_answers(link.wave, "family", link.language, answers)
        link.used = True
        link.save(update_fields=["used"])
        ReadinessResponse.objects.create(
            wave=link.wave, role="family", language=language, answers=answers
        )
        return link.wave


def do_make_domain_goal(
    *, wave: ReadinessWave, domain: str, team: Team, language: str = "en"
) -> Goal:
    """Make a readiness domain a goal of the team's action plan (area "other")."""
    instrument = readiness.load_instrument()
    try:
        name = instrument.domain(domain).name(language)
    except KeyError as exc:
        raise InputError({"domain": _("Choose a domain.")}) from exc
    if team.district_id != wave.district_id or (
        wave.school_id is not None and team.school_id != wave.school_id
    ):
        raise InputError({"team": _("Choose a team of this school.")})
    try:
        return team_actions.do_add_goal(team=team, title=name, area=Goal.Area.OTHER)
    except team_actions.TeamError as exc:
        raise InputError({"team": str(exc)}) from exc


def do_send_readiness_links(*, wave: ReadinessWave, by: Staff, base_url: str = "") -> int:
    """Send each family of the round's school a one-time link to the self-assessment, in their
    language and on their channel (``readiness.invitation`` through the reach pipeline); a
    family already sent one for this round is skipped. Returns how many were sent."""
    from django.conf import settings
    from django.urls import reverse

    from juntos.messaging.actions import do_open_conversation, do_send_conversation_message
    from juntos.people.models import Caregiver

    if wave.school is None:
        raise InputError({"wave": _("Family links are sent for a school's round.")})
    if not wave.is_open:
        raise InputError({"wave": _("This self-assessment is closed.")})
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or base_url).rstrip("/")
    families = (
        Caregiver.objects.filter(
            is_active=True,
            links__may_contact=True,
            links__student__is_active=True,
            links__student__school_links__school=wave.school,
        )
        .exclude(pk__in=ReadinessInvitation.objects.filter(wave=wave).values("caregiver_id"))
        .distinct()
        .order_by("pk")
    )
    sent = 0
    with transaction.atomic():
        for caregiver in families:
            ReadinessInvitation.objects.create(wave=wave, caregiver=caregiver)
            token = do_create_readiness_token(wave=wave, language=caregiver.preferred_language)
            link = base + reverse("insights:readiness_link", kwargs={"token": token})
            conversation = do_open_conversation(caregiver=caregiver, owner=by, school=wave.school)
            do_send_conversation_message(
                by=by,
                conversation=conversation,
                body="",
                kind="system",
                template_key="readiness.invitation",
                context={"school": wave.school.name, "link": link},
            )
            sent += 1
    return sent
