"""Insights data: the unreached-families worklist (assignments and contact attempts).

The metrics themselves are computed from other apps' rows (metrics.py); the only rows this app
owns are the work a liaison does to reach a family that the metrics show as unreached.
"""

from __future__ import annotations

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
