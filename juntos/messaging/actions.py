"""Every messaging write with side effects: ``do_<verb>_<noun>`` functions.

Each runs in one transaction (or, for the sender, one statement per row, so that a provider id
is stored the moment it is known); tasks are enqueued with ``juntos.tasks.enqueue``, which
waits for commit.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
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
from juntos.messaging import fanout, inbound, replies
from juntos.messaging.channels.base import (
    ChannelAdapter,
    FindsSent,
    OutboundMessage,
    Outcome,
    SendResult,
)
from juntos.messaging.channels.registry import adapter_for
from juntos.messaging.models import (
    Announcement,
    AudienceList,
    Conversation,
    Delivery,
    InboundPayload,
    Message,
    MessageRendition,
    PaperBatch,
)
from juntos.messaging.windows import SendTimes, next_send_time
from juntos.people.models import Caregiver, CaregiverLink, ContactPoint, District, School, Staff

log = logging.getLogger(__name__)

CHUNK = 500
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30
BACKOFF_MAX_S = 3600
# Well above the adapters' own timeouts (Twilio 15 s, SMTP 10 s) and the lag of Twilio's message
# list: a row taken over while its send is still in flight, or before the provider shows the
# message, could reach the family twice (do_reconcile_deliveries, docs/messaging.md).
STUCK_AFTER_S = 600.0
# In-doubt rows settled per pass: each costs the provider one or two look-ups.
RECONCILE_LIMIT = 500
# Rows a worker claims at once: the last of them waits for the others' sends (Twilio: about
# 0.2 s each), so this bounds how long a live worker's row can look stuck.
CLAIM_BATCH = 50
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
    from juntos.tasks import enqueue_many

    # One commit hook, and with Celery one broker connection, for all the chunks.
    calls = [(chunk,) for chunk in _chunks(ids)]
    enqueue_many(send_deliveries, calls)
    return len(calls)


# --- Fan-out ---------------------------------------------------------------------------------


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


def _delivery_rows(
    targets: Sequence[aud.Target],
    *,
    message_id: int,
    tags: dict[str, str],
    texts: dict[str, str],
    send_time: SendTimes,
    now: datetime,
    due: list[int],
) -> Iterator[tuple[Any, ...]]:
    """Each target's Delivery row, values in ``fanout.COLUMNS`` order; the positions of the
    rows a worker may send at once (pending, due now, not paper) are appended to ``due``.

    A generator: PostgreSQL stores the first rows of the COPY while Python makes the next.
    """
    pending, skipped = Status.PENDING, Status.SKIPPED
    for position, (caregiver_id, tag, channel, to, reachable, time_zone, windows) in enumerate(
        targets
    ):
        language = tags[tag]
        if not reachable:
            status, reason = skipped, NO_CHANNEL
        elif language not in texts:
            status, reason = skipped, HELD_FOR_HUMAN
        else:
            status, reason = pending, ""
        not_before = send_time(windows, time_zone)
        if status is pending and not_before <= now and channel not in NOT_SENT_BY_WORKERS:
            due.append(position)
        yield (
            message_id, caregiver_id, channel[:10], to, language, status, reason, not_before,
            0, "", "", idempotency_key(message_id, caregiver_id, channel), now, now,
        )  # fmt: skip


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
    with fanout.gc_paused(), transaction.atomic():
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
        targets = aud.resolve_targets(
            district_id=district.pk,
            kind=announcement.audience_kind,
            ref=dict(announcement.audience_ref),
            with_windows=not announcement.emergency,
        )
        # Tags are normalised once per distinct spelling, not once per family.
        tags: dict[str, str] = {}
        for target in targets:
            if target.language not in tags:
                tags[target.language] = registry.normalize(target.language)
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
        send_time = SendTimes(
            district_time_zone=district.time_zone,
            now=max(now, announcement.scheduled_for or now),
            emergency=announcement.emergency,
        )
        due_rows: list[int] = []
        rows = _delivery_rows(
            targets,
            message_id=message.pk,
            tags=tags,
            texts=texts,
            send_time=send_time,
            now=now,
            due=due_rows,
        )
        ids = fanout.write_deliveries(rows, count=len(targets))
        announcement.status = Announcement.Status.SENT
        announcement.sent_at = now
        announcement.save(update_fields=["status", "sent_at"])
        _enqueue_sends([ids[i] for i in due_rows])
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


def _finish(delivery: Delivery, **fields: Any) -> bool:
    """Record one row's result at once, only if we still hold its claim; whether we did."""
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, status=Status.SENDING, claim_token=delivery.claim_token
        ).update(updated_at=timezone.now(), **fields)
    )


def _start_send(delivery: Delivery) -> bool:
    """Mark the row's send as begun, if we still hold its claim; whether we do.

    ``claimed_at`` moves to now and ``updated_at`` keeps the claim's instant, so the sweeper can
    tell a row whose send began (``claimed_at > updated_at``: in doubt if its worker died) from
    one that only waited its turn in the batch (equal: safe to send again). The deadline then
    runs from the send, not from the batch's claim. False when the sweeper took the row over:
    it decides now, and sending too could send it twice.
    """
    # Strictly after the claim even when the clock is frozen (tests) or coarse.
    started = max(timezone.now(), delivery.updated_at + timedelta(microseconds=1))
    taken = Delivery.objects.filter(
        pk=delivery.pk,
        status=Status.SENDING,
        claim_token=delivery.claim_token,
        claimed_at=delivery.claimed_at,
    ).update(claimed_at=started)
    delivery.claimed_at = started
    return bool(taken)


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
    if result.outcome == Outcome.FAILED and result.provider_id:
        # The provider took it, then it failed (found by the sweeper): keep its id.
        _finish(
            delivery,
            status=Status.FAILED,
            provider_id=result.provider_id[:100],
            error=result.error or "failed",
        )
        do_create_fallback_delivery(delivery=delivery)
        return Status.FAILED
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


def _texts(
    deliveries: list[Delivery],
) -> tuple[dict[tuple[int, str], MessageRendition], dict[int, str]]:
    """The renditions by (message, language) and the caregivers' names a batch is rendered
    from, in two queries."""
    renditions = {
        (r.message_id, r.language): r
        for r in MessageRendition.objects.filter(message_id__in={d.message_id for d in deliveries})
    }
    names = {
        pk: f"{given} {family}".strip()
        for pk, given, family in Caregiver.objects.filter(
            pk__in={d.caregiver_id for d in deliveries}
        ).values_list("pk", "given_name", "family_name")
    }
    return renditions, names


def _outbound(
    delivery: Delivery, rendition: MessageRendition, names: dict[int, str]
) -> OutboundMessage:
    """What the adapter gets for ``delivery``: the sender and the sweeper render alike, so the
    sweeper can recognise a message the provider already holds by its words."""
    details = dict(rendition.details)
    name = names.get(delivery.caregiver_id, "")
    return OutboundMessage(
        idempotency_key=delivery.idempotency_key,
        to=delivery.to,
        language=delivery.language,
        body=_fill(rendition.text, details, name),
        subject=str(details.get("subject_text", "")),
        recipient_name=name,
    )


def do_send_deliveries(*, ids: Sequence[int]) -> dict[str, int]:
    """Send the due deliveries among ``ids``; returns how many ended in each state.

    Steps, for each batch of ``CLAIM_BATCH`` ids in turn:
    1. Claim: one conditional UPDATE moves the due pending rows (``not_before`` and
       ``next_attempt_at`` passed) to ``sending`` with a fresh claim token and one more
       attempt; a second select reads back the rows holding that token (a row claimed
       elsewhere is not ours). Small batches keep the time a claimed row waits for its turn
       short, far below the sweeper's deadline, even when an operator shortens it.
    2. Re-check, in two queries for the batch: the caregiver may still be contacted for this
       message, and the address has not opted out (a STOP can arrive after fan-out). A row
       that fails either is ``skipped`` with the reason, and an opted-out row gets a fallback
       on the caregiver's next usable channel.
    3. Render: the language's stored rendition, with only the personal placeholders filled.
    4. Mark the send as begun (``_start_send``: ``claimed_at`` moves to now, guarded by our
       claim; a row the sweeper took over meanwhile is left to it, "taken_over"), then send
       through the channel's adapter (one per channel for the batch) with the row's
       idempotency key; an adapter that raises counts as a transient failure.
    5. Record each result at once, in one UPDATE guarded by our claim: SENT or DELIVERED with
       the provider id; RETRY back to pending after ``30 s * 2^attempts`` (at most an hour),
       failed after ``MAX_ATTEMPTS``; FAILED, and a fallback Delivery on the next channel.
    """
    counts: dict[str, int] = {}
    # One adapter per channel for the whole task: a provider client keeps its connections.
    adapters: dict[str, ChannelAdapter] = {}
    pks = list(ids)
    for start in range(0, len(pks), CLAIM_BATCH):
        _send_batch(pks[start : start + CLAIM_BATCH], counts, adapters)
    return counts


def _send_batch(
    ids: list[int], counts: dict[str, int], adapters: dict[str, ChannelAdapter]
) -> None:
    """Steps 1 to 5 of ``do_send_deliveries`` for one batch; adds to ``counts``."""
    now = timezone.now()
    claimed = _claim(ids, now)
    if not claimed:
        return
    allowed = _contactable(claimed)
    opted_out = _opted_out(claimed)
    renditions, names = _texts(claimed)
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
        elif not _start_send(delivery):
            outcome = "taken_over"
        else:
            outbound = _outbound(delivery, rendition, names)
            try:
                adapter = adapters.get(delivery.channel) or adapter_for(delivery.channel)
                adapters[delivery.channel] = adapter
                result = adapter.send(outbound)
            except Exception as error:
                log.exception("sending delivery %s failed", delivery.pk)
                result = SendResult(outcome=Outcome.RETRY, error=type(error).__name__)
            outcome = _record(delivery, result, now)
        counts[outcome] = counts.get(outcome, 0) + 1


@dataclasses.dataclass
class Reconciled:
    """What one pass over the rows stuck in ``sending`` did with them."""

    waited: int = 0  # their send never began: back to pending
    adopted: int = 0  # in doubt, and the provider had the message: recorded, not sent again
    resent: int = 0  # in doubt, and the provider had nothing (or cannot say): back to pending
    undecided: int = 0  # in doubt, and the provider could not be asked: left for a later pass

    @property
    def settled(self) -> int:
        return self.waited + self.adopted + self.resent


def _back_to_pending(delivery: Delivery) -> bool:
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, status=Status.SENDING, claim_token=delivery.claim_token
        ).update(
            status=Status.PENDING, claimed_at=None, claim_token=None, updated_at=timezone.now()
        )
    )


def _take_over(pk: int, token: uuid.UUID | None, claimed_at: datetime) -> Delivery | None:
    """The row under a fresh claim of ours, if it is still the stuck claim we read.

    ``claimed_at`` moves to now and ``updated_at`` is kept: the row still reads as "send
    begun", so if we fail to settle it the next pass asks the provider again.
    """
    new = uuid.uuid4()
    taken = Delivery.objects.filter(
        pk=pk, status=Status.SENDING, claim_token=token, claimed_at=claimed_at
    ).update(claim_token=new, claimed_at=timezone.now())
    return Delivery.objects.filter(pk=pk, claim_token=new).first() if taken else None


def _adopt(delivery: Delivery, found: list[SendResult], now: datetime) -> str | None:
    """Record the first provider message no other delivery has recorded; its outcome, or None.

    Two deliveries can hold the same words to the same phone (caregivers sharing a handset):
    each provider message is recorded on one row only, so the other row is sent again. On
    PostgreSQL an advisory lock per provider id makes the check and the record one step for
    concurrent sweepers; elsewhere the database takes one writer at a time.
    """
    for result in found:
        provider_id = result.provider_id[:100]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [provider_id])
            if Delivery.objects.filter(provider_id=provider_id).exclude(pk=delivery.pk).exists():
                continue
            return _record(delivery, result, now)
    return None


def do_reconcile_deliveries(
    *, stuck_after_s: float = STUCK_AFTER_S, limit: int = RECONCILE_LIMIT
) -> Reconciled:
    """Settle the rows whose claim is older than ``stuck_after_s``: their worker died.

    1. Rows whose send never began (``claimed_at == updated_at``: they waited their turn in a
       batch) go back to pending in one conditional UPDATE.
    2. Each row whose send began (``claimed_at > updated_at``, set by ``_start_send``), oldest
       first, at most ``limit``, is in doubt: the provider may have taken the message before
       the worker could record it. We take it over (a conditional UPDATE from the claim we
       read to a fresh token: a live worker or another sweeper that moved it keeps it), render
       it as the sender did, and ask the channel's adapter (``FindsSent.find_sent``) what the
       provider holds since the send began.
    3. A provider message no other row has recorded is recorded on this one (``_adopt``): sent,
       delivered, or failed with a fallback. Not sent again.
    4. Nothing found, or a channel that cannot say (email, voice): back to pending, sent again.
       Email carries the same Message-ID on both copies; docs/messaging.md says what each
       channel promises.
    5. The provider could not be asked: the row stays ``sending`` and in doubt, its
       ``claimed_at`` back at the instant the send began, and the next pass asks again.
       Never sent on a guess.

    The deadline: a row is in doubt only once its send began ``stuck_after_s`` ago. Above the
    adapter's timeout (Twilio 15 s, SMTP 10 s) the request has ended, whatever its outcome,
    and Twilio's message list has had time to show the message (it can lag by seconds); below,
    a send still in flight could be missed and sent again. A short deadline (``manage.py
    sweep_deliveries --stuck-after 5``) is for rows of workers known to be dead, right after a
    restart. Rows that only waited are never at risk: a live worker that finds its row taken
    over does not send it.
    """
    now = timezone.now()
    deadline = now - timedelta(seconds=stuck_after_s)
    stuck = Delivery.objects.filter(status=Status.SENDING, claimed_at__lt=deadline)
    result = Reconciled()
    result.waited = stuck.filter(claimed_at=F("updated_at")).update(
        status=Status.PENDING, claimed_at=None, claim_token=None, updated_at=now
    )
    candidates = list(
        stuck.exclude(claimed_at=F("updated_at")).order_by("claimed_at", "pk")[:limit]
    )
    renditions, names = _texts(candidates)
    adapters: dict[str, ChannelAdapter] = {}
    for candidate in candidates:
        began = candidate.claimed_at
        # Taken over one at a time, just before asking: our claim stays fresh however long
        # the provider takes to answer about the rows before it.
        delivery = _take_over(candidate.pk, candidate.claim_token, began) if began else None
        if delivery is None or began is None:
            continue
        rendition = renditions.get((delivery.message_id, delivery.language))
        try:
            adapter = adapters.get(delivery.channel) or adapter_for(delivery.channel)
            adapters[delivery.channel] = adapter
            found: list[SendResult] = []
            if rendition is not None and isinstance(adapter, FindsSent):
                found = adapter.find_sent(_outbound(delivery, rendition, names), since=began)
        except Exception:
            log.exception("could not ask the provider about delivery %s", delivery.pk)
            # Back to the instant the send began: the next pass asks again, about the same
            # span of time (a later instant could miss the message).
            Delivery.objects.filter(pk=delivery.pk, claim_token=delivery.claim_token).update(
                claimed_at=began
            )
            result.undecided += 1
            continue
        if _adopt(delivery, found, now) is not None:
            result.adopted += 1
        elif _back_to_pending(delivery):
            if rendition is not None and not isinstance(adapter, FindsSent):
                log.warning("%s delivery %s may be sent twice", delivery.channel, delivery.pk)
            result.resent += 1
    if result.settled or result.undecided:
        log.warning("deliveries stuck in sending: %s", result)
    return result


def do_requeue_deliveries(*, requeue_after_s: float = REQUEUE_AFTER_S, limit: int = 50_000) -> int:
    """Queue, in chunks, the pending rows that are due (window open, backoff over) and were not
    touched for ``requeue_after_s``, and touch them so the next pass leaves them to the queued
    tasks; returns how many. A duplicate task is harmless: the claim lets one send."""
    now = timezone.now()
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
    return len(due)


def do_sweep_deliveries(
    *,
    stuck_after_s: float = STUCK_AFTER_S,
    requeue_after_s: float = REQUEUE_AFTER_S,
    limit: int = 50_000,
) -> int:
    """Settle stuck rows, then queue the pending rows whose time has come; returns how many.

    1. ``do_reconcile_deliveries``: rows in ``sending`` past ``stuck_after_s`` lost their
       worker; each is recorded from what the provider holds, or goes back to pending (touched
       now, so a later pass queues it).
    2. ``do_requeue_deliveries``: due pending rows untouched for ``requeue_after_s``.
    """
    reconciled = do_reconcile_deliveries(
        stuck_after_s=stuck_after_s, limit=min(limit, RECONCILE_LIMIT)
    )
    queued = do_requeue_deliveries(requeue_after_s=requeue_after_s, limit=limit)
    return reconciled.settled + queued


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


def _lock_caregiver(caregiver: Caregiver) -> None:
    """Serialise the opening of conversations with one caregiver (a row lock until commit)."""
    Caregiver.objects.select_for_update().filter(pk=caregiver.pk).values_list("pk").first()


def open_reply_conversation(caregiver: Caregiver, language: str) -> Conversation:
    """The conversation a family message joins: the caregiver's most recent open one (locked),
    or a new one owned as ``inbound.owner_for`` decides. Call inside a transaction.

    The caregiver's row is locked first: two texts arriving at once from a family with no open
    thread would otherwise each find none and open two.
    """
    _lock_caregiver(caregiver)
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
    return conversation


def attach_reader_rendition(message: Message, conversation: Conversation) -> None:
    """A rendition of a family message in the language its reader reads: the owner's first
    language, or for a thread nobody owns yet (triage) the district's.

    Stored even when nobody could translate it (needs_human): the owner then sees that the
    reply is untranslated rather than seeing nothing.
    """
    from juntos.messaging.inbox import owner_language

    district = conversation.caregiver.district
    reader = owner_language(conversation.owner, district.default_language)
    if not message.body.strip() or same_language(message.language, reader):
        return
    rendition = pipeline.translate(
        message.body,
        source=message.language,
        target=reader,
        district_policy=pipeline.TranslationPolicy.for_district(district),
    )
    MessageRendition.objects.update_or_create(
        message=message,
        language=reader,
        defaults={
            "text": rendition.text,
            "method": str(rendition.method),
            "status": str(rendition.status),
            "reviewer_id": rendition.reviewer_id,
            "machine_notice": rendition.machine_notice,
            "details": rendition.to_json(),
        },
    )


def thread_family_message(
    *, caregiver: Caregiver, body: str, known: list[str], received_at: datetime
) -> Message:
    """Put a family's reply in their most recent open conversation (or a new one), with a
    rendition in the owner's language."""
    detection = detect(body, known)
    language = detection.language or caregiver.preferred_language
    conversation = open_reply_conversation(caregiver, language)
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
    attach_reader_rendition(message, conversation)
    # The owner is emailed once this transaction commits (docs/messaging.md, "Inbox").
    from juntos.messaging.inbox_actions import notify_owner_of_reply

    notify_owner_of_reply(message)
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
        handled = replies.handle(
            replies.Reply(
                caregivers=caregivers,
                body=body,
                known=known,
                phone=phone or "",
                received_at=payload.received_at,
            )
        )
        if handled is not None:
            return InboundResult(outcome=handled.by[:30], reply=handled.answer), 200
        message = thread_family_message(
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
        if new == Status.FAILED:
            # The carrier gave up on the text: the family's next channel takes over, as when
            # the provider refuses it outright (its task is queued on commit).
            do_create_fallback_delivery(delivery=delivery)
    return InboundResult(outcome="status_updated")


def do_receive_sms_status(*, payload: InboundPayload) -> InboundResult:
    """Apply a stored Twilio status callback to the Delivery with that provider id.

    delivered → delivered; failed or undelivered → failed with the error code, and a fallback
    Delivery on the caregiver's next usable channel (21610, the number replied STOP, also opts
    that phone out first, so SMS is not that channel); sent moves a row still in flight; an unknown
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


# --- Conversations: one message to one family ------------------------------------------------


def do_open_conversation(
    *,
    caregiver: Caregiver,
    owner: Staff | None,
    student_id: int | None = None,
    school: School | None = None,
) -> Conversation:
    """The caregiver's open conversation about ``student_id`` (or none), else a new one.

    A note about a child joins the thread the family already has about that child, so that a
    reply lands where the teacher will look for it.
    """
    with transaction.atomic():
        _lock_caregiver(caregiver)  # see open_reply_conversation
        conversation = (
            Conversation.objects.select_for_update()
            .filter(caregiver=caregiver, status=Conversation.Status.OPEN)
            .filter(Q(student_id=student_id) if student_id else Q(student__isnull=True))
            .order_by("-created_at", "-pk")
            .first()
        )
        if conversation is not None:
            return conversation
        return Conversation.objects.create(
            caregiver=caregiver, owner=owner, student_id=student_id, school=school
        )


def _source_language(by: Staff) -> str:
    languages = [str(tag) for tag in by.languages or []]
    return registry.normalize(languages[0] if languages else by.district.default_language)


def do_send_conversation_message(
    *,
    by: Staff,
    conversation: Conversation,
    body: str,
    kind: str = Message.Kind.REPLY,
    template_key: str = "",
    context: dict[str, str] | None = None,
    source_language: str = "",
) -> Message:
    """Write a staff message to the family of ``conversation`` and queue its delivery.

    One transaction:
    1. The text in the staff member's language (``body``, or the template ``template_key``
       with ``context`` and ``{sentence}`` = ``body``) becomes the Message.
    2. It is rendered once in the caregiver's preferred language: a template through its
       stored translation, the staff member's own words through memory, machine or a person
       (``pipeline``), stored as a MessageRendition with its provenance.
    3. One Delivery on the caregiver's first usable channel, waiting for their contact window;
       ``skipped`` with the reason when no link lets the school contact them, when no channel
       can reach them, or when the district holds messages for a human translation (a request
       is queued for a liaison who speaks the language).
    4. The conversation counts as answered: the family's messages are read, flags cleared.
    The send task is enqueued after commit when the delivery is due.
    """
    now = timezone.now()
    caregiver = conversation.caregiver
    district = District.objects.get(pk=caregiver.district_id)
    policy = pipeline.TranslationPolicy.for_district(district)
    source = registry.normalize(source_language) if source_language else _source_language(by)
    target = registry.normalize(caregiver.preferred_language or district.default_language)
    with transaction.atomic():
        if template_key:
            values = dict(context or {})
            source_text = pipeline.render_template(
                template_key, source, {**values, "sentence": body}, district_policy=policy
            ).text
            sentence = pipeline.translate(
                body, source=source, target=target, district_policy=policy
            )
            rendition = pipeline.fill(
                pipeline.prepare_template(template_key, target, district_policy=policy),
                {**values, "sentence": sentence},
            )
        else:
            source_text = body
            rendition = pipeline.translate(
                body, source=source, target=target, district_policy=policy
            )
        held = rendition.needs_human and policy.hold_for_human
        message = Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.OUT,
            kind=kind,
            author=by,
            body=source_text,
            language=source,
            created_at=now,
        )
        MessageRendition.objects.create(
            message=message,
            language=target,
            text=rendition.text if held else pipeline.text_to_send(rendition),
            method=str(rendition.method),
            status=str(rendition.status),
            reviewer_id=rendition.reviewer_id,
            machine_notice=rendition.machine_notice,
            details={**rendition.to_json(), "held": held},
        )
        if held:
            do_request_human_translation(
                district=district,
                source_text=source_text,
                source_language=source,
                target_language=target,
                school=conversation.school,
                requested_by=by.user,
                waiting_kind="message",
                waiting_id=str(message.pk),
            )
        links = CaregiverLink.objects.filter(caregiver=caregiver, may_contact=True)
        if conversation.student_id is not None:
            links = links.filter(student_id=conversation.student_id)
        recipient = aud.recipient_for(caregiver.pk)
        channels = aud.usable_channels(recipient) if recipient is not None else []
        status, reason = Status.PENDING, ""
        preferred = (caregiver.channel_preferences or ["none"])[0]
        channel, to = channels[0] if channels else (preferred, "")
        if not links.exists():
            status, reason = Status.SKIPPED, MAY_NOT_CONTACT
        elif not channels:
            status, reason = Status.SKIPPED, NO_CHANNEL
        elif held:
            status, reason = Status.SKIPPED, HELD_FOR_HUMAN
        not_before = next_send_time(
            recipient.windows if recipient is not None else [],
            time_zone=caregiver.time_zone,
            district_time_zone=district.time_zone,
            now=now,
        )
        delivery = Delivery.objects.create(
            message=message,
            caregiver=caregiver,
            channel=channel[:10],
            to=to,
            language=target,
            status=status,
            skip_reason=reason,
            not_before=not_before,
            idempotency_key=idempotency_key(message.pk, caregiver.pk, channel),
            created_at=now,
            updated_at=now,
        )
        Message.objects.filter(
            conversation=conversation, direction=Message.Direction.IN, read_at__isnull=True
        ).update(read_at=now)
        Conversation.objects.filter(pk=conversation.pk).update(
            last_staff_message_at=now,
            unanswered_since=None,
            flagged_owner_at=None,
            flagged_leader_at=None,
        )
        if (
            status == Status.PENDING
            and not_before <= now
            and delivery.channel not in NOT_SENT_BY_WORKERS
        ):
            _enqueue_sends([delivery.pk])
    return message


# --- Held for a human translation: release ---------------------------------------------------
# The language app knows nothing of messages: it calls the task registered for a request's
# ``waiting_kind`` (``juntos.language.actions.register_release_task``, done in
# ``MessagingConfig.ready``), after its commit. Registering from messaging keeps the dependency
# one way (messaging imports language, never the reverse) and needs no import inside language.

WAITING_KINDS = ("announcement", "message")


def _windows_of(caregiver_ids: Iterable[int]) -> dict[int, tuple[str, list[Any]]]:
    """Each caregiver's time zone and contact windows, in two queries for the whole batch."""
    from juntos.messaging.windows import Window
    from juntos.people.models import ContactWindow

    ids = set(caregiver_ids)
    found: dict[int, tuple[str, list[Any]]] = {
        pk: (tz, [])
        for pk, tz in Caregiver.objects.filter(pk__in=ids).values_list("pk", "time_zone")
    }
    for caregiver_id, weekdays, start, end in ContactWindow.objects.filter(
        caregiver_id__in=ids
    ).values_list("caregiver_id", "weekdays", "start", "end"):
        if caregiver_id in found:
            found[caregiver_id][1].append(Window(tuple(weekdays or ()), start, end))
    return found


def do_release_held_translation(*, request_id: int) -> int:
    """Send what waited for a human translation, now that a liaison wrote it; returns how many
    deliveries went back to pending.

    1. Load the request; nothing to do unless it is done and waits for an ``announcement``
       (``waiting_id`` = its id) or a ``message`` (``waiting_id`` = the message id).
    2. The held MessageRendition of that message in the request's language
       (``details["held"]``) takes the person's text: method human, status reviewed, reviewer
       the translator, no machine notice.
    3. The deliveries of that message in that language that were ``skipped`` as
       ``HELD_FOR_HUMAN`` go back to ``pending``, with ``not_before`` = the caregiver's next
       contact window from now (at once for an emergency or a family with no window). The
       sender re-checks contact permission and opt-outs when it claims them, as for any row.
    4. After commit, the rows already due are queued for sending; the sweeper takes the rest
       when their window opens.
    Safe to run twice: a second run finds nothing held.
    """
    from juntos.language.models import HumanTranslationRequest
    from juntos.language.models import Method as TranslationMethod
    from juntos.language.models import Status as TranslationStatus

    request = (
        HumanTranslationRequest.objects.select_related("completed_by").filter(pk=request_id).first()
    )
    if (
        request is None
        or request.status != HumanTranslationRequest.Status.DONE
        or request.waiting_kind not in WAITING_KINDS
        or not request.waiting_id.isdigit()
    ):
        return 0
    language = registry.normalize(request.target_language)
    waiting = int(request.waiting_id)
    messages = (
        Message.objects.filter(announcement_id=waiting)
        if request.waiting_kind == "announcement"
        else Message.objects.filter(pk=waiting)
    )
    reviewer_id = request.completed_by.user_id if request.completed_by is not None else None
    now = timezone.now()
    with transaction.atomic():
        held = list(
            MessageRendition.objects.select_for_update().filter(
                message__in=messages, language=language, details__held=True
            )
        )
        for rendition in held:
            rendition.text = request.result_text
            rendition.method = TranslationMethod.HUMAN
            rendition.status = TranslationStatus.REVIEWED
            rendition.reviewer_id = reviewer_id
            rendition.machine_notice = False
            rendition.details = {
                **rendition.details,
                "text": request.result_text,
                "language": language,
                "method": str(TranslationMethod.HUMAN),
                "status": str(TranslationStatus.REVIEWED),
                "reviewer_id": reviewer_id,
                "machine_notice": False,
                "needs_human": False,
                "memory_id": request.memory_id,
                "held": False,
                "released_by_request": request.pk,
                "released_at": now.isoformat(),
            }
        MessageRendition.objects.bulk_update(
            held, ["text", "method", "status", "reviewer", "machine_notice", "details"]
        )
        rows = list(
            Delivery.objects.select_for_update()
            .filter(
                message__in=messages,
                language=language,
                status=Status.SKIPPED,
                skip_reason=HELD_FOR_HUMAN,
            )
            .order_by("pk")
        )
        if not rows:
            return 0
        emergency = {
            pk: bool(flag) for pk, flag in messages.values_list("pk", "announcement__emergency")
        }
        district_zone = (
            District.objects.filter(pk=request.district_id)
            .values_list("time_zone", flat=True)
            .first()
        ) or ""
        windows = _windows_of(d.caregiver_id for d in rows)
        for delivery in rows:
            time_zone, caregiver_windows = windows.get(delivery.caregiver_id, ("", []))
            delivery.status = Status.PENDING
            delivery.skip_reason = ""
            delivery.next_attempt_at = None
            delivery.updated_at = now
            delivery.not_before = max(
                now,
                next_send_time(
                    caregiver_windows,
                    time_zone=time_zone,
                    district_time_zone=district_zone,
                    now=now,
                    emergency=emergency.get(delivery.message_id, False),
                ),
            )
        Delivery.objects.bulk_update(
            rows,
            ["status", "skip_reason", "next_attempt_at", "updated_at", "not_before"],
            batch_size=CHUNK,
        )
        _enqueue_sends(
            [d.pk for d in rows if d.not_before <= now and d.channel not in NOT_SENT_BY_WORKERS]
        )
    log.info("request %s released %s held deliveries in %s", request.pk, len(rows), language)
    return len(rows)


def do_review_message_rendition(
    *, rendition: MessageRendition, by: Any, text: str | None = None
) -> MessageRendition:
    """A speaker approves (``text`` None) or corrects what families got in their language.

    1. The stored translation behind the rendition (its translation-memory entry or template
       translation) is approved or corrected through ``language.actions.do_review_rendition``:
       it checks that ``by`` speaks the language, and a correction feeds the memory, so the
       next message with the same source uses it.
    2. The rendition records the review: status reviewed, reviewer, no machine notice due.
    3. Families not sent to yet (a delivery in that language still ``pending``) get the
       reviewed text; the previous text is kept in ``details["history"]``. A message already
       sent to everyone is never sent again: the correction is recorded in
       ``details["correction"]`` and the text stays what the families received.
    """
    from django.core.exceptions import ValidationError

    from juntos.language.actions import do_review_rendition
    from juntos.language.models import Method as TranslationMethod
    from juntos.language.models import Status as TranslationStatus

    try:
        provenance = pipeline.Rendition.from_json(dict(rendition.details))
    except TypeError as error:  # a row written before provenance was stored in full
        raise ValidationError("Nothing records how this text was translated.") from error
    now = timezone.now()
    reviewer_id = getattr(by, "pk", None)
    with transaction.atomic():
        do_review_rendition(rendition=provenance, by=by, text=text)
        locked = MessageRendition.objects.select_for_update().get(pk=rendition.pk)
        details = dict(locked.details)
        reviewed_text = text.strip() if text is not None else provenance.text
        waiting = Delivery.objects.filter(
            message_id=locked.message_id, language=locked.language, status=Status.PENDING
        ).exists()
        if waiting:
            if reviewed_text != locked.text:
                history = list(details.get("history", []))
                history.append({"text": locked.text, "replaced_at": now.isoformat()})
                details["history"] = history
            locked.text = reviewed_text
            details["text"] = reviewed_text
        elif text is not None:
            details["correction"] = {
                "text": reviewed_text,
                "by": reviewer_id,
                "at": now.isoformat(),
                "resent": False,
            }
        if text is not None:
            locked.method = TranslationMethod.HUMAN
            details["method"] = str(TranslationMethod.HUMAN)
        locked.status = TranslationStatus.REVIEWED
        locked.reviewer_id = reviewer_id
        locked.machine_notice = False
        details.update(
            status=str(TranslationStatus.REVIEWED),
            reviewer_id=reviewer_id,
            machine_notice=False,
            reviewed_at=now.isoformat(),
        )
        locked.details = details
        locked.save(
            update_fields=["text", "method", "status", "reviewer", "machine_notice", "details"]
        )
    return locked


# --- Announcement pages: drafts, the schedule, saved lists, paper batches, calls -------------
# The pages are juntos/messaging/announcement_views.py; who may address, print and call is
# decided by juntos/messaging/announcement_queries.py (docs/messaging.md, "Announcements").


class InputError(ValueError):
    """Input an action refuses: ``errors`` maps a form field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def do_save_announcement_draft(
    *,
    by: Staff,
    audience_kind: str,
    audience_ref: dict[str, Any],
    subject: str,
    body: str,
    source_language: str,
    emergency: bool = False,
    scheduled_for: datetime | None = None,
    now: datetime | None = None,
) -> Announcement:
    """Check and store a draft announcement (nothing is sent: the preview comes next).

    Refused, every reason at once: an empty body; an audience ``by`` may not address (a
    teacher: their classes; a leader or liaison: their school, its grades, classes and saved
    lists; a district admin: anything in the district); an emergency from anyone but a school
    leader or district admin; a schedule that is not in the future; an unknown language.
    A draft with ``scheduled_for`` is sent at that time by :func:`do_send_due_announcements`.
    """
    from juntos.messaging import announcement_queries as aq

    now = now or timezone.now()
    errors: dict[str, str] = {}
    if not body.strip():
        errors["body"] = "Write the message."
    school: School | None = None
    try:
        school = aq.check_audience(by.user, audience_kind, audience_ref)
    except aq.AudienceNotAllowed as refused:
        errors["audience"] = str(refused)
    if emergency and not aq.may_send_emergency(by.user):
        errors["emergency"] = (
            "Only school leaders and district administrators can send an emergency announcement."
        )
    if scheduled_for is not None and scheduled_for <= now:
        errors["scheduled_for"] = "This time has passed: choose a later time, or send now."
    if not registry.is_valid(source_language):
        errors["source_language"] = "Choose the language the message is written in."
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        return Announcement.objects.create(
            district_id=by.district_id,
            school=school,
            author=by,
            audience_kind=audience_kind,
            audience_ref=audience_ref,
            subject=subject.strip()[:200],
            body=body.strip(),
            source_language=registry.normalize(source_language),
            emergency=emergency,
            scheduled_for=scheduled_for,
            status=Announcement.Status.DRAFT,
            created_at=now,
        )


def do_send_due_announcements(*, now: datetime | None = None) -> int:
    """Send the scheduled drafts whose time has come; returns how many were sent.

    Steps, per due draft (oldest schedule first):
    1. re-check that its author may still address the audience (a role can end between
       scheduling and sending); if not, the schedule is cleared and the draft stays a draft;
    2. ``do_send_announcement`` by id, which locks the row and sends only a draft, so two
       sweeps running at once send it once.
    Safe to run every minute (task ``messaging.send_due_announcements``) and in the embedded
    worker's sweep (it takes no required argument).
    """
    from juntos.messaging import announcement_queries as aq

    now = now or timezone.now()
    due = list(
        Announcement.objects.filter(
            status=Announcement.Status.DRAFT, scheduled_for__isnull=False, scheduled_for__lte=now
        )
        .select_related("author__user")
        .order_by("scheduled_for", "pk")
    )
    sent = 0
    for announcement in due:
        try:
            aq.check_audience(
                announcement.author.user,
                announcement.audience_kind,
                dict(announcement.audience_ref),
            )
        except aq.AudienceNotAllowed:
            log.warning("announcement %s: its author may no longer send it", announcement.pk)
            Announcement.objects.filter(
                pk=announcement.pk, status=Announcement.Status.DRAFT
            ).update(scheduled_for=None)
            continue
        try:
            result = do_send_announcement(by=announcement.author, announcement_id=announcement.pk)
        except Exception:
            log.exception("sending scheduled announcement %s failed", announcement.pk)
            continue
        sent += int(result.sent_at is not None and result.sent_at >= now)
    return sent


def _list_members(by: Staff, school: School, ids: Iterable[int]) -> list[int]:
    from juntos.messaging import announcement_queries as aq

    wanted = set(ids)
    allowed = set(
        aq.list_candidates(by.user, school).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise InputError({"caregivers": "Some of the chosen families are not yours to add."})
    return sorted(allowed)


def do_create_audience_list(
    *, by: Staff, school: School, name: str, caregiver_ids: Iterable[int]
) -> AudienceList:
    """A saved list of a school's families, chosen by ``by`` among the families they see."""
    from juntos.messaging import announcement_queries as aq

    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Give the list a name."
    if not aq.list_schools_for(by.user).filter(pk=school.pk).exists():
        errors["school"] = "You may not make a list for this school."
    if errors:
        raise InputError(errors)
    members = _list_members(by, school, caregiver_ids)
    with transaction.atomic():
        saved = AudienceList.objects.create(
            district_id=by.district_id, school=school, name=name.strip()[:200], created_by=by
        )
        saved.caregivers.add(*members)
    return saved


def do_update_audience_list(
    *,
    by: Staff,
    audience_list: AudienceList,
    name: str,
    add_ids: Iterable[int] = (),
    remove_ids: Iterable[int] = (),
) -> AudienceList:
    """Rename a list, add families ``by`` sees, remove families ``by`` sees (families outside
    their sight stay on the list untouched)."""
    from juntos.people.queries import caregivers_for

    if not name.strip():
        raise InputError({"name": "Give the list a name."})
    school = audience_list.school
    if school is None:
        raise InputError({"school": "This list belongs to no school."})
    added = _list_members(by, school, add_ids)
    removed = list(
        caregivers_for(by.user).filter(pk__in=set(remove_ids)).values_list("pk", flat=True)
    )
    with transaction.atomic():
        locked = AudienceList.objects.select_for_update().get(pk=audience_list.pk)
        if locked.name != name.strip()[:200]:
            locked.name = name.strip()[:200]
            locked.save(update_fields=["name"])
        locked.caregivers.add(*added)
        locked.caregivers.remove(*removed)
    return locked


def do_print_paper_batch(*, by: Staff, now: datetime | None = None) -> PaperBatch | None:
    """Put the paper letters waiting for ``by``'s families into one batch; None if none wait.

    One transaction: the waiting rows are locked (rows another printer holds are skipped, so
    a double click prints nothing twice), their letters are laid out to check that each can be
    printed, the PaperBatch row is written, and the rows become ``sent`` with provider id
    ``paper-<batch id>``. The PDF is rendered from those rows on download.
    """
    from juntos.messaging import announcement_queries as aq
    from juntos.messaging.channels.paper import letters_html
    from juntos.people.queries import scope_for

    now = now or timezone.now()
    district = District.objects.get(pk=by.district_id)
    with transaction.atomic():
        ids = list(
            aq.pending_paper_for(by.user)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return None
        deliveries = list(
            Delivery.objects.filter(pk__in=ids).select_related("caregiver").order_by("pk")
        )
        try:
            letters_html(aq.paper_letters(deliveries, on=now.date(), district=district))
        except ValueError as error:
            raise InputError({"batch": f"A letter cannot be printed: {error}"}) from error
        schools = scope_for(by.user).family_school_ids
        batch = PaperBatch.objects.create(
            district=district,
            school_id=next(iter(schools)) if len(schools) == 1 else None,
            created_by=by,
            created_at=now,
        )
        batch.letter_count = Delivery.objects.filter(
            pk__in=ids, status=Status.PENDING, provider_id=""
        ).update(status=Status.SENT, provider_id=f"paper-{batch.pk}", updated_at=now)
        batch.save(update_fields=["letter_count"])
    return batch


CALL_OUTCOMES = {"reached": Status.DELIVERED, "voicemail": Status.SENT, "no_answer": None}


def do_log_call(*, by: Staff, delivery: Delivery, outcome: str) -> Delivery:
    """Record a liaison's call for a voice message no machine could speak.

    Reached: the row becomes ``delivered`` with provider id ``call:<staff id>``; a voicemail
    left in the family's language: ``sent``, same provider id; no answer: the row stays on
    the call list with one more attempt. Every call is written to the audit trail (who, when,
    outcome). A row already taken off the list is returned unchanged.
    """
    from juntos.messaging.announcement_queries import CALL_CONTEXT, CALL_PREFIX
    from juntos.messaging.channels.voice import NO_TTS_FOR_LANGUAGE
    from juntos.people.models import AuditEntry

    if outcome not in CALL_OUTCOMES:
        raise InputError({"outcome": "Say how the call went."})
    now = timezone.now()
    with transaction.atomic():
        row = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if row.status != Status.FAILED or not row.error.startswith(NO_TTS_FOR_LANGUAGE):
            return row
        row.attempts += 1
        row.updated_at = now
        fields = ["attempts", "updated_at"]
        status = CALL_OUTCOMES[outcome]
        if status is not None:
            row.status = status
            row.provider_id = f"{CALL_PREFIX}{by.pk}"
            fields += ["status", "provider_id"]
        row.save(update_fields=fields)
        AuditEntry.objects.create(
            actor=by.user,
            action=AuditEntry.Action.CHANGE,
            object_type="delivery",
            object_id=row.pk,
            context=f"{CALL_CONTEXT}{outcome} by staff {by.pk}",
        )
    return row


# --- Fan-out of a message another app rendered per language (events) -------------------------


def write_rendered_fanout(
    *,
    message: Message,
    renditions: dict[str, pipeline.Rendition],
    targets: Sequence[aud.Target],
    hold_for_human: bool,
    district_time_zone: str,
    now: datetime,
    subjects: dict[str, str] | None = None,
) -> list[int]:
    """Store ``message``'s renditions and one Delivery per target, as an announcement does.

    For apps whose text is a template rendered once per language (an event invitation) rather
    than one body translated: ``renditions`` are already filled, keyed by normalised tag, and
    must cover every target's language. Call inside the caller's transaction: one
    MessageRendition per language, the Delivery rows written at once (``fanout``), and the rows
    due now queued after commit. ``subjects`` are email subjects by language. Returns the
    Delivery ids, in ``targets`` order.
    """
    tags: dict[str, str] = {}
    for target in targets:
        if target.language not in tags:
            tags[target.language] = registry.normalize(target.language)
    texts = _sendable_renditions(renditions, hold_for_human=hold_for_human)
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
                "subject_text": (subjects or {}).get(language, ""),
                "held": language not in texts,
            },
        )
        for language, rendition in renditions.items()
    )
    due: list[int] = []
    rows = _delivery_rows(
        targets,
        message_id=message.pk,
        tags=tags,
        texts=texts,
        send_time=SendTimes(district_time_zone=district_time_zone, now=now),
        now=now,
        due=due,
    )
    ids = fanout.write_deliveries(rows, count=len(targets))
    _enqueue_sends([ids[i] for i in due])
    return ids
