"""Django admin for translations: to look, not to edit.

Approving and correcting go through the actions (so that corrections feed the memory and the
reviewer is recorded): the admin offers "approve" as a bulk action, and the lead's review pages
offer corrections. Rows are scoped like ``queries``: a district admin sees their district.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from juntos.language import actions, queries
from juntos.language.models import (
    HumanTranslationRequest,
    MessageTemplate,
    TemplateTranslation,
    TranslationMemory,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description="Approve the selected translations (you speak the language)")
def approve(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    done = refused = 0
    for item in queryset:
        try:
            actions.do_review_translation(item=item, by=request.user)
            done += 1
        except PermissionDenied:
            refused += 1
    modeladmin.message_user(request, f"{done} approved.", messages.SUCCESS)
    if refused:
        modeladmin.message_user(
            request, f"{refused} not approved: not in a language you speak.", messages.WARNING
        )


class TranslationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TemplateTranslation
    extra = 0
    fields = ("language", "text", "status", "reviewed_by", "reviewed_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "for_sms", "source_language")
    list_filter = ("kind",)
    search_fields = ("key", "source_text")
    inlines = [TranslationInline]


@admin.register(TemplateTranslation)
class TemplateTranslationAdmin(ReadOnlyAdmin):
    list_display = ("template", "language", "status", "reviewed_by", "reviewed_at")
    list_filter = ("status", "language")
    search_fields = ("template__key", "text")
    actions = [approve]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TemplateTranslation]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return queries.list_template_translations(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The bulk action needs change permission; the form itself stays read-only (no fields).
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request, obj)


@admin.register(TranslationMemory)
class TranslationMemoryAdmin(ReadOnlyAdmin):
    list_display = (
        "source_language", "target_language", "method", "provider", "status", "updated_at",
    )  # fmt: skip
    list_filter = ("method", "status", "target_language")
    search_fields = ("source_text", "target_text")
    actions = [approve]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TranslationMemory]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return queries.list_memory_entries(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request, obj)


@admin.register(HumanTranslationRequest)
class HumanTranslationRequestAdmin(ReadOnlyAdmin):
    list_display = (
        "pk", "source_language", "target_language", "status", "assigned_to", "due_at",
    )  # fmt: skip
    list_filter = ("status", "target_language")
    search_fields = ("source_text", "result_text")

    def get_queryset(self, request: HttpRequest) -> QuerySet[HumanTranslationRequest]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return queries.list_human_requests(request.user)
