"""Family surveys: a survey of one school runs an instrument in waves; each family of the
school gets a one-time token per wave; answers are stored apart from anything that names them.

Unlinkability (docs/surveys.md, docs/privacy.md): a ``Response`` has a random UUID key, no
token, no caregiver and no time finer than the date, so that neither its key, its order nor a
timestamp ties it to the ``Token`` that was spent. A ``Token`` may name its caregiver, only so
that a family is not sent two links for one wave. Only when a family ticks "answer with my
name" on the engagement-needs survey is a ``NamedResponse`` written, in a table of its own.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    district = models.ForeignKey("people.District", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("people.School", on_delete=models.CASCADE, related_name="surveys")
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        "people.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True)
                | models.Q(opens_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Wave(models.Model):
    """One run of a survey (fall, spring): its own tokens and responses."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="wave_number_once"),
            models.UniqueConstraint(
                fields=["survey"],
                condition=models.Q(status="open"),
                name="one_open_wave_per_survey",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.name}"


class Token(models.Model):
    """Lets one family answer one wave once. Records that it was used, never how."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="tokens")
    # Only so that a family is not sent a second link for the same wave (and so that staff can
    # print the paper codes of families who have not answered yet).
    caregiver = models.ForeignKey(
        "people.Caregiver", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # The short code printed on paper, hashed; reissued each time the sheet is printed.
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    channel = models.CharField(max_length=10, blank=True, default="")
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "caregiver"], name="one_token_per_family"),
        ]

    def __str__(self) -> str:
        return f"token for wave {self.wave_id}"


class Response(models.Model):
    """One family's answers: no token, no caregiver, a random key, the date only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    language = models.CharField(max_length=35)
    answers = models.JSONField(default=dict)
    submitted_on = models.DateField()

    def __str__(self) -> str:
        return f"response to wave {self.wave_id}"


class NamedResponse(models.Model):
    """Written only when the family chose to answer with its name (engagement-needs survey), so
    that the school could update that caregiver's preferences."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="named")
    caregiver = models.ForeignKey("people.Caregiver", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"named response {self.response_id}"
