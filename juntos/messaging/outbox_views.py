"""The local outbox page: what the embedded default "sent" (docs/channels.md, DESIGN.md §7).

With no provider configured every channel stores its message as an ``OutboxEntry``; this page
is the demo's "sent" view. An entry has no caregiver column: it is joined back to its
``Delivery`` through the idempotency key (the worker hands the adapter the delivery's key), and
scoped like deliveries (``queries.deliveries_for``): the district admin sees the district's,
other staff the entries to families they may see. An entry with no delivery behind it belongs
to no family anyone can be scoped to, and is not shown.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from juntos.language import registry
from juntos.messaging.models import Delivery, MessageRendition, OutboxEntry
from juntos.messaging.notes_views import conversation_url
from juntos.messaging.queries import deliveries_for
from juntos.people import actions as people_actions
from juntos.people.models import AuditEntry
from juntos.people.views import staff_required

PER_PAGE = 50


def outbox_for(user: Any) -> QuerySet[OutboxEntry]:
    visible = deliveries_for(user).filter(idempotency_key=OuterRef("idempotency_key"))
    return OutboxEntry.objects.filter(Exists(visible)).order_by("-created_at", "-pk")


@require_GET
@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    entries = outbox_for(request.user)
    channel = request.GET.get("channel", "")
    if channel:
        entries = entries.filter(channel=channel)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    deliveries = {
        d.idempotency_key: d
        for d in Delivery.objects.filter(
            idempotency_key__in=[e.idempotency_key for e in shown]
        ).select_related("message__conversation__student", "caregiver")
    }
    renditions = {
        (r.message_id, r.language): r
        for r in MessageRendition.objects.filter(
            message_id__in={d.message_id for d in deliveries.values()}
        ).select_related("reviewer")
    }
    rows = []
    for entry in shown:
        delivery = deliveries.get(entry.idempotency_key)
        rendition = renditions.get((delivery.message_id, delivery.language)) if delivery else None
        details = rendition.details if rendition else {}
        conversation = delivery.message.conversation if delivery else None
        rows.append(
            {
                "entry": entry,
                "delivery": delivery,
                "language": registry.get(entry.language),
                "rendition": rendition,
                "needs_human": bool(details.get("needs_human")),
                "sentence": details.get("sentence") or None,
                "message": delivery.message if delivery else None,
                "student": conversation.student if conversation else None,
                "conversation_url": conversation_url(conversation.pk if conversation else None),
            }
        )
    people_actions.do_record_access_many(
        actor=request.user,
        action=AuditEntry.Action.SEARCH,
        object_type="caregiver",
        ids=sorted({d.caregiver_id for d in deliveries.values()}),
        context=request.path,
    )
    channels = sorted(
        outbox_for(request.user).order_by().values_list("channel", flat=True).distinct()
    )
    context = {"page": page, "rows": rows, "channel": channel, "channels": channels}
    return TemplateResponse(request, "messaging/outbox.html", context)
