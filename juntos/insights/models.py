"""Insights data: the unreached-families worklist (assignments and contact attempts), the data
walk (observations and stories) and the readiness self-assessment (waves, anonymous responses,
one-time family links).

The metrics themselves are computed from other apps' rows (metrics.py); the rows this app owns
are the work people do with them: reaching a family the metrics show as unreached, talking
about a chart, answering the readiness questionnaire.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """Who is trying to reach a student's family: one current assignment per student."""

    student = models.OneToOneField(
        "people.Student", on_delete=models.CASCADE, related_name="outreach_assignment"
    )
    assignee = models.ForeignKey(
        "people.Staff", on_delete=models.CASCADE, related_name="outreach_assignments"
    )
    assigned_by = models.ForeignKey("people.Staff", on_delete=models.RESTRICT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["assignee", "assigned_at"])]

    def __str__(self) -> str:
        return f"student {self.student_id} assigned to staff {self.assignee_id}"


class Attempt(models.Model):
    """One try at reaching a student's family, and how it went.

    An attempt with the outcome ``reached`` is a two-way contact: it counts for the reach
    metric exactly as a family reply does (docs/insights.md).
    """

    class Method(models.TextChoices):
        CALL = "call", _("Phone call")
        HOME_VISIT = "home_visit", _("Home visit")
        SIBLING_SCHOOL = "sibling_school", _("Message through a sibling's school")
        COMMUNITY_PARTNER = "community_partner", _("Community partner")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached the family")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        MOVED = "moved", _("Moved")
        DECLINED = "declined", _("Declined to talk")

    student = models.ForeignKey(
        "people.Student", on_delete=models.CASCADE, related_name="outreach_attempts"
    )
    # The adult the attempt was for (null: the household, e.g. a home visit).
    caregiver = models.ForeignKey(
        "people.Caregiver",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_attempts",
    )
    by = models.ForeignKey("people.Staff", on_delete=models.RESTRICT, related_name="+")
    method = models.CharField(max_length=20, choices=Method.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # Last two-way contact per student (the worklist and the reach metric).
            models.Index(
                fields=["student", "at"],
                name="attempt_reached_idx",
                condition=models.Q(outcome="reached"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} for student {self.student_id}: {self.outcome}"


# --- The data walk: observations and stories ---------------------------------------------------


class Observation(models.Model):
    """What a team member noticed or wondered about one chart of a data walk (seed 003).

    ``school`` is null for the district's own walk. ``chart`` is the chart's key
    (``charts.Chart.key``), stable across languages.
    """

    class Kind(models.TextChoices):
        NOTICE = "notice", _("I notice")
        WONDER = "wonder", _("I wonder")

    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "people.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    chart = models.CharField(max_length=60)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    text = models.TextField()
    by = models.ForeignKey("people.Staff", on_delete=models.RESTRICT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # What the team made of it: a priority (coproduction) or a PDSA cycle's study evidence.
    priority = models.ForeignKey(
        "teams.Priority", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cycle = models.ForeignKey(
        "teams.Cycle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["district", "school", "chart"])]

    def __str__(self) -> str:
        return f"{self.kind} on {self.chart}: {self.text[:40]}"


class Story(models.Model):
    """A story or quote beside the numbers, attached to a chart or metric key or to a goal.

    Consent is recorded (who recorded it); the text is stored anonymised unless the teller
    agreed to be named (names, phone numbers and emails masked by actions.do_add_story).
    """

    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "people.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=60, blank=True, default="")  # a chart or metric key
    goal = models.ForeignKey(
        "teams.Goal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()
    language = models.CharField(max_length=35, default="en")
    consent = models.BooleanField(default=False)
    consent_recorded_by = models.ForeignKey(
        "people.Staff", on_delete=models.RESTRICT, related_name="+"
    )
    anonymised = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(consent=True), name="story_has_consent"),
            models.CheckConstraint(
                condition=~models.Q(key="") | models.Q(goal__isnull=False),
                name="story_is_attached",
            ),
        ]

    def __str__(self) -> str:
        return f"story on {self.key or self.goal_id}"


# --- Readiness self-assessment -------------------------------------------------------------------


class ReadinessWave(models.Model):
    """One yearly round of the readiness self-assessment for a school (or the district)."""

    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "people.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school_year = models.CharField(max_length=9)  # "2026-2027"
    version = models.CharField(max_length=40)  # the instrument's version
    is_open = models.BooleanField(default=True)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-school_year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "school", "school_year"],
                name="readiness_wave_once_a_year",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"readiness {self.school_year} ({self.school_id or 'district'})"


class ReadinessResponse(models.Model):
    """One anonymous questionnaire. No person, no time of day and a random id: nothing ties it
    to the staff member or the link that answered (docs/readiness.md)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        FAMILY = "family", _("Family")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(ReadinessWave, on_delete=models.CASCADE, related_name="responses")
    role = models.CharField(max_length=6, choices=Role.choices)
    language = models.CharField(max_length=35)
    answers = models.JSONField(default=dict)
    answered_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return f"{self.role} response to wave {self.wave_id}"


class ReadinessToken(models.Model):
    """A one-time family link to a wave; records that it was used, not how."""

    wave = models.ForeignKey(ReadinessWave, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=35, default="en")
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"readiness link for wave {self.wave_id}"


class ReadinessStaffMark(models.Model):
    """That a staff member answered a wave (once), kept apart from the answers."""

    wave = models.ForeignKey(ReadinessWave, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "staff"], name="readiness_staff_once"),
        ]

    def __str__(self) -> str:
        return f"staff {self.staff_id} answered wave {self.wave_id}"


class ReadinessInvitation(models.Model):
    """That a family was sent a link to a readiness round (so nobody gets two). The link's
    token (ReadinessToken) names no family, and nothing here names the token: a family's
    answers cannot be traced back to this row."""

    wave = models.ForeignKey(ReadinessWave, on_delete=models.CASCADE, related_name="+")
    caregiver = models.ForeignKey("people.Caregiver", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "caregiver"], name="readiness_invited_once"),
        ]

    def __str__(self) -> str:
        return f"readiness invitation for wave {self.wave_id}"
