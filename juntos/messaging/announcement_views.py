"""Staff pages for announcements: list, compose, preview, send, live report; saved lists;
paper batches; the liaison call list.

Each view: parse → ``access_*`` / scoped query → ``do_*`` action → TemplateResponse or partial.
Who may address, print and call is decided in ``announcement_queries`` and re-checked by the
actions, never by the templates (docs/messaging.md, "Announcements").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.language import registry
from juntos.messaging import actions
from juntos.messaging import announcement_queries as aq
from juntos.messaging.channels.paper import render_letters
from juntos.messaging.models import Announcement, Delivery
from juntos.messaging.queries import access_announcement, announcements_for
from juntos.people import actions as people_actions
from juntos.people.models import AuditEntry, District, Staff
from juntos.people.queries import access_caregiver, find_caregivers, scope_for
from juntos.people.views import staff_required

DONE = (Delivery.Status.SENT, Delivery.Status.DELIVERED)


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    if staff is None:  # staff_required has let only staff through
        raise PermissionDenied
    return staff


def _audit(request: HttpRequest, caregiver_ids: list[int]) -> None:
    """Record the families a page names (the people queries do the same for their lists)."""
    if caregiver_ids:
        people_actions.do_record_access_many(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            object_type="caregiver",
            ids=sorted(set(caregiver_ids)),
            context=request.path,
        )


def _district(staff: Staff) -> District:
    return District.objects.get(pk=staff.district_id)


# --- Announcements ---------------------------------------------------------------------------


@require_GET
@staff_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    announcements = (
        announcements_for(request.user)
        .select_related("author", "school")
        .annotate(
            total=Count("messages__deliveries"),
            done=Count("messages__deliveries", filter=Q(messages__deliveries__status__in=DONE)),
            problems=Count(
                "messages__deliveries",
                filter=Q(messages__deliveries__status__in=aq.PROBLEM_STATUSES),
            ),
        )
        .order_by("-created_at", "-pk")[:200]
    )
    rows = [(a, aq.audience_label(a)) for a in announcements]
    return TemplateResponse(request, "messaging/announcement_list.html", {"rows": rows})


def _compose_defaults(staff: Staff) -> dict[str, Any]:
    languages = [str(tag) for tag in staff.languages or []]
    source = languages[0] if languages else staff.district.default_language
    return {
        "audience": "",
        "subject": "",
        "body": "",
        "source_language": registry.normalize(source),
        "emergency": False,
        "when": "now",
        "scheduled_for": "",
    }


def _parse_local(value: str, time_zone: str) -> datetime | None:
    """A ``datetime-local`` value read in the district's time zone (None when unreadable)."""
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(time_zone))


@require_http_methods(["GET", "POST"])
@staff_required
def announcement_new(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    district = _district(staff)
    values = _compose_defaults(staff)
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        values = {
            "audience": post.get("audience", ""),
            "subject": post.get("subject", ""),
            "body": post.get("body", ""),
            "source_language": post.get("source_language", ""),
            "emergency": post.get("emergency") == "on",
            "when": "later" if post.get("when") == "later" else "now",
            "scheduled_for": post.get("scheduled_for", ""),
        }
        scheduled_for = None
        if values["when"] == "later":
            scheduled_for = _parse_local(values["scheduled_for"], district.time_zone)
            if scheduled_for is None:
                errors["scheduled_for"] = _("Give a date and time to send it, or send now.")
        try:
            kind, ref = aq.parse_audience(values["audience"])
        except aq.AudienceNotAllowed as refused:
            errors["audience"] = str(refused)
            kind, ref = "", {}
        if not errors:
            try:
                announcement = actions.do_save_announcement_draft(
                    by=staff,
                    audience_kind=kind,
                    audience_ref=ref,
                    subject=values["subject"],
                    body=values["body"],
                    source_language=values["source_language"],
                    emergency=values["emergency"],
                    scheduled_for=scheduled_for,
                )
            except actions.InputError as refused:
                errors = refused.errors
            else:
                return redirect("messaging:announcement_detail", announcement_id=announcement.pk)
    context = {
        "values": values,
        "errors": errors,
        "audiences": aq.audience_choices(request.user),
        "languages": registry.choices(),
        "may_send_emergency": aq.may_send_emergency(request.user),
        "time_zone": district.time_zone,
    }
    return TemplateResponse(
        request, "messaging/announcement_new.html", context, status=400 if errors else 200
    )


def _report_context(request: HttpRequest, announcement: Announcement) -> dict[str, Any]:
    return {
        "announcement": announcement,
        "report": aq.delivery_report(announcement),
        "problems": aq.problem_rows(request.user, announcement),
    }


@require_GET
@staff_required
def announcement_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = access_announcement(request.user, announcement_id)
    context: dict[str, Any] = {
        "announcement": announcement,
        "audience": aq.audience_label(announcement),
        "may_send": aq.may_send(request.user, announcement),
        "scheduled_in_future": announcement.scheduled_for is not None
        and announcement.scheduled_for > timezone.now(),
        "time_zone": _district(_staff(request)).time_zone,
    }
    if announcement.status == Announcement.Status.DRAFT:
        context["preview"] = aq.preview_announcement(announcement)
    else:
        context.update(_report_context(request, announcement))
        # Named once per page view; the polled partial shows the same rows every 5 s.
        _audit(request, [p.caregiver.pk for p in context["problems"] if p.caregiver])
    return TemplateResponse(request, "messaging/announcement_detail.html", context)


@require_GET
@staff_required
def announcement_report(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = access_announcement(request.user, announcement_id)
    return TemplateResponse(
        request,
        "messaging/announcement_detail.html#report",
        _report_context(request, announcement),
    )


@require_POST
@staff_required
def announcement_send(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = access_announcement(request.user, announcement_id)
    if not aq.may_send(request.user, announcement):
        raise PermissionDenied
    detail = redirect("messaging:announcement_detail", announcement_id=announcement.pk)
    if announcement.status != Announcement.Status.DRAFT:
        return detail  # a second click sends nothing more
    try:
        aq.check_audience(request.user, announcement.audience_kind, dict(announcement.audience_ref))
    except aq.AudienceNotAllowed as refused:
        raise PermissionDenied(str(refused)) from refused
    if announcement.scheduled_for is not None and announcement.scheduled_for > timezone.now():
        messages.info(request, _("Scheduled: it will be sent at the time you chose."))
        return detail
    actions.do_send_announcement(by=_staff(request), announcement_id=announcement.pk)
    return detail


# --- Saved lists -----------------------------------------------------------------------------


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@require_http_methods(["GET", "POST"])
@staff_required
def list_index(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    schools = list(aq.list_schools_for(request.user))
    query = request.GET.get("q", "").strip()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": "", "school": str(schools[0].pk) if schools else ""}
    chosen: list[int] = []
    if request.method == "POST":
        chosen = _ids(request.POST.getlist("caregivers"))
        values = {"name": request.POST.get("name", ""), "school": request.POST.get("school", "")}
        school = next((s for s in schools if str(s.pk) == values["school"]), None)
        if school is None:
            errors["school"] = _("Choose the school the list belongs to.")
        else:
            try:
                saved = actions.do_create_audience_list(
                    by=staff, school=school, name=str(values["name"]), caregiver_ids=chosen
                )
            except actions.InputError as refused:
                errors = refused.errors
            else:
                messages.success(request, _("List saved."))
                return redirect("messaging:list_detail", list_id=saved.pk)
    lists = (
        aq.audience_lists_for(request.user)
        .select_related("school", "created_by")
        .annotate(size=Count("caregivers"))
    )
    candidates = find_caregivers(request.user, query, context=request.path)
    context = {
        "lists": lists,
        "schools": schools,
        "query": query,
        "candidates": candidates,
        "values": values,
        "chosen_ids": set(chosen),
        "errors": errors,
    }
    return TemplateResponse(
        request, "messaging/list_index.html", context, status=400 if errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_required
def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    saved = aq.access_audience_list(request.user, list_id)
    query = request.GET.get("q", "").strip()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            actions.do_update_audience_list(
                by=_staff(request),
                audience_list=saved,
                name=request.POST.get("name", ""),
                add_ids=_ids(request.POST.getlist("add")),
                remove_ids=_ids(request.POST.getlist("remove")),
            )
        except actions.InputError as refused:
            errors = refused.errors
        else:
            messages.success(request, _("List saved."))
            return redirect("messaging:list_detail", list_id=saved.pk)
    members = saved.caregivers.all()
    visible = list(
        aq.list_candidates(request.user, saved.school).filter(pk__in=members.values("pk"))
        if saved.school
        else []
    )
    hidden = members.count() - len(visible)
    _audit(request, [c.pk for c in visible])
    member_ids = {c.pk for c in visible}
    candidates = (
        [c for c in find_caregivers(request.user, query, context=request.path)] if query else []
    )
    context = {
        "saved": saved,
        "members": visible,
        "hidden": hidden,
        "query": query,
        "candidates": [c for c in candidates if c.pk not in member_ids],
        "errors": errors,
    }
    return TemplateResponse(
        request, "messaging/list_detail.html", context, status=400 if errors else 200
    )


# --- Paper batches ---------------------------------------------------------------------------


def _paper_required(request: HttpRequest) -> None:
    if not aq.may_print_paper(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@staff_required
def paper(request: HttpRequest) -> HttpResponse:
    _paper_required(request)
    if request.method == "POST":
        try:
            batch = actions.do_print_paper_batch(by=_staff(request))
        except actions.InputError as refused:
            messages.error(request, str(refused))
            return redirect("messaging:paper")
        if batch is None:
            messages.info(request, _("Nothing new to print: every waiting letter is printed."))
            return redirect("messaging:paper")
        return redirect("messaging:paper_pdf", batch_id=batch.pk)
    pending = aq.pending_paper_for(request.user)
    by_language = [
        (aq.language_name(tag), tag, n)
        for tag, n in pending.values_list("language").annotate(n=Count("pk")).order_by("language")
    ]
    batches = aq.paper_batches_for(request.user).select_related("created_by", "school")[:50]
    context = {"by_language": by_language, "pending": pending.count(), "batches": batches}
    return TemplateResponse(request, "messaging/paper.html", context)


@require_GET
@staff_required
def paper_pdf(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's letters, re-rendered from its deliveries and their stored renditions."""
    _paper_required(request)
    batch = aq.access_paper_batch(request.user, batch_id)
    deliveries = list(
        aq.batch_deliveries(batch).select_related("caregiver").order_by("language", "pk")
    )
    if not deliveries:
        messages.info(request, _("This batch has no letters."))
        return redirect("messaging:paper")
    district = District.objects.get(pk=batch.district_id)
    day = timezone.localtime(batch.created_at, ZoneInfo(district.time_zone)).date()
    pdf = render_letters(aq.paper_letters(deliveries, on=day, district=district))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letters-{batch.pk}.pdf"'
    return response


# --- Liaison call list -----------------------------------------------------------------------


@require_GET
@staff_required
def call_list(request: HttpRequest) -> HttpResponse:
    calls = aq.call_list(request.user)
    _audit(request, [call.delivery.caregiver_id for call in calls])
    return TemplateResponse(request, "messaging/calls.html", {"calls": calls})


@require_POST
@staff_required
def call_log(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = aq.access_call_delivery(request.user, delivery_id)
    access_caregiver(request.user, delivery.caregiver_id, context=request.path)
    try:
        actions.do_log_call(
            by=_staff(request), delivery=delivery, outcome=request.POST.get("outcome", "")
        )
    except actions.InputError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Call recorded."))
    return redirect(reverse("messaging:call_list"))
