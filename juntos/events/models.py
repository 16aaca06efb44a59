"""Events: what a school invites families to, who was invited, who answered and who came.

Every event states how it supports children's learning (DESIGN.md section 2, rule 4): the
statement is required and a database check refuses an empty one. Nothing here records
immigration status or anything like it; the needs a family states (childcare, a ride, an
interpreter) are asked only to plan the event.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    class Kind(models.TextChoices):
        LITERACY_NIGHT = "literacy_night", _("Literacy night")
        MATH_NIGHT = "math_night", _("Math night")
        LISTENING_SESSION = "listening_session", _("Listening session")
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE_DAY = "conference_day", _("Conference day")
        COMMUNITY_GATHERING = "community_gathering", _("Community gathering")
        KNOW_YOUR_RIGHTS = "know_your_rights", _("Know-your-rights night")
        OTHER = "other", _("Other")

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Invitations sent")
        CANCELLED = "cancelled", _("Cancelled")

    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("people.School", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    learning_statement = models.TextField()
    # The language staff wrote the title, place and statement in.
    source_language = models.CharField(max_length=35, default="en")
    modality = models.CharField(max_length=10, choices=Modality.choices)
    place = models.CharField(max_length=300, blank=True, default="")
    childcare = models.BooleanField(default=False)
    transport = models.BooleanField(default=False)
    food = models.BooleanField(default=False)
    stipend = models.BooleanField(default=False)
    interpretation_languages = models.JSONField(default=list, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey("people.Staff", on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(learning_statement__regex=r"^\s*$"),
                name="event_learning_statement_required",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="event_title_required"),
        ]

    def __str__(self) -> str:
        return self.title


class TimeOption(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="time_options")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="time_option_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    caregiver = models.ForeignKey(
        "people.Caregiver", on_delete=models.CASCADE, related_name="event_invitations"
    )
    # The fan-out's Message (one per publication); its Delivery to this caregiver says how the
    # invitation went out (an SMS answer is read only when it went out by SMS).
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "caregiver"], name="invitation_unique")
        ]

    def __str__(self) -> str:
        return f"invitation of {self.caregiver_id} to {self.event_id}"


class Rsvp(models.Model):
    """A family's answer: one per caregiver and event, the latest answer wins."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        MAYBE = "maybe", _("Maybe")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Family page")
        SMS = "sms", _("SMS")
        STAFF = "staff", _("Staff")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    caregiver = models.ForeignKey(
        "people.Caregiver", on_delete=models.CASCADE, related_name="event_rsvps"
    )
    answer = models.CharField(max_length=5, choices=Answer.choices)
    time_option = models.ForeignKey(
        TimeOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="rsvps"
    )
    # A "yes" beyond the event's capacity is kept, on the waiting list (docs/events.md).
    waitlisted = models.BooleanField(default=False)
    childcare_children = models.PositiveSmallIntegerField(default=0)
    needs_ride = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=35, blank=True, default="")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    answered_at = models.DateTimeField(default=timezone.now)
    # When the day-before reminder went (once per answer: a new "yes" may be reminded again).
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "caregiver"], name="rsvp_unique"),
            models.CheckConstraint(
                condition=Q(childcare_children__gte=0) & Q(childcare_children__lte=20),
                name="rsvp_childcare_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer} from {self.caregiver_id} to {self.event_id}"


class Attendance(models.Model):
    """Someone at the door: an invited caregiver, or a walk-in with only a name."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    caregiver = models.ForeignKey(
        "people.Caregiver",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_attendance",
    )
    walk_in_name = models.CharField(max_length=200, blank=True, default="")
    walk_in_language = models.CharField(max_length=35, blank=True, default="")
    time_option = models.ForeignKey(
        TimeOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey("people.Staff", on_delete=models.RESTRICT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "caregiver"],
                condition=Q(caregiver__isnull=False),
                name="attendance_unique_caregiver",
            ),
            models.CheckConstraint(
                condition=Q(caregiver__isnull=False) | ~Q(walk_in_name=""),
                name="attendance_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"attendance at {self.event_id}"
