"""Every family-portal write with side effects: ``do_<verb>_<noun>`` functions.

Magic links (docs/portal.md):

* a token is 32 random bytes, URL-safe; only its SHA-256 is stored (``MagicLink.token_hash``);
* it is sent like any other message to the family: a SYSTEM-kind outbound Message, its text in
  the caregiver's language from the ``access.magic_link`` template, one Delivery on the first
  usable SMS or email channel, sent by the messaging workers after commit;
* it works once, for ``PORTAL_LINK_MINUTES``; once used or expired, the token is scrubbed from
  the stored text of that message (``do_forget_magic_links``): the sender needs the words until
  the message is out, nobody needs them afterwards.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from juntos.language import pipeline, registry
from juntos.messaging import audience as aud
from juntos.messaging import inbound
from juntos.messaging.actions import do_set_phone_opt_out, thread_family_message
from juntos.messaging.models import Delivery, Message, MessageRendition
from juntos.people.models import Caregiver, CaregiverLink, ContactPoint, ContactWindow
from juntos.portal.models import MagicLink
from juntos.portal.queries import LinkRefusedError, hash_token, valid_link

# A link is sent by text or email only: a voice call would read a URL aloud, a letter would
# arrive after the link expired.
LINK_CHANNELS = ("sms", "email")
TEMPLATE_KEY = "access.magic_link"
# What the stored text shows once the token is gone.
SCRUBBED = "…"
# The token part of a family link in any stored text (the path is portal:enter's).
_TOKEN_IN_TEXT = re.compile(r"(/family/in/)[A-Za-z0-9_-]+(/?)")
REPLY_MAX_CHARS = 1600


class RateLimitedError(Exception):
    """Too many links for this caregiver in the last hour."""


class InputError(ValueError):
    """Input an action refuses: ``errors`` maps a form field to a code the page words."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def link_lifetime() -> timedelta:
    return timedelta(minutes=settings.PORTAL_LINK_MINUTES)


def link_delivery_key(link_id: int) -> str:
    """The idempotency key of the Delivery that carries magic link ``link_id``."""
    return f"portal-link-{link_id}"


def _link_url(token: str, base_url: str) -> str:
    base = (settings.PUBLIC_BASE_URL or base_url).rstrip("/")
    return base + reverse("portal:enter", kwargs={"token": token})


def scrub(text: str) -> str:
    """``text`` with the token of every family link in it replaced."""
    return _TOKEN_IN_TEXT.sub(rf"\g<1>{SCRUBBED}\g<2>", text)


def _first_link_channel(caregiver: Caregiver, channel: str | None) -> tuple[str, str] | None:
    recipient = aud.recipient_for(caregiver.pk)
    if recipient is None:
        return None
    for name, address in aud.usable_channels(recipient):
        if name in LINK_CHANNELS and address and (channel is None or name == channel):
            return name, address
    if channel is not None:
        # The family asked on a channel they have but do not list first (or at all): the
        # contact point decides, as long as it is live and can carry a link.
        for contact in recipient.contacts:
            if contact.opted_out:
                continue
            if channel == "sms" and contact.kind == "phone" and contact.sms_capable:
                return "sms", contact.value
            if channel == "email" and contact.kind == "email":
                return "email", contact.value
    return None


def _links_last_hour(caregiver: Caregiver, now: datetime) -> int:
    return MagicLink.objects.filter(
        caregiver=caregiver, created_at__gt=now - timedelta(hours=1)
    ).count()


def do_send_magic_link(
    *, caregiver: Caregiver, channel: str | None = None, base_url: str = ""
) -> MagicLink | None:
    """Mint a single-use link for ``caregiver`` and queue it on their first usable SMS or
    email channel (or on ``channel``, when the family asked on it). Returns the link, or None
    when nothing can carry it (no live SMS or email, or no link lets the school contact them).

    1. Rate limit: at most ``PORTAL_LINKS_PER_CAREGIVER_HOUR`` links in the last hour
       (RateLimitedError); counted in the database, so every web process agrees.
    2. One transaction: the MagicLink (hash only), the SYSTEM Message (its ``body`` is the
       template in the district's language with the link scrubbed: staff never see a live
       token), the MessageRendition in the caregiver's language with the live link (what the
       sender reads), and a pending Delivery due now (the family asked: no contact window).
    3. After commit, the send task; the caregiver's older used or expired links are scrubbed.
    """
    from juntos.messaging.tasks import send_deliveries
    from juntos.tasks import enqueue

    now = timezone.now()
    if not caregiver.is_active:
        return None
    if not CaregiverLink.objects.filter(caregiver=caregiver, may_contact=True).exists():
        return None
    if _links_last_hour(caregiver, now) >= settings.PORTAL_LINKS_PER_CAREGIVER_HOUR:
        raise RateLimitedError(str(caregiver.pk))
    found = _first_link_channel(caregiver, channel)
    if found is None:
        return None
    via, to = found
    district = caregiver.district
    policy = pipeline.TranslationPolicy.for_district(district)
    source = registry.normalize(district.default_language)
    target = registry.normalize(caregiver.preferred_language or district.default_language)
    token = secrets.token_urlsafe(32)
    url = _link_url(token, base_url)
    values = {"school": inbound.school_name_for(caregiver)}
    rendition = pipeline.render_template(
        TEMPLATE_KEY, target, {**values, "link": url}, district_policy=policy
    )
    original = pipeline.render_template(
        TEMPLATE_KEY, source, {**values, "link": scrub(url)}, district_policy=policy
    )
    with transaction.atomic():
        # Counted again under the caregiver's row lock: two requests at once cannot both pass.
        list(Caregiver.objects.select_for_update().filter(pk=caregiver.pk).values_list("pk"))
        if _links_last_hour(caregiver, now) >= settings.PORTAL_LINKS_PER_CAREGIVER_HOUR:
            raise RateLimitedError(str(caregiver.pk))
        message = Message.objects.create(
            direction=Message.Direction.OUT,
            kind=Message.Kind.SYSTEM,
            body=original.text,
            language=source,
            created_at=now,
        )
        MessageRendition.objects.create(
            message=message,
            language=target,
            # Untranslated: the English text with the interpreter offer, never a silent switch.
            text=pipeline.text_to_send(rendition, separator="\n"),
            method=str(rendition.method),
            status=str(rendition.status),
            reviewer_id=rendition.reviewer_id,
            machine_notice=rendition.machine_notice,
            details=rendition.to_json(),
        )
        link = MagicLink.objects.create(
            caregiver=caregiver,
            token_hash=hash_token(token),
            channel=via,
            message=message,
            created_at=now,
            expires_at=now + link_lifetime(),
        )
        delivery = Delivery.objects.create(
            message=message,
            caregiver=caregiver,
            channel=via,
            to=to,
            language=target,
            status=Delivery.Status.PENDING,
            not_before=now,
            idempotency_key=link_delivery_key(link.pk),
            created_at=now,
            updated_at=now,
        )
        enqueue(send_deliveries, [delivery.pk])
    do_forget_magic_links(caregiver=caregiver, now=now)
    return link


def do_exchange_magic_link(*, token: str, now: datetime | None = None) -> Caregiver:
    """The caregiver a valid link belongs to, the link now used (one conditional UPDATE: two
    clicks at once sign in once). LinkRefusedError("unknown" | "used" | "expired") otherwise."""
    now = now or timezone.now()
    link = valid_link(token, now)
    with transaction.atomic():
        taken = MagicLink.objects.filter(
            pk=link.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not taken:
            raise LinkRefusedError("used", link.caregiver)
    do_forget_magic_links(caregiver=link.caregiver, now=now)
    return link.caregiver


def do_forget_magic_links(
    *, caregiver: Caregiver | None = None, now: datetime | None = None
) -> int:
    """Scrub the token from the stored text of every used or expired link's message (of one
    caregiver, or all); returns how many links were scrubbed. Safe to run any time, twice."""
    now = now or timezone.now()
    done = (
        MagicLink.objects.filter(scrubbed_at__isnull=True)
        .filter(Q(used_at__isnull=False) | Q(expires_at__lte=now))
        .exclude(message__isnull=True)
    )
    if caregiver is not None:
        done = done.filter(caregiver=caregiver)
    count = 0
    with transaction.atomic():
        for link in done.select_for_update(of=("self",)):
            if link.message_id is None:  # excluded above; narrows the type
                continue
            for rendition in MessageRendition.objects.filter(message_id=link.message_id):
                clean = scrub(rendition.text)
                if clean != rendition.text:
                    rendition.text = clean
                    rendition.save(update_fields=["text"])
            link.scrubbed_at = now
            link.save(update_fields=["scrubbed_at"])
            count += 1
    return count


def check_reply(body: str) -> str:
    """The reply as it will be stored, or InputError({"body": "empty" | "too_long"})."""
    text = body.strip()
    if not text:
        raise InputError({"body": "empty"})
    if len(text) > REPLY_MAX_CHARS:
        raise InputError({"body": "too_long"})
    return text


def do_receive_portal_reply(*, caregiver: Caregiver, body: str) -> Message:
    """A family's message written on the family page, threaded like an SMS reply.

    The conversation is the one an SMS would join (``open_reply_conversation``: the most recent
    open one, or a new one with the owner ``inbound.owner_for`` picks); the language is the one
    detected with the caregiver's languages as the prior, else their preferred language; the
    owner gets a rendition in their language and a notice after commit.
    """
    text = check_reply(body)
    with transaction.atomic():
        message = thread_family_message(
            caregiver=caregiver,
            body=text,
            known=inbound.languages_of([caregiver]),
            received_at=timezone.now(),
        )
    return message


# --- Preferences -----------------------------------------------------------------------------

PREFERENCE_CHANNELS = ("sms", "email", "voice", "paper")
NEEDS = ("needs_interpretation", "needs_childcare", "needs_transport")


@dataclass(frozen=True)
class WindowInput:
    weekdays: tuple[int, ...]
    start: time | None
    end: time | None


@dataclass(frozen=True)
class Preferences:
    """What the family page's preference form says, parsed but not yet checked."""

    language: str
    channels: tuple[str, ...]
    windows: tuple[WindowInput, ...]
    # E.164 phone → whether the family wants texts on it (False = STOP).
    texts: dict[str, bool] = field(default_factory=dict)
    needs: dict[str, bool] = field(default_factory=dict)


def check_preferences(caregiver: Caregiver, prefs: Preferences) -> dict[str, str]:
    """Codes of what is wrong, by field (the page words them in the family's language)."""
    errors: dict[str, str] = {}
    if prefs.language not in registry.DEMO_LANGUAGES:
        errors["language"] = "unknown_language"
    channels = [c for c in prefs.channels if c]
    if not channels:
        errors["channels"] = "no_channel"
    elif len(set(channels)) != len(channels) or not set(channels) <= set(PREFERENCE_CHANNELS):
        errors["channels"] = "repeated_channel"
    for n, window in enumerate(prefs.windows):
        if not window.weekdays and window.start is None and window.end is None:
            continue
        if not window.weekdays or not set(window.weekdays) <= set(range(1, 8)):
            errors[f"window_{n}"] = "no_days"
        elif window.start is None or window.end is None:
            errors[f"window_{n}"] = "no_times"
        elif window.start >= window.end:
            errors[f"window_{n}"] = "end_before_start"
    own_phones = set(
        ContactPoint.objects.filter(
            caregiver=caregiver, kind=ContactPoint.Kind.PHONE, sms_capable=True
        ).values_list("value", flat=True)
    )
    if not set(prefs.texts) <= own_phones:
        errors["texts"] = "not_your_phone"
    return errors


def do_update_family_preferences(*, caregiver: Caregiver, prefs: Preferences) -> Caregiver:
    """Save a family's own preferences in one transaction; InputError (nothing saved) if any
    part is wrong.

    Language, channels in order, contact windows (replaced as a whole, in the caregiver's time
    zone), access needs, and STOP/START per SMS number (``do_set_phone_opt_out``: a number is a
    handset, so it applies to everyone who shares it). Turning texts back on records the
    consent (``sms_consent_at``, method "portal").
    """
    errors = check_preferences(caregiver, prefs)
    if errors:
        raise InputError(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = Caregiver.objects.select_for_update().get(pk=caregiver.pk)
        locked.preferred_language = prefs.language
        locked.channel_preferences = [c for c in prefs.channels if c]
        fields = ["preferred_language", "channel_preferences"]
        for need in NEEDS:
            setattr(locked, need, bool(prefs.needs.get(need)))
            fields.append(need)
        live = dict(
            ContactPoint.objects.filter(
                caregiver=caregiver, kind=ContactPoint.Kind.PHONE, value__in=list(prefs.texts)
            ).values_list("value", "opted_out_at")
        )
        for phone, wanted in prefs.texts.items():
            if wanted and live.get(phone) is not None:
                do_set_phone_opt_out(phone=phone, opted_out=False)
                locked.sms_consent_at = now
                locked.sms_consent_method = Caregiver.ConsentMethod.PORTAL
                fields += ["sms_consent_at", "sms_consent_method"]
            elif not wanted and live.get(phone, now) is None:
                do_set_phone_opt_out(phone=phone, opted_out=True)
        locked.save(update_fields=sorted(set(fields)))
        ContactWindow.objects.filter(caregiver=caregiver).delete()
        ContactWindow.objects.bulk_create(
            ContactWindow(
                caregiver=caregiver, weekdays=sorted(w.weekdays), start=w.start, end=w.end
            )
            for w in prefs.windows
            if w.weekdays and w.start is not None and w.end is not None
        )
    return locked
