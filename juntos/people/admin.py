"""Django admin for district admins, scoped to their district and audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from juntos.people import actions, models, queries


class DistrictScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Only rows of the admin's own district; superusers see all."""

    district_path = "district"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        scope = queries.scope_for(request.user)
        if not scope.is_district_admin:
            return qs.none()
        return qs.filter(**{f"{self.district_path}_id": scope.district_id})


class AuditedAdmin(DistrictScopedAdmin):
    """Opening a family or student record in the admin writes an audit entry."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is not None:
            actions.do_record_access(
                actor=request.user, action="view", obj=obj, context=f"admin {request.path}"
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            actions.do_record_access_many(
                actor=request.user,
                action="search",
                object_type=self.model._meta.model_name or "",
                ids=[obj.pk for obj in changelist.result_list],
                context=f"admin {request.get_full_path()}",
            )
        return response


class ContactInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.ContactPoint
    extra = 0


class LinkInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.CaregiverLink
    extra = 0
    raw_id_fields = ("student",)


@admin.register(models.Caregiver)
class CaregiverAdmin(AuditedAdmin):
    list_display = ("given_name", "family_name", "preferred_language", "is_active")
    list_filter = ("preferred_language", "is_active")
    search_fields = ("given_name", "family_name", "sourced_id")
    inlines = [ContactInline, LinkInline]


@admin.register(models.Student)
class StudentAdmin(AuditedAdmin):
    list_display = ("given_name", "family_name", "grade", "home_language", "is_active")
    list_filter = ("grade", "home_language", "is_active")
    search_fields = ("given_name", "family_name", "identifier", "sourced_id")


@admin.register(models.School)
class SchoolAdmin(DistrictScopedAdmin):
    list_display = ("name", "slug", "identifier", "is_active")


@admin.register(models.Section)
class SectionAdmin(DistrictScopedAdmin):
    district_path = "school__district"
    list_display = ("title", "school", "kind", "is_active")
    list_filter = ("school",)
    search_fields = ("title", "code")


class StaffRoleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.StaffRole
    extra = 0


@admin.register(models.Staff)
class StaffAdmin(DistrictScopedAdmin):
    list_display = ("given_name", "family_name", "email", "is_active")
    search_fields = ("given_name", "family_name", "email")
    inlines = [StaffRoleInline]


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "actor", "action", "object_type", "object_id", "context")
    list_filter = ("action", "object_type")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.ImportRun)
class ImportRunAdmin(DistrictScopedAdmin):
    list_display = ("created_at", "source_name", "status", "dry_run")
    readonly_fields = [f.name for f in models.ImportRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Imports start from the upload page, which validates and runs them in the background.
        return False
