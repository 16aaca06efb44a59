"""Translations and where they came from (DESIGN.md section 2, rule 3: honest translation).

The pipeline (``pipeline.py``) reads these tables in order: a message template's translation,
then the translation memory, then a machine translation provider, then the human queue. Every
stored translation keeps how it was made (``method``) and whether a speaker of the language has
checked it (``status`` and ``reviewed_by``), so that any page or message can say so.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from juntos.language.templates_library import source_hash
from juntos.people.models import District, School, Staff, validate_language


class Status(models.TextChoices):
    # Written by the project, a machine or someone not yet vouched for: no speaker has checked it.
    DRAFT = "draft", _("Draft: not yet checked by a speaker")
    REVIEWED = "reviewed", _("Checked by a speaker")


class Method(models.TextChoices):
    ORIGINAL = "original", _("Original text, not translated")
    TEMPLATE = "template", _("Message template")
    MEMORY = "memory", _("Translation memory")
    MACHINE = "machine", _("Machine translation")
    HUMAN = "human", _("Human translation")


class MessageTemplate(models.Model):
    """A message every school needs, written once in its source language with placeholders."""

    class Kind(models.TextChoices):
        PROGRESS_NOTE = "progress_note", _("Progress note")
        ATTENDANCE = "attendance", _("Attendance")
        EVENT = "event", _("Event")
        CONFERENCE = "conference", _("Conference")
        LOOP_CLOSING = "loop_closing", _("You said, we did")
        LISTENING = "listening", _("Listening")
        SUBSCRIPTION = "subscription", _("Subscription")
        ACCESS = "access", _("Family page access")
        TRANSLATION = "translation", _("About translation")
        EMERGENCY = "emergency", _("Emergency")
        GENERAL = "general", _("General")

    # Stable identifier used by code ("progress_note.positive"); never renamed.
    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True, default="")
    source_language = models.CharField(max_length=35, default="en", validators=[validate_language])
    source_text = models.TextField()
    # Sent by SMS: must stay short (each non-GSM character costs a 70-character segment).
    for_sms = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class TemplateTranslation(models.Model):
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(max_length=35, validators=[validate_language])
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Hash of the template's source text this translation was made from: when the source
    # changes, a reviewed translation is kept but shows as out of date.
    source_hash = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["template__key", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="template_translation_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(reviewed_at__isnull=False),
                name="template_translation_reviewed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_id} in {self.language} ({self.status})"

    @property
    def is_stale(self) -> bool:
        """The template's source changed since this translation was made or reviewed."""
        return self.source_hash != source_hash(self.template.source_text)


class TranslationMemory(models.Model):
    """One remembered translation of a source text, found again by the hash of its normal form.

    ``district`` is null for entries every district may reuse (translations of the template
    library); a teacher's own sentences are remembered for their district only, because they
    can name students.
    """

    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source_language = models.CharField(max_length=35, validators=[validate_language])
    target_language = models.CharField(max_length=35, validators=[validate_language])
    source_hash = models.CharField(max_length=64)
    source_text = models.TextField()
    target_text = models.TextField()
    method = models.CharField(max_length=10, choices=Method.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The machine translation engine ("libretranslate", "deepl") when method is machine.
    provider = models.CharField(max_length=40, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "translation memory"
        constraints = [
            # Two partial constraints rather than one with a nullable column: NULLs are distinct
            # in a plain unique index, and SQLite has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["district", "source_language", "target_language", "source_hash"],
                condition=Q(district__isnull=False),
                name="memory_unique_in_district",
            ),
            models.UniqueConstraint(
                fields=["source_language", "target_language", "source_hash"],
                condition=Q(district__isnull=True),
                name="memory_unique_shared",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(reviewed_at__isnull=False),
                name="memory_reviewed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["source_language", "target_language", "source_hash"])]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language} {self.method} ({self.status})"


class HumanTranslationRequest(models.Model):
    """A text waiting for a person who speaks the target language.

    ``waiting_kind`` and ``waiting_id`` name what is held until the translation is done (for
    example a message of the messaging app); the action that completes the request enqueues the
    task registered for that kind, so the held thing can be released.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a translator")
        ASSIGNED = "assigned", _("Assigned")
        DONE = "done", _("Translated")
        CANCELLED = "cancelled", _("Cancelled")

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="translation_requests"
    )
    # The school whose liaisons should translate it; null for district-wide messages.
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_language = models.CharField(max_length=35, validators=[validate_language])
    target_language = models.CharField(max_length=35, validators=[validate_language])
    source_text = models.TextField()
    source_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        Staff,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translation_requests",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result_text = models.TextField(blank=True, default="")
    memory = models.ForeignKey(
        TranslationMemory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    waiting_kind = models.CharField(max_length=40, blank=True, default="")
    waiting_id = models.CharField(max_length=64, blank=True, default="")
    # Set when the text is a message template's source: the human translation then becomes the
    # template's (reviewed) translation in that language, for every district.
    template_key = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "created_at"]
        constraints = [
            # The same text, for the same language and the same waiting thing, is asked once.
            models.UniqueConstraint(
                fields=[
                    "district",
                    "source_language",
                    "target_language",
                    "source_hash",
                    "waiting_kind",
                    "waiting_id",
                ],
                condition=Q(status__in=["open", "assigned"]),
                name="translation_request_pending_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(result_text=""),
                name="translation_request_done_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(assigned_to__isnull=False),
                name="translation_request_assigned_has_staff",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status", "target_language"]),
            models.Index(fields=["assigned_to", "status"]),
            models.Index(fields=["waiting_kind", "waiting_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language} request {self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ASSIGNED)
