"""Family-teacher conferences: the times a teacher offers, and who booked them.

No double booking, enforced by the database (docs/conferences.md):

* a slot has at most one active booking (a partial unique constraint);
* a teacher's slots never overlap (an exclusion constraint on the teacher and the time range);
* an interpreter is never booked for two overlapping meetings (an exclusion constraint on the
  interpreter and the booking's time range, copied from its slot so that the constraint can see
  it).

The two exclusion constraints need PostgreSQL (GiST and ``btree_gist``). The embedded demo runs
on SQLite, where they cannot exist: there the actions' own checks hold the line, under SQLite's
single-writer lock (the migration skips them on other databases).
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juntos.people.models import Caregiver, School, Staff, Student


class TsTzRange(Func):
    """``tstzrange(starts_at, ends_at)``: half-open, so back-to-back meetings do not overlap."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class ConferenceSlot(models.Model):
    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")

    teacher = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="conference_slots")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="conference_slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True, default="")
    modality = models.CharField(max_length=10, choices=Modality.choices, default=Modality.IN_PERSON)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="conference_slot_ordered"
            ),
            ExclusionConstraint(
                name="conference_slot_teacher_no_overlap",
                expressions=[
                    ("teacher", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        indexes = [models.Index(fields=["school", "starts_at"])]

    def __str__(self) -> str:
        return f"slot {self.pk} of staff {self.teacher_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    class Via(models.TextChoices):
        PORTAL = "portal", _("Family page")
        SMS = "sms", _("Text message")
        STAFF = "staff", _("Staff")

    slot = models.ForeignKey(ConferenceSlot, on_delete=models.CASCADE, related_name="bookings")
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.CASCADE, related_name="conference_bookings"
    )
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="conference_bookings"
    )
    # Null with a language set: the family needs an interpreter and no liaison who speaks it
    # was free; the school sees the flag on the conferences page.
    interpreter = models.ForeignKey(
        Staff,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interpreting_bookings",
    )
    interpreter_language = models.CharField(max_length=35, blank=True, default="")
    # Copied from the slot: the interpreter constraint needs the time range on this row.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_via = models.CharField(max_length=10, choices=Via.choices)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status="booked"),
                name="conference_booking_one_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="conference_booking_ordered"
            ),
            ExclusionConstraint(
                name="conference_interpreter_no_overlap",
                expressions=[
                    ("interpreter", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="booked", interpreter__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "reminded_at", "starts_at"])]

    def __str__(self) -> str:
        return f"booking {self.pk} of slot {self.slot_id} ({self.status})"

    @property
    def needs_interpreter_flag(self) -> bool:
        """A family needs an interpreter and none is assigned yet."""
        return bool(self.interpreter_language) and self.interpreter_id is None


class ConferenceOffer(models.Model):
    """Times offered to one family by message; a lone number in a text reply books one.

    ``slot_ids`` is ordered: the family's "2" is ``slot_ids[1]``.
    """

    teacher = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="conference_offers")
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.CASCADE, related_name="conference_offers"
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    slot_ids = models.JSONField(default=list)
    sent_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["caregiver", "answered_at", "sent_at"])]

    def __str__(self) -> str:
        return f"offer {self.pk} to caregiver {self.caregiver_id}"
