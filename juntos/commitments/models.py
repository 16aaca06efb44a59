""" "You said, we did": what a school committed to, the family input behind it, its history.

A :class:`Commitment` (an action, a decision or a goal) cites pieces of family input through
:class:`InputLink`. An input is named by ``kind`` and ``object_id`` (a family reply is a
``messaging.Message``, an idea a ``listening.Idea``; themes, survey comments and listening-session
responses will follow) and carries a SNAPSHOT of its text taken when it was linked, with phone
numbers, email addresses and names masked: the public board shows the snapshot, never the
source row. ``caregiver`` is set only when the input is not anonymous (a reply in a
conversation, or an idea whose author asked to be told), and is used only to send that family
the updates; it is never shown. Each :class:`StatusChange` is one update (docs/commitments.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Commitment(models.Model):
    class Kind(models.TextChoices):
        ACTION = "action", _("Action")
        DECISION = "decision", _("Decision")
        GOAL = "goal", _("Goal")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_DOING = "not_doing", _("Not doing")

    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "people.School", on_delete=models.CASCADE, related_name="commitments"
    )
    # A team's decision or goal may become a commitment (juntos/teams).
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    # The language staff wrote the title, description and reason in.
    source_language = models.CharField(max_length=35, default="en")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    # Why the school will not do it (required for "not doing": families deserve the reason).
    reason = models.TextField(blank=True, default="")
    public = models.BooleanField(default=True)
    created_by = models.ForeignKey("people.Staff", on_delete=models.RESTRICT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title__regex=r"^\s*$"), name="commitment_title_required"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_doing") | ~Q(reason__regex=r"^\s*$"),
                name="commitment_not_doing_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["school", "public"])]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    """One update of a commitment: what it moved from and to, and the note staff wrote."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=12, choices=Commitment.Status.choices)
    to_status = models.CharField(max_length=12, choices=Commitment.Status.choices)
    note = models.TextField(blank=True, default="")
    by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # When the families cited were sent this update (claimed once: see actions.py).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.from_status} → {self.to_status}"


class InputLink(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("Family reply")
        IDEA = "idea", _("Idea")
        THEME = "theme", _("Theme")
        SURVEY_COMMENT = "survey_comment", _("Survey comment")
        SESSION_RESPONSE = "session_response", _("Listening-session response")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="inputs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # The input's words when it was linked, anonymised (phones, emails, names masked).
    text = models.TextField()
    language = models.CharField(max_length=35)
    # Only for input that is not anonymous: the family told of each update. Never shown.
    caregiver = models.ForeignKey(
        "people.Caregiver", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "kind", "object_id"], name="input_link_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} cited by {self.commitment_id}"
