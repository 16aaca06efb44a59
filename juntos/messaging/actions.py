"""Every messaging write with side effects: ``do_<verb>_<noun>`` functions.

Each runs in one transaction (or, for the sender, one statement per row, so that a provider id
is stored the moment it is known); tasks are enqueued with ``juntos.tasks.enqueue``, which
waits for commit.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from juntos.language import pipeline, registry
from juntos.language.actions import do_request_human_translation
from juntos.language.detect import detect
from juntos.language.keywords import match_keyword
from juntos.language.templates_library import same_language
from juntos.messaging import audience as aud
from juntos.messaging import inbound
from juntos.messaging.channels.base import ChannelAdapter, OutboundMessage, Outcome, SendResult
from juntos.messaging.channels.registry import adapter_for
from juntos.messaging.models import (
    Announcement,
    Conversation,
    Delivery,
    InboundPayload,
    Message,
    MessageRendition,
)
from juntos.messaging.windows import next_send_time
from juntos.people.models import Caregiver, CaregiverLink, ContactPoint, District, School, Staff

log = logging.getLogger(__name__)

CHUNK = 500
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30
BACKOFF_MAX_S = 3600
# Well above the adapters' own timeouts (Twilio 15 s, SMTP 10 s): a row reclaimed while its
# send is still in flight could reach the family twice (docs/messaging.md, flow step 3).
STUCK_AFTER_S = 600.0
# A pending row the sweeper queued is not queued again before this: a backlog of tasks still
# waiting in the broker must not be multiplied every sweep.
REQUEUE_AFTER_S = 60.0
# Paper letters are printed in batches by people; the sender does not claim them.
NOT_SENT_BY_WORKERS = ("paper",)

NO_CHANNEL = "no usable channel"
HELD_FOR_HUMAN = "held for human translation"
OPTED_OUT = "contact point opted out"
MAY_NOT_CONTACT = "may not contact"

Status = Delivery.Status


def idempotency_key(message_id: int, caregiver_id: int, channel: str) -> str:
    return f"d{message_id}-{caregiver_id}-{channel}"


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _enqueue_sends(ids: Sequence[int]) -> int:
    from juntos.messaging.tasks import send_deliveries
    from juntos.tasks import enqueue

    chunks = 0
    for chunk in _chunks(ids):
        enqueue(send_deliveries, chunk)
        chunks += 1
    return chunks


# --- Fan-out ---------------------------------------------------------------------------------

_COPY_COLUMNS = (
    "message_id", "caregiver_id", "channel", "to", "language", "status", "skip_reason",
    "not_before", "attempts", "provider_id", "error", "idempotency_key", "created_at",
    "updated_at",
)  # fmt: skip


def _write_deliveries(rows: list[tuple[Any, ...]]) -> None:
    """Store fan-out rows: psycopg COPY on PostgreSQL (DESIGN.md section 8), else bulk_create."""
    if connection.vendor == "postgresql":
        columns = ", ".join(f'"{name}"' for name in _COPY_COLUMNS)
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY messaging_delivery ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    Delivery.objects.bulk_create(
        (Delivery(**dict(zip(_COPY_COLUMNS, row, strict=True))) for row in rows),
        batch_size=2000,
    )


def _sendable_renditions(
    renditions: dict[str, pipeline.Rendition], *, hold_for_human: bool
) -> dict[str, str]:
    """The text families get in each language, honest about how it was translated."""
    texts: dict[str, str] = {}
    for language, rendition in renditions.items():
        if rendition.needs_human and hold_for_human:
            continue
        texts[language] = pipeline.text_to_send(rendition)
    return texts


def do_send_announcement(
    *,
    by: Staff,
    announcement_id: int | None = None,
    audience_kind: str = "",
    audience_ref: dict[str, Any] | None = None,
    body: str = "",
    subject: str = "",
    source_language: str = "",
    emergency: bool = False,
    school: School | None = None,
    scheduled_for: datetime | None = None,
) -> Announcement:
    """Send an announcement (a draft by id, or a new one from the fields) to its audience.

    One transaction: the announcement, its Message, one MessageRendition per language of the
    audience (each rendered once, whatever the number of families), and one Delivery per
    caregiver on their first usable channel (or a ``skipped`` row saying why not). After
    commit, tasks carrying ``CHUNK`` delivery ids each start the sending of the rows already
    due; rows waiting for a contact window are queued by the sweeper when their time comes.
    Sending an announcement that is no longer a draft does nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        if announcement_id is not None:
            announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
            if announcement.status != Announcement.Status.DRAFT:
                return announcement
        else:
            announcement = Announcement.objects.create(
                district_id=by.district_id,
                school=school,
                author=by,
                audience_kind=audience_kind,
                audience_ref=audience_ref or {},
                subject=subject,
                body=body,
                source_language=source_language or by.district.default_language,
                emergency=emergency,
                scheduled_for=scheduled_for,
            )
        district = District.objects.get(pk=announcement.district_id)
        recipients = aud.resolve_audience(
            district_id=district.pk,
            kind=announcement.audience_kind,
            ref=dict(announcement.audience_ref),
        )
        # Tags are normalised once per distinct spelling, not once per family.
        tags: dict[str, str] = {}
        for recipient in recipients:
            if recipient.language not in tags:
                tags[recipient.language] = registry.normalize(recipient.language)
        languages = sorted(set(tags.values()))
        policy = pipeline.TranslationPolicy.for_district(district)
        source = registry.normalize(announcement.source_language)
        bodies = pipeline.translate_for_languages(
            announcement.body, source=source, targets=languages, district_policy=policy
        )
        subjects = (
            pipeline.translate_for_languages(
                announcement.subject, source=source, targets=languages, district_policy=policy
            )
            if announcement.subject
            else {}
        )
        texts = _sendable_renditions(bodies, hold_for_human=policy.hold_for_human)
        message = Message.objects.create(
            direction=Message.Direction.OUT,
            kind=Message.Kind.ANNOUNCEMENT,
            author=by,
            body=announcement.body,
            language=source,
            announcement=announcement,
            created_at=now,
        )
        MessageRendition.objects.bulk_create(
            MessageRendition(
                message=message,
                language=language,
                text=texts.get(language, rendition.text),
                method=str(rendition.method),
                status=str(rendition.status),
                reviewer_id=rendition.reviewer_id,
                machine_notice=rendition.machine_notice,
                details={
                    **rendition.to_json(),
                    "subject_text": subjects[language].text if language in subjects else "",
                    "held": language not in texts,
                },
            )
            for language, rendition in bodies.items()
        )
        for language in sorted(set(bodies) - set(texts)):
            # Held: a liaison translates it; nothing is sent in a language the family can't read.
            do_request_human_translation(
                district=district,
                source_text=announcement.body,
                source_language=source,
                target_language=language,
                school=announcement.school,
                requested_by=by.user,
                waiting_kind="announcement",
                waiting_id=str(announcement.pk),
            )
        start = max(now, announcement.scheduled_for or now)
        rows: list[tuple[Any, ...]] = []
        for recipient in recipients:
            language = tags[recipient.language]
            channels = aud.usable_channels(recipient)
            status, reason = Status.PENDING, ""
            if not channels:
                status, reason = Status.SKIPPED, NO_CHANNEL
                channel, to = (recipient.channel_preferences or ["none"])[0], ""
            else:
                channel, to = channels[0]
                if language not in texts:
                    status, reason = Status.SKIPPED, HELD_FOR_HUMAN
            not_before = (
                start
                if announcement.emergency or not recipient.windows
                else next_send_time(
                    recipient.windows,
                    time_zone=recipient.time_zone,
                    district_time_zone=district.time_zone,
                    now=start,
                )
            )
            rows.append(
                (
                    message.pk, recipient.caregiver_id, channel[:10], to, language, status,
                    reason, not_before, 0, "", "",
                    idempotency_key(message.pk, recipient.caregiver_id, channel), now, now,
                )
            )  # fmt: skip
        _write_deliveries(rows)
        announcement.status = Announcement.Status.SENT
        announcement.sent_at = now
        announcement.save(update_fields=["status", "sent_at"])
        due = list(
            Delivery.objects.filter(message=message, status=Status.PENDING, not_before__lte=now)
            .exclude(channel__in=NOT_SENT_BY_WORKERS)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _enqueue_sends(due)
    return announcement


# --- Sending ---------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_S * 2**attempts, BACKOFF_MAX_S))


def _claim(ids: Sequence[int], now: datetime) -> list[Delivery]:
    """Take the rows of ``ids`` that are due, in one conditional UPDATE; return them."""
    token = uuid.uuid4()
    claimed = (
        Delivery.objects.filter(pk__in=ids, status=Status.PENDING, not_before__lte=now)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(channel__in=NOT_SENT_BY_WORKERS)
        .update(
            status=Status.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        return []
    return list(Delivery.objects.filter(pk__in=ids, claim_token=token).order_by("pk"))


def _finish(delivery: Delivery, **fields: Any) -> None:
    """Record one row's result at once, only if we still hold its claim."""
    Delivery.objects.filter(
        pk=delivery.pk, status=Status.SENDING, claim_token=delivery.claim_token
    ).update(updated_at=timezone.now(), **fields)


def _contactable(deliveries: list[Delivery]) -> set[tuple[int, int]]:
    """(message id, caregiver id) pairs the school may still contact, read now.

    An announcement re-resolves its audience for these caregivers (a link can be closed by a
    court order after fan-out); other messages need one contactable link.
    """
    allowed: set[tuple[int, int]] = set()
    by_message: dict[int, set[int]] = {}
    for d in deliveries:
        by_message.setdefault(d.message_id, set()).add(d.caregiver_id)
    messages = Message.objects.filter(pk__in=by_message).select_related("announcement")
    for message in messages:
        caregivers = by_message[message.pk]
        if message.announcement is not None:
            ann = message.announcement
            ok: Iterable[int] = aud.audience_caregivers(
                district_id=ann.district_id, kind=ann.audience_kind, ref=dict(ann.audience_ref)
            ).filter(pk__in=caregivers)
        else:
            ok = (
                CaregiverLink.objects.filter(caregiver_id__in=caregivers, may_contact=True)
                .values_list("caregiver_id", flat=True)
                .distinct()
            )
        allowed.update((message.pk, cid) for cid in ok)
    return allowed


def _opted_out(deliveries: list[Delivery]) -> set[tuple[int, str]]:
    rows = ContactPoint.objects.filter(
        caregiver_id__in={d.caregiver_id for d in deliveries},
        value__in={d.to for d in deliveries if d.to},
        opted_out_at__isnull=False,
    ).values_list("caregiver_id", "value")
    return set(rows)


def _fill(text: str, details: dict[str, Any], name: str) -> str:
    """Only the personal placeholders are filled here: the translation was done per language."""
    rendition = dataclasses.replace(pipeline.Rendition.from_json(details), text=text)
    try:
        return pipeline.fill(rendition, {"caregiver": name}).text
    except pipeline.MissingPlaceholderError:
        return text  # braces in a teacher's own words, not a placeholder of ours


def do_create_fallback_delivery(*, delivery: Delivery) -> Delivery | None:
    """A new pending Delivery on the caregiver's next usable channel not yet tried for this
    message (``fallback_of`` points at the row that could not be sent), or None."""
    recipient = aud.recipient_for(delivery.caregiver_id)
    if recipient is None:
        return None
    tried = set(
        Delivery.objects.filter(
            message_id=delivery.message_id, caregiver_id=delivery.caregiver_id
        ).values_list("channel", flat=True)
    )
    message = Message.objects.select_related("announcement").get(pk=delivery.message_id)
    emergency = message.announcement is not None and message.announcement.emergency
    district_zone = (
        District.objects.filter(caregivers__pk=delivery.caregiver_id)
        .values_list("time_zone", flat=True)
        .first()
    )
    # The next channel waits for the family's window like the first one did.
    not_before = next_send_time(
        recipient.windows,
        time_zone=recipient.time_zone,
        district_time_zone=district_zone or "",
        now=timezone.now(),
        emergency=emergency,
    )
    for channel, to in aud.usable_channels(recipient):
        if channel in tried:
            continue
        with transaction.atomic():
            fallback, created = Delivery.objects.get_or_create(
                idempotency_key=idempotency_key(
                    delivery.message_id, delivery.caregiver_id, channel
                ),
                defaults={
                    "message_id": delivery.message_id,
                    "caregiver_id": delivery.caregiver_id,
                    "channel": channel,
                    "to": to,
                    "language": delivery.language,
                    "fallback_of": delivery,
                    "not_before": not_before,
                },
            )
            if created and channel not in NOT_SENT_BY_WORKERS and not_before <= timezone.now():
                _enqueue_sends([fallback.pk])
        return fallback
    return None


def _record(delivery: Delivery, result: SendResult, now: datetime) -> str:
    if result.outcome in (Outcome.SENT, Outcome.DELIVERED):
        status = Status.SENT if result.outcome == Outcome.SENT else Status.DELIVERED
        _finish(delivery, status=status, provider_id=result.provider_id[:100], error="")
        return status
    if result.outcome == Outcome.RETRY and delivery.attempts < MAX_ATTEMPTS:
        _finish(
            delivery,
            status=Status.PENDING,
            next_attempt_at=now + _backoff(delivery.attempts),
            error=result.error,
        )
        return "retry"
    _finish(delivery, status=Status.FAILED, error=result.error or "too many attempts")
    do_create_fallback_delivery(delivery=delivery)
    return Status.FAILED


def do_send_deliveries(*, ids: Sequence[int]) -> dict[str, int]:
    """Send the due deliveries among ``ids``; returns how many ended in each state.

    Steps:
    1. Claim: one conditional UPDATE moves the due pending rows (``not_before`` and
       ``next_attempt_at`` passed) to ``sending`` with a fresh claim token and one more
       attempt; a second select reads back the rows holding that token (a row claimed
       elsewhere is not ours).
    2. Re-check, in two queries for the batch: the caregiver may still be contacted for this
       message, and the address has not opted out (a STOP can arrive after fan-out). A row
       that fails either is ``skipped`` with the reason, and an opted-out row gets a fallback
       on the caregiver's next usable channel.
    3. Render: the language's stored rendition, with only the personal placeholders filled.
    4. Send through the channel's adapter (one per channel for the batch) with the row's
       idempotency key; an adapter that raises counts as a transient failure.
    5. Record each result at once, in one UPDATE guarded by our claim: SENT or DELIVERED with
       the provider id; RETRY back to pending after ``30 s * 2^attempts`` (at most an hour),
       failed after ``MAX_ATTEMPTS``; FAILED, and a fallback Delivery on the next channel.
    """
    now = timezone.now()
    counts: dict[str, int] = {}
    claimed = _claim(list(ids), now)
    if not claimed:
        return counts
    allowed = _contactable(claimed)
    opted_out = _opted_out(claimed)
    renditions = {
        (r.message_id, r.language): r
        for r in MessageRendition.objects.filter(message_id__in={d.message_id for d in claimed})
    }
    names = {
        pk: f"{given} {family}".strip()
        for pk, given, family in Caregiver.objects.filter(
            pk__in={d.caregiver_id for d in claimed}
        ).values_list("pk", "given_name", "family_name")
    }
    adapters: dict[str, ChannelAdapter] = {}
    for delivery in claimed:
        outcome: str
        rendition = renditions.get((delivery.message_id, delivery.language))
        if (delivery.message_id, delivery.caregiver_id) not in allowed:
            _finish(delivery, status=Status.SKIPPED, skip_reason=MAY_NOT_CONTACT)
            outcome = Status.SKIPPED
        elif (delivery.caregiver_id, delivery.to) in opted_out:
            _finish(delivery, status=Status.SKIPPED, skip_reason=OPTED_OUT)
            do_create_fallback_delivery(delivery=delivery)
            outcome = Status.SKIPPED
        elif rendition is None:
            _finish(delivery, status=Status.FAILED, error="no rendition in this language")
            outcome = Status.FAILED
        else:
            details = dict(rendition.details)
            outbound = OutboundMessage(
                idempotency_key=delivery.idempotency_key,
                to=delivery.to,
                language=delivery.language,
                body=_fill(rendition.text, details, names.get(delivery.caregiver_id, "")),
                subject=str(details.get("subject_text", "")),
                recipient_name=names.get(delivery.caregiver_id, ""),
            )
            try:
                adapter = adapters.get(delivery.channel) or adapter_for(delivery.channel)
                adapters[delivery.channel] = adapter
                result = adapter.send(outbound)
            except Exception as error:
                log.exception("sending delivery %s failed", delivery.pk)
                result = SendResult(outcome=Outcome.RETRY, error=type(error).__name__)
            outcome = _record(delivery, result, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def do_sweep_deliveries(
    *,
    stuck_after_s: float = STUCK_AFTER_S,
    requeue_after_s: float = REQUEUE_AFTER_S,
    limit: int = 50_000,
) -> int:
    """Reclaim stuck rows and queue the pending rows whose time has come; returns how many.

    1. A row in ``sending`` claimed more than ``stuck_after_s`` ago lost its worker: back to
       pending (a conditional UPDATE, so two sweepers cannot both take it).
    2. Pending rows that are due (window open, backoff over) and were not touched for
       ``requeue_after_s`` are queued in chunks, and touched so the next sweep leaves them to
       the queued tasks. A duplicate task is harmless: the claim lets one send.
    """
    now = timezone.now()
    stuck = Delivery.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=stuck_after_s)
    ).update(status=Status.PENDING, claimed_at=None, claim_token=None, updated_at=now)
    with transaction.atomic():
        due = list(
            Delivery.objects.filter(
                status=Status.PENDING,
                not_before__lte=now,
                updated_at__lte=now - timedelta(seconds=requeue_after_s),
            )
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .exclude(channel__in=NOT_SENT_BY_WORKERS)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        for chunk in _chunks(due):
            Delivery.objects.filter(pk__in=chunk, status=Status.PENDING).update(updated_at=now)
        _enqueue_sends(due)
    if stuck:
        log.warning("reclaimed %s deliveries stuck in sending", stuck)
    return stuck + len(due)


# --- Inbound: SMS replies, keywords and status callbacks --------------------------------------
# The webhook views store the payload with do_store_inbound_payload (its own transaction, so it
# survives any later failure), then call do_receive_sms or do_receive_sms_status, which record
# their outcome on that row. docs/messaging.md, "Inbound", lists the choices.


@dataclasses.dataclass(frozen=True)
class InboundResult:
    """What processing a payload did, and the TwiML text to answer with ("" for none)."""

    outcome: str
    reply: str = ""
    message_id: int | None = None


def do_store_inbound_payload(
    *,
    kind: str,
    payload: dict[str, Any],
    raw_body: str,
    headers: dict[str, str],
    signature_valid: bool,
) -> InboundPayload:
    """Store a webhook as it arrived, committed at once: nothing is lost if processing fails."""
    with transaction.atomic():
        return InboundPayload.objects.create(
            kind=kind,
            payload=payload,
            raw_body=raw_body,
            headers=headers,
            signature_valid=signature_valid,
        )


def _finish_payload(payload: InboundPayload, result: InboundResult, error: str = "") -> None:
    payload.processed_at = timezone.now()
    payload.outcome = result.outcome
    payload.error = error
    payload.message_id = result.message_id
    payload.save(update_fields=["processed_at", "outcome", "error", "message"])


def do_set_phone_opt_out(*, phone: str, opted_out: bool) -> int:
    """Opt a phone number out of (or back into) SMS, for every caregiver who shares it.

    A number belongs to a handset, not to one caregiver record: STOP from it must stop every
    text to it. Opting out keeps the first instant (the record of when the family asked);
    returns how many contact points changed.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = ContactPoint.objects.filter(kind=ContactPoint.Kind.PHONE, value=phone)
        if opted_out:
            return rows.filter(opted_out_at__isnull=True).update(opted_out_at=now)
        return rows.filter(opted_out_at__isnull=False).update(opted_out_at=None)


def _keyword_reply(keyword: str, caregiver: Caregiver, to_number: str) -> str:
    """The confirmation of STOP, START or HELP in the caregiver's preferred language."""
    key = {
        "stop": "subscription.opt_out",
        "start": "subscription.opt_in",
        "help": "subscription.help",
    }[keyword]
    context: dict[str, str] = {"school": inbound.school_name_for(caregiver)}
    if keyword == "help":
        # No school phone is recorded yet: the number the family texted is the one we know.
        context["phone"] = to_number
    rendition = pipeline.render_template(
        key,
        caregiver.preferred_language,
        context,
        district_policy=pipeline.TranslationPolicy.for_district(caregiver.district_id),
    )
    # Untranslated: the English text with the interpreter offer on top, never a silent switch.
    return pipeline.text_to_send(rendition, separator="\n")


def _thread_reply(
    *, caregiver: Caregiver, body: str, known: list[str], received_at: datetime
) -> Message:
    """Put a family's reply in their most recent open conversation (or a new one), with a
    rendition in the owner's language."""
    detection = detect(body, known)
    language = detection.language or caregiver.preferred_language
    conversation = (
        Conversation.objects.select_for_update()
        .filter(caregiver=caregiver, status=Conversation.Status.OPEN)
        .order_by("-created_at", "-pk")
        .first()
    )
    if conversation is None:
        owner, school, student_id = inbound.owner_for(caregiver, language)
        conversation = Conversation.objects.create(
            caregiver=caregiver, owner=owner, school=school, student_id=student_id
        )
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.IN,
        kind=Message.Kind.REPLY,
        body=body,
        language=language,
        detected_language=detection.language or "",
        detection_confidence=detection.confidence if detection.language else None,
        created_at=received_at,
    )
    conversation.last_family_message_at = received_at
    if conversation.unanswered_since is None:
        conversation.unanswered_since = received_at
    conversation.save(update_fields=["last_family_message_at", "unanswered_since"])
    owner_language = "en"
    if conversation.owner is not None and conversation.owner.languages:
        owner_language = str(conversation.owner.languages[0])
    elif conversation.owner is None:
        # Triage is read by whoever the district sends there: its own language.
        owner_language = caregiver.district.default_language
    if body.strip() and not same_language(language, owner_language):
        rendition = pipeline.translate(
            body,
            source=language,
            target=owner_language,
            district_policy=pipeline.TranslationPolicy.for_district(caregiver.district_id),
        )
        # Stored even when nobody could translate it (needs_human): the owner then sees that
        # the reply is untranslated rather than seeing nothing.
        MessageRendition.objects.create(
            message=message,
            language=registry.normalize(owner_language),
            text=rendition.text,
            method=str(rendition.method),
            status=str(rendition.status),
            reviewer_id=rendition.reviewer_id,
            machine_notice=rendition.machine_notice,
            details=rendition.to_json(),
        )
    return message


def _receive_sms(payload: InboundPayload) -> tuple[InboundResult, int]:
    form = payload.payload
    raw_from, body = inbound.field(form, "From"), inbound.field(form, "Body")
    if raw_from is None or body is None:
        return InboundResult(outcome="malformed"), 400
    phone = inbound.e164(raw_from)
    caregivers = inbound.caregivers_with_phone(phone) if phone else []
    to_number = inbound.field(form, "To") or ""
    if not caregivers:
        # Never dropped: a message with no conversation waits in triage with its sender. With
        # no record there is no prior: the text alone says its language ("und" when it can't).
        detection = detect(body)
        with transaction.atomic():
            message = Message.objects.create(
                direction=Message.Direction.IN,
                kind=Message.Kind.REPLY,
                body=body,
                language=detection.language or "und",
                detected_language=detection.language or "",
                detection_confidence=detection.confidence if detection.language else None,
                from_address=phone or raw_from[:320],
                created_at=payload.received_at,
            )
        return InboundResult(outcome="triage", message_id=message.pk), 200
    caregiver = caregivers[0]
    known = inbound.languages_of(caregivers)
    keyword = match_keyword(body, known)
    if keyword is not None and phone is not None:
        if keyword in ("stop", "start"):
            do_set_phone_opt_out(phone=phone, opted_out=keyword == "stop")
        outcome = {"stop": "opt_out", "start": "opt_in", "help": "help"}[keyword]
        return InboundResult(outcome, reply=_keyword_reply(keyword, caregiver, to_number)), 200
    with transaction.atomic():
        message = _thread_reply(
            caregiver=caregiver, body=body, known=known, received_at=payload.received_at
        )
    return InboundResult(outcome="reply", message_id=message.pk), 200


def do_receive_sms(*, payload: InboundPayload) -> tuple[InboundResult, int]:
    """Process a stored inbound SMS; returns what was done and the HTTP status to answer.

    1. Missing ``From`` or ``Body``: "malformed", 400 (the payload stays stored).
    2. The sender's number, in E.164, matches no caregiver: a triage Message, 200.
    3. The whole text is STOP / START / HELP (or an equivalent in the caregiver's languages):
       the number is opted out or back in, and the confirmation is the TwiML answer.
    4. Otherwise a reply, threaded into the caregiver's conversation.

    A processing error is recorded on the payload and answered 200 with empty TwiML (Twilio
    would retry a 5xx, and the stored payload can be processed again by hand).
    """
    try:
        result, status = _receive_sms(payload)
    except Exception as exc:
        log.exception("inbound SMS payload %s failed", payload.pk)
        result, status = InboundResult(outcome="error"), 200
        _finish_payload(payload, result, error=f"{type(exc).__name__}: {exc}")
        return result, status
    _finish_payload(payload, result)
    return result, status


# How far along a Twilio message status is: a late "sent" never undoes a "delivered".
_IN_FLIGHT: dict[str, int] = {Status.PENDING: 0, Status.SENDING: 0, Status.SENT: 1}
_FAILED_STATUSES = ("failed", "undelivered")
# Twilio's error for a message to a number that replied STOP to our sender.
TWILIO_UNSUBSCRIBED = "21610"


def _receive_status(payload: InboundPayload) -> InboundResult:
    form = payload.payload
    sid, status = inbound.field(form, "MessageSid"), inbound.field(form, "MessageStatus")
    if not sid or not status:
        return InboundResult(outcome="malformed")
    error_code = inbound.field(form, "ErrorCode") or ""
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(provider_id=sid).first()
        if delivery is None:
            return InboundResult(outcome="unknown_sid")
        if error_code == TWILIO_UNSUBSCRIBED and delivery.to:
            do_set_phone_opt_out(phone=delivery.to, opted_out=True)
        new: str | None = None
        if status == "delivered":
            new = Status.DELIVERED
        elif status in _FAILED_STATUSES:
            new = Status.FAILED
        elif status == "sent":
            new = Status.SENT
        # Only rows not yet final move: delivered and failed are where a message ends.
        rank = _IN_FLIGHT.get(delivery.status)
        if new is None or rank is None or (new == Status.SENT and rank >= 1):
            return InboundResult(outcome="status_ignored")
        delivery.status = new
        delivery.updated_at = now
        fields = ["status", "updated_at"]
        if new == Status.FAILED:
            delivery.error = f"{status} {error_code}".strip()
            fields.append("error")
        delivery.save(update_fields=fields)
    return InboundResult(outcome="status_updated")


def do_receive_sms_status(*, payload: InboundPayload) -> InboundResult:
    """Apply a stored Twilio status callback to the Delivery with that provider id.

    delivered → delivered; failed or undelivered → failed with the error code (21610, the
    number replied STOP, also opts that phone out); sent moves a row still in flight; an unknown
    sid is kept and answered 200. Errors are recorded on the payload, never raised.
    """
    try:
        result = _receive_status(payload)
    except Exception as exc:
        log.exception("status callback payload %s failed", payload.pk)
        result = InboundResult(outcome="error")
        _finish_payload(payload, result, error=f"{type(exc).__name__}: {exc}")
        return result
    _finish_payload(payload, result)
    return result
