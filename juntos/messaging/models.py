"""Messaging data: the local outbox, conversations, messages, announcements and deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    """A message the local outbox "sent": what a provider would have received.

    With no SMS, voice or email provider configured (the embedded default, DESIGN.md section 7)
    every channel writes here instead, and the demo shows these rows. One row per idempotency
    key: a second send of the same delivery finds the first row.
    """

    channel = models.CharField(max_length=16)
    to = models.CharField(max_length=320, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=35)
    subject = models.CharField(max_length=500, blank=True)
    body = models.TextField()
    idempotency_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "outbox entries"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to or '(paper)'} [{self.language}]"


class Conversation(models.Model):
    """One thread with a caregiver (optionally about one student), owned by a named person.

    The ``last_*`` and ``unanswered_since`` fields are what the inbox sorts on; the actions that
    add messages keep them up to date (DESIGN.md section 2, rule 1).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    caregiver = models.ForeignKey(
        "people.Caregiver", on_delete=models.CASCADE, related_name="conversations"
    )
    student = models.ForeignKey(
        "people.Student",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    school = models.ForeignKey(
        "people.School",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    owner = models.ForeignKey(
        "people.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    last_family_message_at = models.DateTimeField(null=True, blank=True)
    last_staff_message_at = models.DateTimeField(null=True, blank=True)
    # The oldest family message after the last staff reply; null when nothing waits.
    unanswered_since = models.DateTimeField(null=True, blank=True)
    # When the follow-up sweep told the owner, then the school leader, that a family message
    # waits past the school's target; cleared by the next staff reply.
    flagged_owner_at = models.DateTimeField(null=True, blank=True)
    flagged_leader_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "status", "unanswered_since"])]

    def __str__(self) -> str:
        return f"conversation {self.pk} with caregiver {self.caregiver_id}"


class Announcement(models.Model):
    """A message to an audience: a class, a grade, a school or the whole district."""

    class AudienceKind(models.TextChoices):
        SECTION = "section", _("Class")
        GRADE = "grade", _("Grade")
        SCHOOL = "school", _("School")
        DISTRICT = "district", _("District")
        LIST = "list", _("Saved list")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    district = models.ForeignKey(
        "people.District", on_delete=models.CASCADE, related_name="announcements"
    )
    school = models.ForeignKey(
        "people.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="announcements",
    )
    author = models.ForeignKey(
        "people.Staff", on_delete=models.RESTRICT, related_name="announcements"
    )
    audience_kind = models.CharField(max_length=10, choices=AudienceKind.choices)
    # {"ids": [...]} for sections, schools; {"grade": "03", "school_ids": [...]} for a grade.
    audience_ref = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=200, blank=True, default="")
    body = models.TextField()
    source_language = models.CharField(max_length=35, default="en")
    # Emergencies ignore contact windows (DESIGN.md section 5).
    emergency = models.BooleanField(default=False)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"announcement {self.pk}: {self.subject or self.body[:40]}"


class Message(models.Model):
    """One message, inbound or outbound, in its original language."""

    class Direction(models.TextChoices):
        IN = "in", _("From the family")
        OUT = "out", _("To the family")

    class Kind(models.TextChoices):
        PROGRESS_POSITIVE = "progress_positive", _("Positive progress note")
        PROGRESS_CONCERN = "progress_concern", _("Progress concern")
        REPLY = "reply", _("Reply")
        ANNOUNCEMENT = "announcement", _("Announcement")
        SYSTEM = "system", _("System")

    # Null for announcements: they reach many families, and replies start threads.
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        "people.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    body = models.TextField()
    language = models.CharField(max_length=35)
    detected_language = models.CharField(max_length=35, blank=True, default="")
    detection_confidence = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    # The sender's address (E.164 phone) of an inbound message from no known caregiver: with no
    # caregiver there is no conversation, and the message waits in triage (conversation null,
    # direction "in") rather than being dropped (DESIGN.md section 5, "Inbound").
    from_address = models.CharField(max_length=320, blank=True, default="")
    # When a staff member first read this family message (unread counts in the inbox).
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_thread_idx")]

    def __str__(self) -> str:
        return f"message {self.pk} ({self.direction}, {self.kind})"


class MessageRendition(models.Model):
    """A message as shown in one language, with how the text was made (honest translation)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="renditions")
    language = models.CharField(max_length=35)
    text = models.TextField()
    method = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    machine_notice = models.BooleanField(default=False)
    # Rendition.to_json(): provider, memory row, whether a person must still translate it.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "language"], name="message_rendition_unique")
        ]

    def __str__(self) -> str:
        return f"message {self.message_id} in {self.language}"


class Delivery(models.Model):
    """The outbox row: one message to one caregiver on one channel (docs/messaging.md)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    caregiver = models.ForeignKey(
        "people.Caregiver", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10)
    # The address as it was at fan-out: what the report shows even if the contact changes.
    to = models.CharField(max_length=320, blank=True, default="")
    language = models.CharField(max_length=35)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    skip_reason = models.CharField(max_length=100, blank=True, default="")
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Which claim holds the row: a fresh token per claim, so two workers that claim in the same
    # instant still tell their rows apart.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    provider_id = models.CharField(max_length=100, blank=True, default="")
    error = models.TextField(blank=True, default="")
    idempotency_key = models.CharField(max_length=200, unique=True)
    fallback_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallbacks"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            # The claim and the sweeper.
            models.Index(fields=["status", "next_attempt_at"], name="delivery_claim_idx"),
            # The delivery report of one message, broken down by language and channel.
            models.Index(
                fields=["message", "status", "language", "channel"], name="delivery_report_idx"
            ),
            # Status callbacks find their row by the provider's id.
            models.Index(
                fields=["provider_id"],
                name="delivery_provider_idx",
                condition=~models.Q(provider_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} of message {self.message_id} by {self.channel} ({self.status})"


class InboundPayload(models.Model):
    """A provider webhook exactly as it arrived, stored before anything else is done with it.

    Written in its own transaction before processing, so that a bug in processing loses
    nothing: the row keeps the error and can be processed again. Only correctly signed requests
    are stored (an unsigned request could be anyone's), so ``signature_valid`` records the
    check that let the row in.
    """

    class Kind(models.TextChoices):
        SMS = "sms", _("Inbound SMS")
        STATUS = "status", _("Status callback")
        EMAIL = "email", _("Inbound email")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The form fields: a value per name, or a list for a name that came more than once.
    payload = models.JSONField(default=dict, blank=True)
    # The body as received, decoded as UTF-8 with invalid bytes replaced (U+FFFD).
    raw_body = models.TextField(blank=True, default="")
    # Only the headers that explain the request (signature, idempotency token, content type).
    headers = models.JSONField(default=dict, blank=True)
    signature_valid = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # What processing did: "reply", "triage", "opt_out", "opt_in", "help", "malformed",
    # "status_updated", "unknown_sid", "error", ... (empty while not processed).
    outcome = models.CharField(max_length=30, blank=True, default="")
    error = models.TextField(blank=True, default="")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"inbound {self.kind} {self.pk} ({self.outcome or 'unprocessed'})"


class AudienceList(models.Model):
    """A saved list of caregivers (a committee, a family group, last month's non-responders)
    that an announcement can be sent to like a class or a grade."""

    district = models.ForeignKey(
        "people.District", on_delete=models.CASCADE, related_name="audience_lists"
    )
    school = models.ForeignKey(
        "people.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audience_lists",
    )
    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        "people.Staff", on_delete=models.RESTRICT, related_name="audience_lists"
    )
    caregivers = models.ManyToManyField("people.Caregiver", related_name="audience_lists")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PaperBatch(models.Model):
    """One printing of the paper letters that were waiting: who printed them and when.

    Each printed Delivery records the batch in ``provider_id`` ("paper-<batch id>").
    """

    district = models.ForeignKey(
        "people.District", on_delete=models.CASCADE, related_name="paper_batches"
    )
    school = models.ForeignKey(
        "people.School",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paper_batches",
    )
    created_by = models.ForeignKey(
        "people.Staff", on_delete=models.RESTRICT, related_name="paper_batches"
    )
    created_at = models.DateTimeField(default=timezone.now)
    letter_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "paper batches"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"paper batch {self.pk} ({self.letter_count} letters)"
