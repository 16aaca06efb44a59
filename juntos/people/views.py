"""Staff pages: sign-in, home, families, students, classes, roster imports."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juntos.people import actions, oneroster, queries
from juntos.people.forms import FamilySearchForm, RosterUploadForm
from juntos.people.models import AuditEntry, CaregiverLink, Role

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Signed-in staff only: anonymous users go to sign-in, other accounts get 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.scope_for(request.user).is_staff_member:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def district_admin_required(view: View) -> View:
    @wraps(view)
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.scope_for(request.user).is_district_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


login_view = auth_views.LoginView.as_view(
    template_name="people/login.html",
    redirect_authenticated_user=True,
    extra_context={"oidc_enabled": settings.OIDC_ENABLED},
)
logout_view = require_POST(auth_views.LogoutView.as_view())


def _families_page(request: HttpRequest) -> dict[str, Any]:
    form = FamilySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    families = queries.find_caregivers(request.user, query, context=request.path)
    return {"form": form, "families": families, "query": query}


@require_GET
@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    scope = queries.scope_for(request.user)
    context = {
        "scope": scope,
        "staff": scope.staff,
        "roles": scope.staff.roles.select_related("school") if scope.staff else [],
        "schools": queries.schools_for(request.user),
        "sections": queries.sections_for(request.user)
        .filter(pk__in=scope.section_ids)
        .select_related("school"),
        **_families_page(request),
    }
    return TemplateResponse(request, "people/staff_home.html", context)


@require_GET
@staff_required
def family_list(request: HttpRequest) -> HttpResponse:
    template = "people/family_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return TemplateResponse(request, template, _families_page(request))


@require_GET
@staff_required
def family_detail(request: HttpRequest, caregiver_id: int) -> HttpResponse:
    caregiver = queries.access_caregiver(request.user, caregiver_id, context=request.path)
    context = {
        "caregiver": caregiver,
        "links": queries.links_visible_to(request.user, caregiver),
        "household": queries.household_of(request.user, caregiver),
        "contacts": caregiver.contacts.order_by("kind", "value"),
        "windows": caregiver.windows.order_by("start"),
    }
    return TemplateResponse(request, "people/family_detail.html", context)


@require_GET
@staff_required
def student_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    student = queries.access_student(request.user, student_id, context=request.path)
    links = (
        CaregiverLink.objects.filter(student=student)
        .select_related("caregiver")
        .order_by("-may_contact", "-is_primary", "caregiver__given_name")
    )
    context = {
        "student": student,
        "links": links,
        "sections": queries.sections_for(request.user)
        .filter(enrollments__student=student)
        .select_related("school"),
        "schools": student.schools.all(),
    }
    return TemplateResponse(request, "people/student_detail.html", context)


@require_GET
@staff_required
def section_detail(request: HttpRequest, section_id: int) -> HttpResponse:
    section = queries.access_section(request.user, section_id)
    students = list(
        queries.students_for(request.user)
        .filter(enrollments__section=section)
        .prefetch_related("caregiver_links__caregiver")
        .order_by("family_name", "given_name")
    )
    actions.do_record_access_many(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        object_type="student",
        ids=[student.pk for student in students],
        context=request.path,
    )
    context = {
        "section": section,
        "students": students,
        "teachers": section.assignments.select_related("staff"),
    }
    return TemplateResponse(request, "people/section_detail.html", context)


def _store_upload(upload: UploadedFile) -> Path:
    """Keep an uploaded roster on disk under a random name; the worker reads it from there."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}.zip"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


@require_http_methods(["GET", "POST"])
@district_admin_required
def import_list(request: HttpRequest) -> HttpResponse:
    scope = queries.scope_for(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and scope.staff is not None:
        upload = form.cleaned_data["file"]
        run = actions.do_start_roster_import(
            district=scope.staff.district,
            by=request.user,
            path=str(_store_upload(upload)),
            source_name=Path(upload.name).name[:255],
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("people:import_detail", run_id=run.pk)
    context = {"form": form, "runs": queries.imports_for(request.user)[:20]}
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "people/import_list.html", context, status=status)


@require_GET
@district_admin_required
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = queries.access_import(request.user, run_id)
    live = oneroster.progress(run.pk) if run.status == run.Status.RUNNING else None
    template = "people/import_detail.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#progress"
    return TemplateResponse(request, template, {"run": run, "live": live, "Role": Role})
