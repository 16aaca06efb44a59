"""Reads of translations and of the human translation queue, scoped to the signed-in person.

* district admin: every request and every remembered translation of the district; every
  template translation;
* community liaison: requests in the languages they speak (``Staff.languages``) at the schools
  where they are liaison, district-wide requests in those languages, and anything assigned to
  them; template translations and memory entries in their languages;
* anyone on staff: the requests they made themselves (to follow their message's translation);
* everyone else: nothing.

``access_*`` raises 404 for rows outside the scope, never 403, so that a request's existence is
not revealed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from juntos.language import registry
from juntos.language.models import (
    HumanTranslationRequest,
    TemplateTranslation,
    TranslationMemory,
)
from juntos.language.templates_library import DISTINCT_VARIETIES, same_language
from juntos.people.models import Role, Staff, StaffRole
from juntos.people.queries import scope_for

if TYPE_CHECKING:
    from juntos.messaging.models import MessageRendition

PENDING = (HumanTranslationRequest.Status.OPEN, HumanTranslationRequest.Status.ASSIGNED)


def spoken_languages(staff: Staff) -> list[str]:
    """The staff member's languages as canonical tags (unknown entries are skipped)."""
    tags: list[str] = []
    for value in staff.languages or []:
        try:
            tags.append(registry.normalize(str(value)))
        except registry.InvalidLanguage:
            continue
    return tags


def speaks(staff: Staff, language: str) -> bool:
    return any(same_language(tag, language) for tag in spoken_languages(staff))


def _language_filter(field: str, tags: Iterable[str]) -> Q:
    """Rows whose ``field`` is a language one of ``tags`` covers (see ``same_language``)."""
    where = Q(pk__in=[])
    for tag in tags:
        primary = tag.split("-")[0]
        where |= Q(**{field: tag})
        if primary not in DISTINCT_VARIETIES:
            where |= Q(**{field: primary}) | Q(**{f"{field}__startswith": f"{primary}-"})
    return where


def _liaison_school_ids(staff: Staff) -> list[int]:
    return list(
        StaffRole.objects.filter(staff=staff, role=Role.LIAISON, school__isnull=False).values_list(
            "school_id", flat=True
        )
    )


def _is_liaison(staff: Staff) -> bool:
    return StaffRole.objects.filter(staff=staff, role=Role.LIAISON).exists()


def list_human_requests(
    user: Any, *, statuses: Iterable[str] | None = None
) -> QuerySet[HumanTranslationRequest]:
    scope = scope_for(user)
    if scope.staff is None:
        return HumanTranslationRequest.objects.none()
    base = HumanTranslationRequest.objects.filter(
        district_id=scope.staff.district_id
    ).select_related("assigned_to", "school")
    if statuses is not None:
        base = base.filter(status__in=list(statuses))
    if scope.is_district_admin:
        return base
    visible = Q(assigned_to=scope.staff) | Q(requested_by=user)
    schools = _liaison_school_ids(scope.staff)
    if schools:
        visible |= _language_filter("target_language", spoken_languages(scope.staff)) & (
            Q(school_id__in=schools) | Q(school__isnull=True)
        )
    return base.filter(visible)


def access_human_request(user: Any, request_id: int) -> HumanTranslationRequest:
    found = list_human_requests(user).filter(pk=request_id).first()
    if found is None:
        raise Http404("No such translation request.")
    return found


def list_template_translations(
    user: Any, *, language: str | None = None, status: str | None = None
) -> QuerySet[TemplateTranslation]:
    """Template translations the person may review (the library is shared by all districts)."""
    scope = scope_for(user)
    rows = TemplateTranslation.objects.select_related("template", "reviewed_by")
    if scope.staff is None:
        return rows.none()
    if not scope.is_district_admin:
        if not _is_liaison(scope.staff):
            return rows.none()
        rows = rows.filter(_language_filter("language", spoken_languages(scope.staff)))
    if language is not None:
        rows = rows.filter(language=registry.normalize(language))
    if status is not None:
        rows = rows.filter(status=status)
    return rows


def list_memory_entries(
    user: Any,
    *,
    language: str | None = None,
    status: str | None = None,
    method: str | None = None,
) -> QuerySet[TranslationMemory]:
    """Remembered translations of the person's district (and shared ones) they may review."""
    scope = scope_for(user)
    if scope.staff is None:
        return TranslationMemory.objects.none()
    rows = TranslationMemory.objects.filter(
        Q(district_id=scope.staff.district_id) | Q(district__isnull=True)
    ).select_related("reviewed_by")
    if not scope.is_district_admin:
        if not _is_liaison(scope.staff):
            return rows.none()
        rows = rows.filter(_language_filter("target_language", spoken_languages(scope.staff)))
    if language is not None:
        rows = rows.filter(target_language=registry.normalize(language))
    if status is not None:
        rows = rows.filter(status=status)
    if method is not None:
        rows = rows.filter(method=method)
    return rows.order_by("-updated_at")


def can_review_language(user: Any, language: str, *, district_id: int | None = None) -> bool:
    """Whether ``user`` may approve or correct a translation into ``language``.

    District admins may (their district's rows, and shared ones); liaisons may in a language
    they speak. ``district_id`` is the row's district (None for shared rows and templates).
    """
    scope = scope_for(user)
    if scope.staff is None:
        return False
    if district_id is not None and district_id != scope.district_id:
        return False
    if scope.is_district_admin:
        return True
    return _is_liaison(scope.staff) and speaks(scope.staff, language)


def can_translate_request(user: Any, request: HumanTranslationRequest) -> bool:
    """Whether ``user`` may complete (or claim) this request."""
    scope = scope_for(user)
    if scope.staff is None or scope.district_id != request.district_id:
        return False
    if scope.is_district_admin or request.assigned_to_id == scope.staff.pk:
        return True
    if not speaks(scope.staff, request.target_language):
        return False
    schools = _liaison_school_ids(scope.staff)
    return bool(schools) and (request.school_id is None or request.school_id in schools)


def candidate_translators(*, district_id: int, school_id: int | None, language: str) -> list[Staff]:
    """Active liaisons who speak ``language``, least loaded first.

    Liaisons of ``school_id`` (any liaison of the district for district-wide texts). Load is
    the number of requests already assigned to them and not done; ties go to the longest
    serving staff row, so the choice is stable.
    """
    roles = StaffRole.objects.filter(role=Role.LIAISON, staff__district_id=district_id)
    if school_id is not None:
        roles = roles.filter(school_id=school_id)
    staff = Staff.objects.filter(
        pk__in=roles.values("staff_id"), is_active=True, user__is_active=True
    ).annotate(
        load=Count(
            "translation_requests",
            filter=Q(translation_requests__status=HumanTranslationRequest.Status.ASSIGNED),
        )
    )
    speakers = [member for member in staff if speaks(member, language)]
    return sorted(speakers, key=lambda member: (getattr(member, "load", 0), member.pk))


def may_use_queue(user: Any) -> bool:
    """The translation pages are for translators: liaisons and district admins.

    Other staff follow their own request through the message that waits for it; the queue
    would show them texts of other classes and families.
    """
    scope = scope_for(user)
    if scope.staff is None:
        return False
    return scope.is_district_admin or _is_liaison(scope.staff)


def list_renditions_to_review(user: Any) -> QuerySet[MessageRendition]:
    """Recent messages as families received them, in the person's languages, to review.

    A rendition is listed while it is a draft (a machine made it, directly or through the
    memory, or a library translation nobody reviewed yet), when the message went out to
    families, the person may see it (``messaging.queries.messages_for``) and, for a liaison,
    speaks its language. A district admin sees every language. Newest first.

    Messaging is imported here, not at the top: messaging imports this app, and language must
    stay importable on its own.
    """
    from juntos.messaging.models import Message, MessageRendition
    from juntos.messaging.queries import messages_for

    scope = scope_for(user)
    if scope.staff is None or not may_use_queue(user):
        return MessageRendition.objects.none()
    rows = (
        MessageRendition.objects.filter(
            message__in=messages_for(user), message__direction=Message.Direction.OUT
        )
        # Machine translations are drafts until a speaker checks them. "original" ones (not
        # translated, or held for a person) belong to the queue, not to review.
        .filter(status="draft")
        .exclude(method="original")
        .select_related("message", "message__author", "reviewer")
    )
    if not scope.is_district_admin:
        rows = rows.filter(_language_filter("language", spoken_languages(scope.staff)))
    return rows.order_by("-message__created_at", "-pk")


def access_rendition_to_review(user: Any, rendition_id: int) -> MessageRendition:
    """A rendition the person may review, or 404."""
    from juntos.messaging.models import MessageRendition
    from juntos.messaging.queries import messages_for

    scope = scope_for(user)
    if scope.staff is None or not may_use_queue(user):
        raise Http404("No such message.")
    rows = MessageRendition.objects.filter(message__in=messages_for(user)).select_related("message")
    if not scope.is_district_admin:
        rows = rows.filter(_language_filter("language", spoken_languages(scope.staff)))
    found = rows.filter(pk=rendition_id).first()
    if found is None:
        raise Http404("No such message.")
    return found
