"""Staff pages of the human translation queue and of rendition review (docs/translation.md).

Who may use them: liaisons and district admins (``queries.may_use_queue``); any other staff
member gets 403, anyone signed out goes to sign-in. Inside, every row comes from the scoped
queries (a request or a rendition outside the person's scope is 404) and every change goes
through an action, which checks again on the locked row.

Each view: parse → ``access_*`` → ``do_*`` → TemplateResponse (or a redirect after a POST).
A refused text is shown again with the error, so nothing the translator typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.language import actions, queries, registry
from juntos.language.models import HumanTranslationRequest
from juntos.people.models import Staff
from juntos.people.queries import scope_for
from juntos.people.views import staff_required

View = Callable[..., HttpResponse]
MAX_TEXT = 20_000
REVIEW_PAGE = 50


def translator_required(view: View) -> View:
    """Signed-in liaisons and district admins; other staff 403."""

    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.may_use_queue(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _language(tag: str) -> registry.Language | None:
    try:
        return registry.get(tag)
    except registry.InvalidLanguage:
        return None


def _conversations_of(items: list[HumanTranslationRequest]) -> dict[int, int | None]:
    """The conversation of each waiting message, in one query (message id → conversation id).

    Messaging is imported here, not at the top: messaging imports this app.
    """
    from juntos.messaging.models import Message

    ids = [
        int(i.waiting_id) for i in items if i.waiting_kind == "message" and i.waiting_id.isdigit()
    ]
    if not ids:
        return {}
    return dict(Message.objects.filter(pk__in=ids).values_list("pk", "conversation_id"))


def _waiting(item: HumanTranslationRequest, conversations: dict[int, int | None]) -> dict[str, Any]:
    """What is held until this translation exists, and the page where it can be read.

    The family's name is never shown here: a district-wide request is seen by liaisons of other
    schools, and the conversation page itself checks who may open it.
    """
    if item.waiting_kind == "announcement" and item.waiting_id.isdigit():
        return {
            "label": _("Announcement %(id)s") % {"id": item.waiting_id},
            "url": reverse(
                "messaging:announcement_detail", kwargs={"announcement_id": int(item.waiting_id)}
            ),
        }
    if item.waiting_kind == "message" and item.waiting_id.isdigit():
        conversation = conversations.get(int(item.waiting_id))
        return {
            "label": _("Message %(id)s to one family") % {"id": item.waiting_id},
            "url": reverse("messaging:conversation", kwargs={"conversation_id": conversation})
            if conversation is not None
            else "",
        }
    if item.template_key:
        return {"label": _("Message template %(key)s") % {"key": item.template_key}, "url": ""}
    return {"label": _("Nothing waits: the next message will use it"), "url": ""}


def _row(
    item: HumanTranslationRequest,
    user: Any,
    now: Any,
    conversations: dict[int, int | None],
) -> dict[str, Any]:
    staff = scope_for(user).staff
    return {
        "item": item,
        "source": _language(item.source_language),
        "target": _language(item.target_language),
        "overdue": item.is_pending and item.due_at is not None and item.due_at < now,
        "waiting": _waiting(item, conversations),
        "mine": staff is not None and item.assigned_to_id == staff.pk,
        "can_translate": item.is_pending and queries.can_translate_request(user, item),
    }


@require_GET
@translator_required
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    pending = (
        queries.list_human_requests(request.user, statuses=queries.PENDING)
        .select_related("requested_by", "assigned_to")
        .order_by("due_at", "created_at", "pk")
    )
    items = list(pending)
    conversations = _conversations_of(items)
    rows = [_row(item, request.user, now, conversations) for item in items]
    context = {
        "mine": [row for row in rows if row["mine"]],
        "others": [row for row in rows if not row["mine"]],
        "now": now,
    }
    return TemplateResponse(request, "language/queue.html", context)


def _request_page(
    request: HttpRequest,
    item: HumanTranslationRequest,
    *,
    text: str = "",
    error: str = "",
    status: int = 200,
) -> TemplateResponse:
    scope = scope_for(request.user)
    speakers: list[Staff] = []
    if scope.is_district_admin and item.is_pending:
        speakers = [
            member
            for member in Staff.objects.filter(
                district_id=item.district_id, is_active=True
            ).order_by("given_name", "family_name", "pk")
            if queries.speaks(member, item.target_language)
        ]
    context = {
        **_row(item, request.user, timezone.now(), _conversations_of([item])),
        "text": text or item.result_text,
        "error": error,
        "speakers": speakers,
        "is_district_admin": scope.is_district_admin,
    }
    return TemplateResponse(request, "language/request.html", context, status=status)


@require_GET
@translator_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_human_request(request.user, request_id)
    return _request_page(request, item)


@require_POST
@translator_required
def claim(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_human_request(request.user, request_id)
    try:
        actions.do_claim_human_translation(request=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request is yours: write the translation below."))
    return redirect("language:request", request_id=item.pk)


@require_POST
@translator_required
def translate(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_human_request(request.user, request_id)
    text = request.POST.get("text", "")
    if len(text) > MAX_TEXT:
        return _request_page(
            request,
            item,
            text=text[:MAX_TEXT],
            error=_("The translation is too long (at most %(n)s characters).") % {"n": MAX_TEXT},
            status=400,
        )
    try:
        actions.do_complete_human_translation(request=item, text=text, by=request.user)
    except ValidationError as error:
        return _request_page(request, item, text=text, error=" ".join(error.messages), status=400)
    messages.success(
        request,
        _("Thank you: the translation is saved, and what waited for it is on its way."),
    )
    return redirect("language:queue")


@require_POST
@translator_required
def decline(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_human_request(request.user, request_id)
    try:
        actions.do_decline_human_translation(request=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("language:request", request_id=item.pk)
    messages.success(request, _("The request was given back."))
    return redirect("language:queue")


@require_POST
@translator_required
def assign(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_human_request(request.user, request_id)
    staff_id = request.POST.get("staff", "")
    staff = (
        Staff.objects.filter(pk=int(staff_id), district_id=item.district_id).first()
        if staff_id.isdigit()
        else None
    )
    if staff is None:
        return _request_page(request, item, error=_("Choose who should translate it."), status=400)
    try:
        actions.do_assign_human_translation(request=item, staff=staff, by=request.user)
    except ValidationError as error:
        return _request_page(request, item, error=" ".join(error.messages), status=400)
    messages.success(request, _("Assigned to %(name)s.") % {"name": staff.display_name})
    return redirect("language:request", request_id=item.pk)


# --- Review what families received ------------------------------------------------------------


@require_GET
@translator_required
def review_list(request: HttpRequest) -> HttpResponse:
    renditions = list(queries.list_renditions_to_review(request.user)[:REVIEW_PAGE])
    rows = [
        {
            "rendition": rendition,
            "language": _language(rendition.language),
            "translation": str(rendition.details.get("text", rendition.text)),
        }
        for rendition in renditions
    ]
    return TemplateResponse(request, "language/review.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@translator_required
def review_rendition(request: HttpRequest, rendition_id: int) -> HttpResponse:
    from juntos.messaging.actions import do_review_message_rendition

    rendition = queries.access_rendition_to_review(request.user, rendition_id)
    translation = str(rendition.details.get("text", rendition.text))
    text = translation
    error = ""
    if request.method == "POST":
        correcting = request.POST.get("action") == "correct"
        text = request.POST.get("text", "")[:MAX_TEXT]
        try:
            do_review_message_rendition(
                rendition=rendition, by=request.user, text=text if correcting else None
            )
        except (ValidationError, PermissionDenied) as problem:
            error = (
                " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)
            )
        else:
            messages.success(
                request,
                _("Correction saved: the next message with this text will use it.")
                if correcting
                else _("Marked as checked."),
            )
            return redirect("language:review_list")
    context = {
        "rendition": rendition,
        "language": _language(rendition.language),
        "translation": translation,
        "text": text,
        "error": error,
        "already_sent": rendition.message.deliveries.filter(
            language=rendition.language, status__in=["sending", "sent", "delivered", "failed"]
        ).exists(),
    }
    return TemplateResponse(
        request, "language/rendition.html", context, status=400 if error else 200
    )
