"""The inbox's writes: ``do_<verb>_<noun>`` actions for conversations, triage, follow-up flags,
staff notices and inbound email.

A section of the messaging actions layer kept in its own module (actions.py holds the outbound
and SMS flows and is edited by several people at once); the same rules hold: one transaction
per action, tasks enqueued with ``juntos.tasks.enqueue`` (after commit), no view logic.

Staff notices are emails to the staff member's address through Django's email backend, in the
site's language (English), with no family words in them: the subject is generic, the body names
the family and links to the conversation (docs/messaging.md, "Inbox").
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from juntos.language import registry
from juntos.language.detect import detect
from juntos.messaging import actions, email_inbound, inbound
from juntos.messaging.inbox import follow_up_target, may_own, school_days_between
from juntos.messaging.models import Conversation, InboundPayload, Message
from juntos.people.models import Caregiver, ContactPoint, Role, Staff, StaffRole

log = logging.getLogger(__name__)

# How long a reply notice is remembered, so that a task run twice emails once.
NOTICE_DEDUP_SECONDS = 7 * 24 * 3600

NOTICE_REPLY = "reply"
NOTICE_FLAG_OWNER = "flag_owner"
NOTICE_FLAG_LEADER = "flag_leader"
NOTICE_ASSIGNED = "assigned"
NOTICES = (NOTICE_REPLY, NOTICE_FLAG_OWNER, NOTICE_FLAG_LEADER, NOTICE_ASSIGNED)


class InboxError(ValueError):
    """A request the inbox refuses, with a message for the person who made it."""


# --- Staff notices -----------------------------------------------------------------------------


def _enqueue_notice(notice: str, conversation_id: int, staff_ids: list[int], key: str) -> None:
    from juntos.messaging.tasks import notify_staff
    from juntos.tasks import enqueue

    if staff_ids:
        enqueue(notify_staff, notice, conversation_id, staff_ids, key)


def notify_owner_of_reply(message: Message) -> None:
    """After commit, tell the owner of ``message``'s conversation that the family wrote."""
    conversation = message.conversation
    if conversation is None or conversation.owner_id is None:
        return  # an ownerless conversation waits in triage, where leaders and liaisons look
    _enqueue_notice(NOTICE_REPLY, conversation.pk, [conversation.owner_id], f"m{message.pk}")


def _address(member: Staff) -> str:
    return member.email or getattr(member.user, "email", "") or ""


def _conversation_url(conversation_id: int) -> str:
    path = reverse("messaging:conversation", args=[conversation_id])
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}" if settings.PUBLIC_BASE_URL else path


def _notice_text(notice: str, conversation: Conversation) -> tuple[str, str]:
    family = conversation.caregiver.display_name
    language = registry.get(conversation.caregiver.preferred_language).english_name
    school = conversation.school.name if conversation.school is not None else ""
    target = follow_up_target(conversation.school)
    url = _conversation_url(conversation.pk)
    if notice == NOTICE_REPLY:
        subject = _("A family wrote to you in Juntos")
        lead = _("%(family)s (%(language)s) sent you a message.") % {
            "family": family,
            "language": language,
        }
    elif notice == NOTICE_FLAG_OWNER:
        subject = _("A family is waiting for your answer")
        lead = _(
            "%(family)s (%(language)s) has waited more than %(days)s school days for an answer."
        ) % {"family": family, "language": language, "days": target}
    elif notice == NOTICE_FLAG_LEADER:
        subject = _("A family message is still unanswered")
        owner = conversation.owner.display_name if conversation.owner else _("nobody")
        lead = _(
            "%(family)s (%(language)s) has waited more than %(days)s school days for an answer "
            "at %(school)s. The conversation's owner is %(owner)s."
        ) % {
            "family": family,
            "language": language,
            "days": 2 * target,
            "school": school or _("your school"),
            "owner": owner,
        }
    else:
        subject = _("A conversation with a family is now yours")
        lead = _("You now own the conversation with %(family)s (%(language)s).") % {
            "family": family,
            "language": language,
        }
    body = "\n\n".join([lead, _("Open the conversation: %(url)s") % {"url": url}, "— Juntos"])
    return subject, body


def email_configured() -> bool:
    """An email backend was chosen (``EMAIL_URL``, or a backend other than Django's default
    SMTP to localhost, such as the test suite's in-memory one)."""
    default = "django.core.mail.backends.smtp.EmailBackend"
    return bool(settings.EMAIL_URL) or default != settings.EMAIL_BACKEND


_email_configured = email_configured


def do_send_staff_notice(
    *, notice: str, conversation_id: int, staff_ids: list[int], key: str = ""
) -> int:
    """Email ``notice`` about a conversation to each of ``staff_ids`` with an address; returns
    how many emails were sent. A notice with a ``key`` is sent at most once per person (a task
    run twice sends nothing the second time)."""
    if notice not in NOTICES:
        raise ValueError(f"unknown notice {notice!r}")
    conversation = (
        Conversation.objects.select_related("caregiver", "school", "owner")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        return 0
    if not _email_configured():
        # The embedded default has no mail server: the flag and the unread count in the inbox
        # are the notice (DESIGN.md section 7).
        log.info("no email configured: %s notice for conversation %s not emailed", notice,
                 conversation_id)  # fmt: skip
        return 0
    sent = 0
    staff = Staff.objects.filter(pk__in=staff_ids, is_active=True).select_related("user")
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _notice_text(notice, conversation)
    for member in staff:
        to = _address(member)
        if not to:
            continue
        if key and not cache.add(
            f"juntos:notice:{notice}:{key}:{member.pk}", 1, NOTICE_DEDUP_SECONDS
        ):
            continue
        try:
            EmailMessage(subject=subject, body=body, to=[to]).send()
        except Exception:
            # One unreachable address must not stop the others; the flag is in the inbox.
            log.exception("staff notice %s to staff %s failed", notice, member.pk)
            continue
        sent += 1
    return sent


# --- Conversations -----------------------------------------------------------------------------


def do_mark_conversation_read(*, by: Staff, conversation: Conversation) -> int:
    """Mark the family's unread messages read when their reader is the owner (or nobody owns
    the conversation); returns how many. A leader looking over a teacher's shoulder leaves the
    teacher's unread count alone."""
    if conversation.owner_id not in (None, by.pk):
        return 0
    with transaction.atomic():
        return Message.objects.filter(
            conversation=conversation, direction=Message.Direction.IN, read_at__isnull=True
        ).update(read_at=timezone.now())


def _system_note(conversation: Conversation, by: Staff, body: str) -> Message:
    """A note in the thread for staff only: kind SYSTEM, direction "out", and no Delivery, so
    that no family ever receives it."""
    return Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUT,
        kind=Message.Kind.SYSTEM,
        author=by,
        body=body,
        language=settings.LANGUAGE_CODE,
    )


def do_reassign_conversation(
    *, by: Staff, conversation: Conversation, owner: Staff
) -> Conversation:
    """Give the conversation to ``owner`` (who must be able to see the family).

    One transaction: the owner changes, the owner's follow-up flag is cleared (the new owner's
    clock is the family's, so the next sweep flags them at once if the message is overdue), a
    staff-only note records who reassigned it, and the new owner is emailed after commit.
    """
    if not may_own(owner, conversation):
        raise InboxError(_("%(name)s cannot see this family.") % {"name": owner.display_name})
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.owner_id == owner.pk:
            return locked
        previous = locked.owner.display_name if locked.owner is not None else ""
        locked.owner = owner
        locked.flagged_owner_at = None
        locked.save(update_fields=["owner", "flagged_owner_at"])
        note = f"{previous} → {owner.display_name}" if previous else f"→ {owner.display_name}"
        _system_note(locked, by, note)
        if owner.pk != by.pk:
            _enqueue_notice(
                NOTICE_ASSIGNED,
                locked.pk,
                [owner.pk],
                f"a{locked.pk}-{owner.pk}-{timezone.now().timestamp()}",
            )
    return locked


def do_set_conversation_status(
    *, by: Staff, conversation: Conversation, status: str
) -> Conversation:
    """Close or reopen a conversation. A closed one leaves the open inbox; a family message that
    arrives later starts a new conversation (replies join the most recent open one)."""
    if status not in Conversation.Status.values:
        raise InboxError(_("Unknown status."))
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == status:
            return locked
        locked.status = status
        locked.save(update_fields=["status"])
        _system_note(locked, by, str(Conversation.Status(status).label))
    return locked


# --- Triage ------------------------------------------------------------------------------------


def do_move_triage_message(
    *, by: Staff, message: Message, caregiver: Caregiver, add_contact: bool = False
) -> Conversation:
    """Move a message from an unknown sender into ``caregiver``'s conversation.

    One transaction: the message's language is detected again with the family's languages as a
    prior; it joins their most recent open conversation (or a new one, owned as a reply's would
    be); the conversation waits for an answer from the message's time; a rendition in the
    owner's language is attached; with ``add_contact`` the sender's number or address becomes
    one of the family's contact points. The owner is emailed after commit.
    """
    with transaction.atomic():
        locked = Message.objects.select_for_update().filter(pk=message.pk).first()
        if locked is None or locked.conversation_id is not None or locked.read_at is not None:
            raise InboxError(_("This message was already handled."))
        known = inbound.languages_of([caregiver])
        detection = detect(locked.body, known)
        language = detection.language or caregiver.preferred_language
        conversation = actions.open_reply_conversation(caregiver, language)
        locked.conversation = conversation
        locked.language = language
        locked.detected_language = detection.language or ""
        locked.detection_confidence = detection.confidence if detection.language else None
        locked.save(
            update_fields=["conversation", "language", "detected_language", "detection_confidence"]
        )
        at = locked.created_at
        last = conversation.last_family_message_at
        conversation.last_family_message_at = max(last, at) if last is not None else at
        since = conversation.unanswered_since
        conversation.unanswered_since = min(since, at) if since is not None else at
        conversation.save(update_fields=["last_family_message_at", "unanswered_since"])
        actions.attach_reader_rendition(locked, conversation)
        address = locked.from_address
        if add_contact and address:
            if "@" in address:
                ContactPoint.objects.get_or_create(
                    caregiver=caregiver, kind=ContactPoint.Kind.EMAIL, value=address.lower()
                )
            elif address.startswith("+"):
                ContactPoint.objects.get_or_create(
                    caregiver=caregiver,
                    kind=ContactPoint.Kind.PHONE,
                    value=address,
                    defaults={"sms_capable": True},
                )
        notify_owner_of_reply(locked)
    return conversation


def do_dismiss_triage_message(*, by: Staff, message: Message) -> int:
    """Mark a triage message handled (spam, a wrong number): the row stays, with ``read_at``
    set, and leaves the waiting list. Returns 1, or 0 when it was already handled."""
    with transaction.atomic():
        return Message.objects.filter(
            pk=message.pk, conversation__isnull=True, read_at__isnull=True
        ).update(read_at=timezone.now())


# --- Follow-up flags ---------------------------------------------------------------------------


def _leaders_of(conversation: Conversation) -> list[int]:
    roles = StaffRole.objects.filter(staff__is_active=True)
    if conversation.school_id is not None:
        roles = roles.filter(role=Role.SCHOOL_LEADER, school_id=conversation.school_id)
    else:
        roles = roles.filter(
            role=Role.DISTRICT_ADMIN, staff__district_id=conversation.caregiver.district_id
        )
    return sorted(set(roles.values_list("staff_id", flat=True)))


def _flag(
    conversation: Conversation,
    since: datetime,
    field: str,
    now: datetime,
    notice: str,
    staff_ids: list[int],
    key: str,
) -> int:
    """Set one flag if it is still unset and the family still waits since ``since`` (one
    conditional UPDATE), and queue the notice only then; returns 1 when this call set it."""
    with transaction.atomic():
        updated = Conversation.objects.filter(
            pk=conversation.pk, unanswered_since=since, **{f"{field}__isnull": True}
        ).update(**{field: now})
        if updated:
            _enqueue_notice(notice, conversation.pk, staff_ids, key)
    return updated


def do_flag_unanswered(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Flag family messages waiting past their school's follow-up target; returns how many
    flags were set.

    1. Candidates: open conversations with a family message waiting and a flag still unset.
    2. For each, the school days waited (``inbox.school_days_between``, the district's time
       zone) against the school's ``follow_up_school_days`` (2 when there is no school).
    3. Past the target: ``flagged_owner_at`` is set by a conditional UPDATE (so two sweeps
       cannot both notify) and the owner is emailed — the school's leaders when nobody owns it.
    4. Past twice the target: ``flagged_leader_at`` likewise, and the school's leaders (the
       district admins for a conversation with no school) are emailed.
    A staff reply clears both flags (``actions.do_send_conversation_message``).
    """
    now = now or timezone.now()
    flagged = 0
    candidates = (
        Conversation.objects.filter(status=Conversation.Status.OPEN, unanswered_since__isnull=False)
        .filter(Q(flagged_owner_at__isnull=True) | Q(flagged_leader_at__isnull=True))
        # Fewer calendar days than school days cannot have passed: a school with a target of
        # one day or more needs a message older than a day (keeps the 30-second sweep cheap).
        .filter(
            Q(unanswered_since__lte=now - timedelta(days=1))
            | Q(school__follow_up_school_days=0, unanswered_since__lt=now)
        )
        .select_related("school", "caregiver__district")
        .order_by("unanswered_since", "pk")
    )
    # Oldest first: the overdue ones lead, so a limit never starves them.
    for conversation in candidates[:limit]:
        since = conversation.unanswered_since
        if since is None:  # filtered above; keeps the type checker honest
            continue
        target = follow_up_target(conversation.school)
        waited = school_days_between(since, now, conversation.caregiver.district.time_zone)
        key = f"{conversation.pk}-{since.timestamp()}"
        if waited > target and conversation.flagged_owner_at is None:
            owners = (
                [conversation.owner_id]
                if conversation.owner_id is not None
                else _leaders_of(conversation)
            )
            flagged += _flag(conversation, since, "flagged_owner_at", now, NOTICE_FLAG_OWNER,
                             owners, "o" + key)  # fmt: skip
        if waited > 2 * target and conversation.flagged_leader_at is None:
            flagged += _flag(conversation, since, "flagged_leader_at", now, NOTICE_FLAG_LEADER,
                             _leaders_of(conversation), "l" + key)  # fmt: skip
    return flagged


# --- Inbound email -----------------------------------------------------------------------------


def _triage_email(payload: InboundPayload, *, address: str, body: str) -> actions.InboundResult:
    detection = detect(body)
    with transaction.atomic():
        message = Message.objects.create(
            direction=Message.Direction.IN,
            kind=Message.Kind.REPLY,
            body=body,
            language=detection.language or "und",
            detected_language=detection.language or "",
            detection_confidence=detection.confidence if detection.language else None,
            from_address=address[:320],
            created_at=payload.received_at,
        )
    return actions.InboundResult(outcome="triage", message_id=message.pk)


def _receive_email(payload: InboundPayload) -> tuple[actions.InboundResult, int]:
    fields: dict[str, Any] = dict(payload.payload)
    address = email_inbound.sender_address(fields)
    if address is None:
        return actions.InboundResult(outcome="malformed"), 400
    body = email_inbound.reply_body(fields)
    if not body:
        return actions.InboundResult(outcome="malformed"), 400
    caregivers = email_inbound.caregivers_with_email(address)
    if not caregivers or fields.get(email_inbound.CHARSET_ERRORS_KEY):
        # Unknown sender, or text we could not decode faithfully: a person looks at it.
        return _triage_email(payload, address=address, body=body), 200
    known = inbound.languages_of(caregivers)
    with transaction.atomic():
        message = actions.thread_family_message(
            caregiver=caregivers[0], body=body, known=known, received_at=payload.received_at
        )
    return actions.InboundResult(outcome="reply", message_id=message.pk), 200


def do_receive_email(*, payload: InboundPayload) -> tuple[actions.InboundResult, int]:
    """Process a stored inbound email (SendGrid Inbound Parse fields, already decoded with
    their ``charsets``); returns what was done and the HTTP status to answer.

    1. No sender address in ``from`` (or the envelope): "malformed", 400 (payload kept).
    2. The reply's own words (quoted text and signature removed; the subject when nothing is
       left); none at all: "malformed", 400.
    3. A sender no caregiver has, or text that did not decode in its declared charset: a triage
       Message with the address in ``from_address``, 200.
    4. Otherwise a reply threaded exactly like an SMS (``actions.thread_family_message``), 200.
    A processing error is recorded on the payload and answered 200 (a 5xx makes SendGrid retry
    a message that would fail again; the payload can be processed again by hand).
    """
    try:
        result, status = _receive_email(payload)
    except Exception as exc:
        log.exception("inbound email payload %s failed", payload.pk)
        result, status = actions.InboundResult(outcome="error"), 200
        actions._finish_payload(payload, result, error=f"{type(exc).__name__}: {exc}")
        return result, status
    actions._finish_payload(payload, result)
    return result, status
