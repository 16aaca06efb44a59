"""Messaging data. For now only the local outbox; the core messaging models come next."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


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
