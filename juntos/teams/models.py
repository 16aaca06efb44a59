"""Partnership teams, their meetings, who asked to speak and who spoke, and the pulse.

A team belongs to a school, or to the district when it has no school. Its members are staff,
caregivers or community partners (a person without an account, named on the team). The
felt-heard pulse is anonymous by construction: an answer row holds the meeting and the score
only — no member, no caregiver, no time — and the invitation that lets a member answer once
records only that it was used.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "people.School", null=True, blank=True, on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(max_length=200)
    mission = models.TextField(blank=True, default="")
    charter_review_on = models.DateField(null=True, blank=True)
    # The review date the cochairs were last reminded of (a new date reminds again).
    charter_reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    class Role(models.TextChoices):
        FAMILY = "family", _("Family member")
        COMMUNITY = "community", _("Community partner")
        LIAISON = "liaison", _("Liaison")
        TEACHER = "teacher", _("Teacher")
        STAFF = "staff", _("Other school staff")
        LEADER = "leader", _("School leader")

    # Distance from school power, 0 = furthest (DESIGN.md §2; seed 003, progressive stack).
    DEFAULT_RANK = {
        Role.FAMILY: 0,
        Role.COMMUNITY: 0,
        Role.LIAISON: 1,
        Role.TEACHER: 2,
        Role.STAFF: 2,
        Role.LEADER: 3,
    }

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=12, choices=Role.choices)
    staff = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    caregiver = models.ForeignKey(
        "people.Caregiver", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A community partner without an account: the name the team knows them by.
    name = models.CharField(max_length=200, blank=True, default="")
    organization = models.CharField(max_length=200, blank=True, default="")
    cochair = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    power_rank = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["power_rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(staff__isnull=False, caregiver__isnull=True)
                    | Q(staff__isnull=True, caregiver__isnull=False)
                    | (Q(staff__isnull=True, caregiver__isnull=True) & ~Q(name=""))
                ),
                name="member_is_one_person",
            ),
            models.UniqueConstraint(
                fields=["team", "staff"], condition=Q(staff__isnull=False), name="member_staff_once"
            ),
            models.UniqueConstraint(
                fields=["team", "caregiver"],
                condition=Q(caregiver__isnull=False),
                name="member_caregiver_once",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.staff is not None:
            return self.staff.display_name
        if self.caregiver is not None:
            return f"{self.caregiver.given_name} {self.caregiver.family_name}".strip()
        return self.name


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        ENDED = "ended", _("Ended")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    agenda = models.TextField(blank=True, default="")
    interpreted_languages = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(blank=True, default="")
    minutes_language = models.CharField(max_length=35, default="en")

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} at meeting {self.meeting_id}"


class SpeakRequest(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="requests")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One place in the queue per person at a time.
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(status="waiting"),
                name="speak_request_waiting_once",
            ),
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} asks at meeting {self.meeting_id}"


class Turn(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="turns")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    # The member's role when they spoke: a member's role can change later.
    role = models.CharField(max_length=12, choices=Member.Role.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        constraints = [
            # One person speaks at a time.
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(ended_at__isnull=True), name="turn_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="turn_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"member {self.member_id} speaks at meeting {self.meeting_id}"


class PulseInvitation(models.Model):
    """Lets one attendee answer a meeting's pulse once. Records that it was used, not how."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="pulse_invitation_once"),
        ]

    def __str__(self) -> str:
        return f"pulse invitation for meeting {self.meeting_id}"


class PulseAnswer(models.Model):
    """An answer to "Did you feel heard today? 1 to 5". No member, no caregiver and no time,
    and a random id, so that neither the row's order nor its key ties it to an invitation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pulse_answers")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="pulse_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"pulse answer for meeting {self.meeting_id}"


# --- Charter ------------------------------------------------------------------------------------


class Norm(models.Model):
    """A way of working together, proposed by a member and adopted by the team (seed 000)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ADOPTED = "adopted", _("Adopted")
        SET_ASIDE = "set_aside", _("Set aside")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="norms")
    text = models.TextField()
    language = models.CharField(max_length=35, default="en")
    proposed_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.text[:60]


# --- Coproduction: vision, current realities, priorities (seed 003) ---------------------------


class Reality(models.Model):
    """One line of the team's picture of today: a strength, a need, an opportunity, a threat."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        NEED = "need", _("Need")
        OPPORTUNITY = "opportunity", _("Opportunity")
        THREAT = "threat", _("Threat")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="realities")
    school_year = models.CharField(max_length=9)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    # A theme heard from families (listening) that this line comes from, when there is one.
    theme_id = models.PositiveIntegerField(null=True, blank=True)
    theme_label = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:50]}"


class Priority(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="priorities")
    school_year = models.CharField(max_length=9)
    text = models.TextField()
    reality = models.ForeignKey(
        Reality, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Vision(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="visions")
    school_year = models.CharField(max_length=9)
    text = models.TextField()
    language = models.CharField(max_length=35, default="en")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "school_year"], name="vision_per_year"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


# --- Decisions -----------------------------------------------------------------------------------


class Decision(models.Model):
    class Method(models.TextChoices):
        CONSENT = "consent", _("Consent (agree, stand aside, object)")
        SCORE = "score", _("Score each option from 0 to 5")
        RANKED = "ranked", _("Ranked choice")

    class Stage(models.TextChoices):
        FAMILIES = "families", _("Family members first")
        EVERYONE = "everyone", _("Open to everyone")
        DECIDED = "decided", _("Decided")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(max_length=200)
    proposal = models.TextField()
    language = models.CharField(max_length=35, default="en")
    method = models.CharField(max_length=8, choices=Method.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.FAMILIES)
    outcome = models.TextField(blank=True, default="")
    reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    opened_to_everyone_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class DecisionOption(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Vote(models.Model):
    """A member's vote, open to the team like a show of hands. ``consent`` for the consent
    method; ``scores`` (option id → 0..5) for scoring; ``ranking`` (option ids, best first)."""

    class Consent(models.TextChoices):
        AGREE = "agree", _("Agree")
        STAND_ASIDE = "stand_aside", _("Stand aside")
        OBJECT = "object", _("Object")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=Member.Role.choices)
    consent = models.CharField(max_length=12, choices=Consent.choices, blank=True, default="")
    scores = models.JSONField(default=dict, blank=True)
    ranking = models.JSONField(default=list, blank=True)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="vote_once"),
        ]

    def __str__(self) -> str:
        return f"vote of member {self.member_id} on decision {self.decision_id}"


# --- Action plan and PDSA (seed 000: three goals; seed 003: Plan-Do-Study-Act) -----------------


class Goal(models.Model):
    class Area(models.TextChoices):
        LITERACY = "literacy", _("Literacy")
        MATH = "math", _("Math")
        SEL = "sel", _("Social-emotional learning")
        RELATIONSHIPS = "relationships", _("Trusting relationships")
        ATTENDANCE = "attendance", _("Attendance")
        OTHER = "other", _("Other school improvement goal")

    MAX_PER_YEAR = 3

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="goals")
    school_year = models.CharField(max_length=9)
    title = models.CharField(max_length=300)
    area = models.CharField(max_length=15, choices=Area.choices)
    language = models.CharField(max_length=35, default="en")
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["school_year", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanAction(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Cycle(models.Model):
    """One Plan-Do-Study-Act cycle of a goal."""

    class Stage(models.TextChoices):
        PLAN = "plan", _("Plan")
        DO = "do", _("Do")
        STUDY = "study", _("Study")
        ACT = "act", _("Act")
        CLOSED = "closed", _("Closed")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="cycles")
    plan = models.TextField()
    prediction = models.TextField()
    # The measure the team will study: a metric key of juntos/insights (e.g. "reach").
    metric = models.CharField(max_length=60, blank=True, default="")
    done = models.TextField(blank=True, default="")
    study = models.TextField(blank=True, default="")
    act = models.TextField(blank=True, default="")
    stage = models.CharField(max_length=6, choices=Stage.choices, default=Stage.PLAN)
    started_on = models.DateField(default=timezone.localdate)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return self.plan[:60]
