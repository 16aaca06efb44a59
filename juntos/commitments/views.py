"""Commitment pages: staff (list, create, detail with input search, link, unlink, status) and
the public accountability board of a school (no sign-in, in the reader's language).

Function views: parse → access_* → do_* → TemplateResponse. See queries.py for who may do what.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.commitments import actions, board, queries
from juntos.commitments.forms import CommitmentForm, LinkForm, StatusForm
from juntos.commitments.models import Commitment
from juntos.language import registry
from juntos.messaging.actions import InputError
from juntos.people.models import Staff
from juntos.people.queries import scope_for
from juntos.people.views import staff_required
from juntos.portal import language as family_language


def _staff(request: HttpRequest) -> Staff:
    staff = scope_for(request.user).staff
    assert staff is not None  # noqa: S101 - staff_required let the request in
    return staff


def _managed(request: HttpRequest, commitment_id: int) -> Commitment:
    commitment = queries.access_commitment(request.user, commitment_id)
    if not queries.can_manage(request.user, commitment):
        raise PermissionDenied
    return commitment


@require_GET
@staff_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    commitments = queries.commitments_for(request.user).select_related("school")
    schools = queries.manageable_schools(request.user)
    context = {"commitments": commitments, "may_create": schools.exists()}
    return TemplateResponse(request, "commitments/commitment_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def commitment_new(request: HttpRequest) -> HttpResponse:
    schools = queries.manageable_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    form = CommitmentForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = actions.do_create_commitment(
                by=_staff(request),
                school=data["school"],
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                public=data["public"],
            )
        except InputError as exc:
            for name, error in exc.errors.items():
                form.add_error(name if name in form.fields else None, error)
        else:
            return redirect("commitments:detail", commitment_id=commitment.pk)
    return TemplateResponse(request, "commitments/commitment_new.html", {"form": form})


def _detail_context(request: HttpRequest, commitment: Commitment) -> dict[str, Any]:
    query = request.GET.get("q", "")[:200]
    staff = _staff(request)
    manage = queries.can_manage(request.user, commitment)
    links = list(commitment.inputs.select_related("linked_by"))
    return {
        "commitment": commitment,
        "links": [
            {"link": link, "may_unlink": manage or link.linked_by_id == staff.pk} for link in links
        ],
        "history": queries.history(commitment),
        "query": query,
        "candidates": queries.search_inputs(request.user, commitment, query),
        "may_manage": manage,
        "status_form": StatusForm() if manage else None,
    }


@require_GET
@staff_required
def commitment_detail(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = queries.access_commitment(request.user, commitment_id)
    context = _detail_context(request, commitment)
    return TemplateResponse(request, "commitments/commitment_detail.html", context)


@require_POST
@staff_required
def commitment_link(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = queries.access_commitment(request.user, commitment_id)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an input to cite."))
        return redirect("commitments:detail", commitment_id=commitment.pk)
    try:
        actions.do_link_input(
            by=_staff(request),
            commitment=commitment,
            kind=form.cleaned_data["kind"],
            object_id=form.cleaned_data["object_id"],
        )
    except InputError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    else:
        messages.success(request, _("The input is cited."))
    return redirect("commitments:detail", commitment_id=commitment.pk)


@require_POST
@staff_required
def commitment_unlink(request: HttpRequest, commitment_id: int, link_id: int) -> HttpResponse:
    commitment = queries.access_commitment(request.user, commitment_id)
    link = commitment.inputs.filter(pk=link_id).first()
    if link is None:
        return redirect("commitments:detail", commitment_id=commitment.pk)
    staff = _staff(request)
    if not (queries.can_manage(request.user, commitment) or link.linked_by_id == staff.pk):
        raise PermissionDenied
    actions.do_unlink_input(by=staff, link=link)
    messages.success(request, _("The input is no longer cited."))
    return redirect("commitments:detail", commitment_id=commitment.pk)


@require_POST
@staff_required
def commitment_status(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = _managed(request, commitment_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_change_status(
                by=_staff(request),
                commitment=commitment,
                status=data["status"],
                note=data["note"],
                reason=data["reason"],
            )
        except InputError as exc:
            for name, error in exc.errors.items():
                form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("Status changed. The families cited will be told."))
            return redirect("commitments:detail", commitment_id=commitment.pk)
    context = _detail_context(request, commitment) | {"status_form": form}
    return TemplateResponse(request, "commitments/commitment_detail.html", context, status=400)


@require_GET
def board_page(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's public board: no sign-in, the language negotiated like the home page."""
    school = queries.public_school(school_id)
    code = family_language.negotiate(request)
    shown = family_language.page_language(code)
    context = {
        "school": school,
        "items": board.board_items(queries.public_commitments(school), shown),
        "family_language": code,
        "language": shown,
        "rtl": registry.get(shown).rtl,
        "languages": family_language.picker(),
    }
    response = family_language.render(request, "commitments/family_board.html", context, code)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    family_language.remember(request, response, code)
    return response
