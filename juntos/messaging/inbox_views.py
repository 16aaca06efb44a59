"""The staff inbox, a conversation's page, and triage: parse → access_* → do_* → response.

Every page works without JavaScript (plain GET forms and POST forms that redirect); htmx only
swaps the inbox's results and the reply's segment count in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from juntos.language import registry
from juntos.messaging import actions, inbox, inbox_actions, queries
from juntos.messaging.inbox_forms import (
    InboxFilterForm,
    ReassignForm,
    ReplyForm,
    StatusForm,
    TriageMatchForm,
)
from juntos.messaging.models import Conversation, Delivery, Message, MessageRendition
from juntos.messaging.segments import SegmentInfo, count_segments
from juntos.people import queries as people_queries
from juntos.people.models import Staff
from juntos.people.views import staff_required


def _staff(request: HttpRequest) -> Staff:
    staff = people_queries.scope_for(request.user).staff
    if staff is None:  # staff_required let the request in: a staff record exists
        raise PermissionDenied
    return staff


# --- The inbox ---------------------------------------------------------------------------------


@require_GET
@staff_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None, choices=inbox.filter_choices(request.user))
    filters = form.filters()
    context = {
        "form": form,
        "filters": filters,
        "counts": inbox.inbox_counts(request.user, filters),
        "rows": inbox.inbox_rows(request.user, filters),
        "page_size": inbox.PAGE_SIZE,
        "may_read_triage": queries.may_read_triage(request.user),
    }
    template = "messaging/inbox.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return TemplateResponse(request, template, context)


# --- One conversation --------------------------------------------------------------------------


@dataclass
class ThreadItem:
    """One message of the thread as the page shows it."""

    message: Message
    language: registry.Language
    # Family messages: the rendition in the owner's language. Staff messages: what the family got.
    rendition: MessageRendition | None
    rendition_language: registry.Language | None
    needs_human: bool
    held: bool
    deliveries: list[Delivery]
    # Staff messages sent by SMS: the segments of the text the family received.
    segments: SegmentInfo | None = None

    @property
    def is_family(self) -> bool:
        return self.message.direction == Message.Direction.IN

    @property
    def is_note(self) -> bool:
        return self.message.kind == Message.Kind.SYSTEM


def _thread(conversation: Conversation) -> list[ThreadItem]:
    reader = inbox.owner_language(
        conversation.owner, conversation.caregiver.district.default_language
    )
    rows = (
        Message.objects.filter(conversation=conversation)
        .select_related("author")
        .prefetch_related(
            Prefetch("renditions", queryset=MessageRendition.objects.order_by("pk")),
            Prefetch("deliveries", queryset=Delivery.objects.order_by("pk")),
        )
        .order_by("created_at", "pk")
    )
    items = []
    for message in rows:
        renditions = list(message.renditions.all())
        deliveries = list(message.deliveries.all())
        chosen: MessageRendition | None = None
        if message.direction == Message.Direction.IN:
            chosen = next((r for r in renditions if r.language == reader), None)
        elif deliveries:
            chosen = next((r for r in renditions if r.language == deliveries[0].language), None)
        if chosen is None and message.direction == Message.Direction.OUT and renditions:
            chosen = renditions[0]
        details = dict(chosen.details or {}) if chosen is not None else {}
        items.append(
            ThreadItem(
                message=message,
                language=registry.get(message.language or "und"),
                rendition=chosen,
                rendition_language=registry.get(chosen.language) if chosen is not None else None,
                needs_human=bool(details.get("needs_human")),
                held=bool(details.get("held")),
                deliveries=deliveries,
                segments=(
                    count_segments(chosen.text)
                    if chosen is not None and any(d.channel == "sms" for d in deliveries)
                    else None
                ),
            )
        )
    return items


def _conversation_context(
    request: HttpRequest, conversation: Conversation, reply_form: ReplyForm | None = None
) -> dict[str, Any]:
    reply_form = reply_form or ReplyForm()
    typed = reply_form.data.get("body", "") if reply_form.is_bound else ""
    return {
        "conversation": conversation,
        "caregiver": conversation.caregiver,
        "family_language": registry.get(conversation.caregiver.preferred_language),
        "thread": _thread(conversation),
        "reply_form": reply_form,
        "segments": count_segments(typed),
        "candidates": inbox.reassignment_candidates(conversation),
        "status_form": StatusForm(),
        "target": inbox.follow_up_target(conversation.school),
        "may_read_triage": queries.may_read_triage(request.user),
    }


@require_GET
@staff_required
def conversation_page(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = queries.access_conversation(request.user, conversation_id, context=request.path)
    inbox_actions.do_mark_conversation_read(by=_staff(request), conversation=conversation)
    return TemplateResponse(
        request, "messaging/conversation.html", _conversation_context(request, conversation)
    )


@require_GET
@staff_required
def reply_segments(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The segment count of the reply being typed (an htmx partial of the conversation page)."""
    queries.access_conversation(request.user, conversation_id, context=request.path)
    body = request.GET.get("body", "")[: 4 * ReplyForm.base_fields["body"].max_length]  # type: ignore[attr-defined]
    return TemplateResponse(
        request, "messaging/conversation.html#segments", {"segments": count_segments(body)}
    )


def _back(conversation_id: int) -> HttpResponse:
    return redirect(reverse("messaging:conversation", args=[conversation_id]))


@require_POST
@staff_required
def reply(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = queries.access_conversation(request.user, conversation_id, context=request.path)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        # Nothing is lost: the page comes back with the typed text and the reason.
        context = _conversation_context(request, conversation, reply_form=form)
        return TemplateResponse(request, "messaging/conversation.html", context, status=400)
    actions.do_send_conversation_message(
        by=_staff(request), conversation=conversation, body=form.cleaned_data["body"]
    )
    flash.success(request, _("Your reply is on its way."))
    return redirect(reverse("messaging:conversation", args=[conversation_id]) + "#latest")


@require_POST
@staff_required
def reassign(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = queries.access_conversation(request.user, conversation_id, context=request.path)
    form = ReassignForm(request.POST)
    candidates = {c.staff.pk: c.staff for c in inbox.reassignment_candidates(conversation)}
    owner = candidates.get(form.cleaned_data["owner"]) if form.is_valid() else None
    if owner is None:
        flash.error(request, _("Choose a staff member of this school who can see this family."))
        return _back(conversation_id)
    try:
        inbox_actions.do_reassign_conversation(
            by=_staff(request), conversation=conversation, owner=owner
        )
    except inbox_actions.InboxError as error:
        flash.error(request, str(error))
        return _back(conversation_id)
    flash.success(request, _("%(name)s now owns this conversation.") % {"name": owner.display_name})
    return _back(conversation_id)


@require_POST
@staff_required
def take(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Make the signed-in staff member the owner (from triage: "take it")."""
    conversation = queries.access_conversation(request.user, conversation_id, context=request.path)
    me = _staff(request)
    try:
        inbox_actions.do_reassign_conversation(by=me, conversation=conversation, owner=me)
    except inbox_actions.InboxError as error:
        flash.error(request, str(error))
        return redirect("messaging:triage")
    flash.success(request, _("This conversation is now yours."))
    return _back(conversation_id)


@require_POST
@staff_required
def set_status(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = queries.access_conversation(request.user, conversation_id, context=request.path)
    form = StatusForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Choose open or closed."))
        return _back(conversation_id)
    inbox_actions.do_set_conversation_status(
        by=_staff(request), conversation=conversation, status=form.cleaned_data["status"]
    )
    if form.cleaned_data["status"] == Conversation.Status.CLOSED:
        flash.success(request, _("Conversation closed."))
    else:
        flash.success(request, _("Conversation reopened."))
    return _back(conversation_id)


# --- Triage ------------------------------------------------------------------------------------


def _require_triage(request: HttpRequest) -> None:
    if not queries.may_read_triage(request.user):
        raise PermissionDenied


def _triage_message(request: HttpRequest, message_id: int) -> Message:
    message = inbox.triage_messages(request.user).filter(pk=message_id).first()
    if message is None:
        raise Http404("No such message waiting in triage")
    return message


@require_GET
@staff_required
def triage_page(request: HttpRequest) -> HttpResponse:
    _require_triage(request)
    waiting = list(inbox.triage_messages(request.user)[: inbox.PAGE_SIZE])
    matching: int | None = None
    query = request.GET.get("q", "").strip()[:100]
    candidates: list[Any] = []
    raw_match = request.GET.get("match", "")
    if raw_match.isdigit() and any(m.pk == int(raw_match) for m in waiting):
        matching = int(raw_match)
        if query:
            candidates = list(
                people_queries.find_caregivers(request.user, query, context=request.path, limit=20)
            )
    context = {
        "waiting": waiting,
        "handled": list(inbox.triage_messages(request.user, handled=True)[:20]),
        "unowned": list(inbox.unowned_conversations(request.user)[: inbox.PAGE_SIZE]),
        "matching": matching,
        "query": query,
        "candidates": candidates,
        "match_form": TriageMatchForm(),
    }
    template = "messaging/triage.html"
    if request.htmx and matching is not None:  # type: ignore[attr-defined]
        template += "#candidates"
    return TemplateResponse(request, template, context)


@require_POST
@staff_required
def triage_match(request: HttpRequest, message_id: int) -> HttpResponse:
    _require_triage(request)
    message = _triage_message(request, message_id)
    form = TriageMatchForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Choose a family to move this message to."))
        return redirect("messaging:triage")
    caregiver = people_queries.access_caregiver(
        request.user, form.cleaned_data["caregiver"], context=request.path
    )
    try:
        conversation = inbox_actions.do_move_triage_message(
            by=_staff(request),
            message=message,
            caregiver=caregiver,
            add_contact=form.cleaned_data["add_contact"],
        )
    except inbox_actions.InboxError as error:
        flash.error(request, str(error))
        return redirect("messaging:triage")
    flash.success(
        request,
        _("The message is now in the conversation with %(name)s.")
        % {"name": caregiver.display_name},
    )
    return _back(conversation.pk)


@require_POST
@staff_required
def triage_dismiss(request: HttpRequest, message_id: int) -> HttpResponse:
    _require_triage(request)
    message = _triage_message(request, message_id)
    inbox_actions.do_dismiss_triage_message(by=_staff(request), message=message)
    flash.success(request, _("Message marked as handled."))
    return redirect("messaging:triage")
