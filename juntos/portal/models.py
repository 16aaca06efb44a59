"""Magic links: how a family gets into the family page without a password.

Only a SHA-256 hash of each token is stored: someone who reads the database (a backup, a
support query) cannot sign in as a family with it.
"""

from __future__ import annotations

from django.db import models


class MagicLink(models.Model):
    """One single-use sign-in link sent to one caregiver.

    The link is valid for ``settings.PORTAL_LINK_MINUTES`` (60 by default): long enough for a
    parent who reads the text at the end of a shift or after the children are asleep, short
    enough that a link forwarded, read over a shoulder or left on a shared phone stops working
    the same evening. It works once (``used_at``); opening it signs in, and the session cookie
    then carries the visit.

    ``message`` is the SYSTEM message that carried the link: its text is scrubbed of the token
    once the link is used or expired (``actions.do_forget_magic_links``). Nothing else about
    the request (no address typed, no IP) is kept here.
    """

    caregiver = models.ForeignKey(
        "people.Caregiver", on_delete=models.CASCADE, related_name="magic_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10)
    message = models.ForeignKey(
        "messaging.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # When the token was taken out of the sent message's stored text.
    scrubbed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["caregiver", "created_at"], name="magic_link_recent_idx")]

    def __str__(self) -> str:
        return f"magic link {self.pk} for caregiver {self.caregiver_id}"
