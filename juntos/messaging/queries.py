"""Reads of messaging data, already scoped to what the signed-in staff member may see.

A conversation is visible to a staff member who may see its caregiver (``people.queries``: the
teacher of one of the caregiver's children, the school's leader, counselor and liaisons, the
district admin) and always to its owner. Messages and deliveries follow their conversation, or,
for announcements, their announcement (visible to its author, to the school's leaders and
liaisons, and to the district admin). Triage (replies from numbers no caregiver has) is read by
the district admin and by school leaders and liaisons: a message from an unknown number
belongs to no school yet.

``access_*`` helpers raise 404 for rows outside the scope and write an audit entry.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from juntos.messaging.models import Announcement, Conversation, Delivery, Message
from juntos.people import actions as people_actions
from juntos.people.models import AuditEntry, Role
from juntos.people.queries import caregivers_for, scope_for

TRIAGE_ROLES = (Role.SCHOOL_LEADER, Role.LIAISON)


def conversations_for(user: Any) -> QuerySet[Conversation]:
    scope = scope_for(user)
    if scope.staff is None:
        return Conversation.objects.none()
    base = Conversation.objects.filter(caregiver__district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    visible = caregivers_for(user).filter(pk=OuterRef("caregiver_id"))
    return base.filter(Q(owner=scope.staff) | Q(Exists(visible)))


def announcements_for(user: Any) -> QuerySet[Announcement]:
    scope = scope_for(user)
    if scope.staff is None:
        return Announcement.objects.none()
    base = Announcement.objects.filter(district_id=scope.staff.district_id)
    if scope.is_district_admin:
        return base
    school_ids = scope.family_school_ids
    return base.filter(Q(author=scope.staff) | Q(school_id__in=school_ids))


def messages_for(user: Any) -> QuerySet[Message]:
    """Messages of visible conversations and announcements (triage excluded: see below)."""
    return Message.objects.filter(
        Q(conversation__in=conversations_for(user)) | Q(announcement__in=announcements_for(user))
    )


def may_read_triage(user: Any) -> bool:
    return scope_for(user).has_role(*TRIAGE_ROLES)


def triage_for(user: Any) -> QuerySet[Message]:
    """Inbound messages from numbers no caregiver has, newest first."""
    scope = scope_for(user)
    if scope.staff is None or not may_read_triage(user):
        return Message.objects.none()
    return Message.objects.filter(
        conversation__isnull=True,
        announcement__isnull=True,
        direction=Message.Direction.IN,
    ).order_by("-created_at", "-pk")


def deliveries_for(user: Any) -> QuerySet[Delivery]:
    return Delivery.objects.filter(message__in=messages_for(user))


def access_conversation(user: Any, conversation_id: int, *, context: str) -> Conversation:
    conversation = (
        conversations_for(user)
        .filter(pk=conversation_id)
        .select_related("caregiver", "student", "school", "owner")
        .first()
    )
    if conversation is None:
        raise Http404("No such conversation")
    people_actions.do_record_access(
        actor=user, action=AuditEntry.Action.VIEW, obj=conversation.caregiver, context=context
    )
    return conversation


def access_announcement(user: Any, announcement_id: int) -> Announcement:
    announcement = announcements_for(user).filter(pk=announcement_id).first()
    if announcement is None:
        raise Http404("No such announcement")
    return announcement
