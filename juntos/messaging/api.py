"""JSON API for messaging (django-ninja): conversations, messages, announcement deliveries.

Thin, like ``people.api``: every row comes from ``messaging.queries`` (scoped to the signed-in
staff member; a row outside the scope is 404, never 403, so its existence is not revealed), and
every family record shown is written to the audit trail.

Addresses. A delivery's ``to`` (a phone number or an email address) is a caregiver's contact:
it is given only when the user may see that caregiver's record (``people.queries.
caregivers_for``, the rule ``GET /api/caregivers/{id}`` uses to show contacts), and is null
otherwise. The owner of a conversation about a family outside their own scope, or the author of
an announcement to a school where they hold no school-wide role, sees statuses but no address.

The delivery report of an announcement gives exact counts by status x language x channel, with
no small-group suppression: it describes one message to its own sender and the people who
oversee it, who need to know that the one Somali family was not reached (docs/messaging.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from juntos.language import registry
from juntos.messaging import queries
from juntos.messaging.models import Conversation, Delivery, Message, MessageRendition
from juntos.people import actions as people_actions
from juntos.people.models import AuditEntry
from juntos.people.queries import Scope, caregivers_for, scope_for

router = Router(tags=["messaging"], auth=django_auth)

MAX_LIMIT = 200


class ConversationOut(Schema):
    id: int
    caregiver_id: int
    caregiver_name: str
    caregiver_language: str
    student_id: int | None
    school_id: int | None
    owner_id: int | None
    owner_name: str | None
    status: str
    last_family_message_at: datetime | None
    last_staff_message_at: datetime | None
    unanswered_since: datetime | None
    created_at: datetime


class RenditionOut(Schema):
    language: str
    text: str
    method: str
    status: str
    reviewer: str | None
    machine_notice: bool


class DeliveryOut(Schema):
    id: int
    caregiver_id: int
    channel: str
    # Null unless the user may see this caregiver's contacts (see the module docstring).
    to: str | None
    language: str
    status: str
    skip_reason: str
    attempts: int
    provider_id: str
    created_at: datetime
    updated_at: datetime


class MessageOut(Schema):
    id: int
    conversation_id: int | None
    announcement_id: int | None
    direction: str
    kind: str
    author: str | None
    body: str
    language: str
    detected_language: str
    detection_confidence: float | None
    created_at: datetime
    renditions: list[RenditionOut]
    # An announcement's deliveries (one per family) are read page by page from
    # /api/announcements/{id}/deliveries, not here.
    deliveries: list[DeliveryOut]


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]


class DeliveryCountOut(Schema):
    status: str
    language: str
    channel: str
    count: int


class AnnouncementDeliveriesOut(Schema):
    announcement_id: int
    total: int
    summary: list[DeliveryCountOut]
    limit: int
    offset: int
    deliveries: list[DeliveryOut]


def _require_staff(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.is_staff_member:
        raise HttpError(403, "Only staff may use this API.")
    return scope


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, offset)


def _name(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.get_username())


def _conversation_out(conversation: Conversation) -> dict[str, Any]:
    caregiver = conversation.caregiver
    return {
        "id": conversation.pk,
        "caregiver_id": caregiver.pk,
        "caregiver_name": caregiver.display_name,
        "caregiver_language": caregiver.preferred_language,
        "student_id": conversation.student_id,
        "school_id": conversation.school_id,
        "owner_id": conversation.owner_id,
        "owner_name": conversation.owner.display_name if conversation.owner else None,
        "status": conversation.status,
        "last_family_message_at": conversation.last_family_message_at,
        "last_staff_message_at": conversation.last_staff_message_at,
        "unanswered_since": conversation.unanswered_since,
        "created_at": conversation.created_at,
    }


def _with_visible_address(deliveries: QuerySet[Delivery], user: Any) -> QuerySet[Delivery]:
    """Annotate each row with whether the user may see its caregiver's contacts."""
    visible = caregivers_for(user).filter(pk=OuterRef("caregiver_id"))
    return deliveries.annotate(address_visible=Exists(visible))


def _delivery_out(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "caregiver_id": delivery.caregiver_id,
        "channel": delivery.channel,
        "to": delivery.to if getattr(delivery, "address_visible", False) else None,
        "language": delivery.language,
        "status": delivery.status,
        "skip_reason": delivery.skip_reason,
        "attempts": delivery.attempts,
        "provider_id": delivery.provider_id,
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
    }


def _message_out(message: Message, deliveries: list[Delivery]) -> dict[str, Any]:
    return {
        "id": message.pk,
        "conversation_id": message.conversation_id,
        "announcement_id": message.announcement_id,
        "direction": message.direction,
        "kind": message.kind,
        "author": message.author.display_name if message.author else None,
        "body": message.body,
        "language": message.language,
        "detected_language": message.detected_language,
        "detection_confidence": message.detection_confidence,
        "created_at": message.created_at,
        "renditions": [
            {
                "language": r.language,
                "text": r.text,
                "method": r.method,
                "status": r.status,
                "reviewer": _name(r.reviewer),
                "machine_notice": r.machine_notice,
            }
            for r in message.renditions.all()
        ],
        "deliveries": [_delivery_out(d) for d in deliveries],
    }


def _messages_with_details(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("author").prefetch_related(
        Prefetch(
            "renditions",
            queryset=MessageRendition.objects.select_related("reviewer").order_by("language"),
        )
    )


def _conversation_deliveries(message_ids: list[int], user: Any) -> dict[int, list[Delivery]]:
    rows = _with_visible_address(
        Delivery.objects.filter(message_id__in=message_ids, message__announcement__isnull=True),
        user,
    ).order_by("pk")
    grouped: dict[int, list[Delivery]] = {}
    for row in rows:
        grouped.setdefault(row.message_id, []).append(row)
    return grouped


@router.get("/conversations", response=list[ConversationOut])
def list_conversations(
    request: HttpRequest,
    owner: str = "",
    unanswered: bool = False,
    school: int | None = None,
    language: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Conversations the user may open, the longest unanswered first, then the newest.

    ``owner=me``: only those the user owns; ``unanswered=true``: a family message waits for a
    staff reply; ``school``: a school's id; ``language``: the caregiver's preferred language.
    """
    scope = _require_staff(request)
    limit, offset = _page(limit, offset)
    rows = queries.conversations_for(request.user).select_related("caregiver", "owner")
    if owner == "me":
        rows = rows.filter(owner=scope.staff)
    elif owner:
        raise HttpError(422, "owner can only be 'me'.")
    if unanswered:
        rows = rows.filter(unanswered_since__isnull=False)
    if school is not None:
        rows = rows.filter(school_id=school)
    if language:
        try:
            tag = registry.normalize(language)
        except registry.InvalidLanguage as error:
            raise HttpError(422, f"Unknown language: {language[:35]!r}.") from error
        rows = rows.filter(caregiver__preferred_language=tag)
    page = list(
        rows.order_by(F("unanswered_since").asc(nulls_last=True), "-created_at", "-pk")[
            offset : offset + limit
        ]
    )
    people_actions.do_record_access_many(
        actor=request.user,
        action=AuditEntry.Action.SEARCH,
        object_type="caregiver",
        ids=[c.caregiver_id for c in page],
        context=f"api {request.path}",
    )
    return [_conversation_out(c) for c in page]


@router.get("/conversations/{conversation_id}", response=ConversationDetailOut)
def get_conversation(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    _require_staff(request)
    conversation = queries.access_conversation(
        request.user, conversation_id, context=f"api {request.path}"
    )
    messages = list(
        _messages_with_details(conversation.messages.all()).order_by("created_at", "pk")
    )
    deliveries = _conversation_deliveries([m.pk for m in messages], request.user)
    return {
        **_conversation_out(conversation),
        "messages": [_message_out(m, deliveries.get(m.pk, [])) for m in messages],
    }


@router.get("/messages/{message_id}", response=MessageOut)
def get_message(request: HttpRequest, message_id: int) -> dict[str, Any]:
    _require_staff(request)
    message = _messages_with_details(queries.messages_for(request.user)).filter(pk=message_id)
    found = message.select_related("conversation__caregiver").first()
    if found is None:
        raise HttpError(404, "No such message")
    if found.conversation is not None:
        people_actions.do_record_access(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            obj=found.conversation.caregiver,
            context=f"api {request.path}",
        )
    deliveries = _conversation_deliveries([found.pk], request.user)
    return _message_out(found, deliveries.get(found.pk, []))


@router.get("/announcements/{announcement_id}/deliveries", response=AnnouncementDeliveriesOut)
def announcement_deliveries(
    request: HttpRequest, announcement_id: int, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """One announcement's delivery report: counts by status x language x channel, and its
    rows page by page (``limit``, ``offset``), in the order they were written."""
    _require_staff(request)
    limit, offset = _page(limit, offset)
    announcement = queries.access_announcement(request.user, announcement_id)
    rows = Delivery.objects.filter(message__announcement=announcement)
    summary = [
        {
            "status": row["status"],
            "language": row["language"],
            "channel": row["channel"],
            "count": row["count"],
        }
        for row in rows.values("status", "language", "channel")
        .annotate(count=Count("pk"))
        .order_by("status", "language", "channel")
    ]
    page = list(_with_visible_address(rows, request.user).order_by("pk")[offset : offset + limit])
    people_actions.do_record_access_many(
        actor=request.user,
        action=AuditEntry.Action.SEARCH,
        object_type="caregiver",
        ids=[d.caregiver_id for d in page],
        context=f"api {request.path}",
    )
    return {
        "announcement_id": announcement.pk,
        "total": sum(int(item["count"]) for item in summary),
        "summary": summary,
        "limit": limit,
        "offset": offset,
        "deliveries": [_delivery_out(d) for d in page],
    }
