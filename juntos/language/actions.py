"""Every write to translations and to the human translation queue: ``do_<verb>_<noun>``.

Each runs in one transaction; the tasks that release a held message after a human translation
are enqueued with ``juntos.tasks.enqueue`` (which waits for commit).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from juntos.language import queries, registry
from juntos.language.models import (
    HumanTranslationRequest,
    MessageTemplate,
    Method,
    Status,
    TemplateTranslation,
    TranslationMemory,
)
from juntos.language.templates_library import SyncReport, placeholders, source_hash, sync_templates
from juntos.people.models import District, School, Staff
from juntos.people.queries import scope_for
from juntos.tasks import TaskLike, enqueue

if TYPE_CHECKING:
    from juntos.language.pipeline import Rendition

log = logging.getLogger(__name__)

# waiting_kind → the task that releases what was waiting; called with the request id.
_RELEASE_TASKS: dict[str, TaskLike] = {}


def register_release_task(waiting_kind: str, task: TaskLike) -> None:
    """Ask to be told when a human translation is done for requests of ``waiting_kind``.

    Messaging calls this once (in its ``AppConfig.ready``) with a task that takes the request
    id, loads the request and releases the message named by ``waiting_id``.
    """
    _RELEASE_TASKS[waiting_kind] = task


def _user_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def _staff_of(user: Any) -> Staff | None:
    if _user_id(user) is None:
        return None
    return Staff.objects.filter(user=user, is_active=True).first()


def _check_text(text: str, source_text: str) -> str:
    """A translation must say something and keep exactly the source's placeholders."""
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError("A translation cannot be empty.")
    expected, found = placeholders(source_text), placeholders(cleaned)
    if expected != found:
        missing = ", ".join("{" + name + "}" for name in sorted(expected - found))
        extra = ", ".join("{" + name + "}" for name in sorted(found - expected))
        problems = [p for p in (f"missing {missing}" if missing else "",
                                f"unknown {extra}" if extra else "") if p]  # fmt: skip
        raise ValidationError(
            "Keep the placeholders of the original exactly: " + "; ".join(problems) + "."
        )
    return cleaned


# --- Library ---------------------------------------------------------------------------------


def do_load_message_templates() -> SyncReport:
    """Load the template library (idempotent; reviewed translations are never overwritten)."""
    with transaction.atomic():
        return sync_templates(template_model=MessageTemplate, translation_model=TemplateTranslation)


# --- Translation memory ----------------------------------------------------------------------


def do_remember_translation(
    *,
    district_id: int | None,
    source_language: str,
    target_language: str,
    source_text: str,
    target_text: str,
    method: str,
    status: str = Status.DRAFT,
    provider: str = "",
    reviewed_by: Any = None,
) -> TranslationMemory:
    """Store (or update) the remembered translation of ``source_text``; returns the row.

    A draft never replaces a reviewed translation: the reviewed row is returned unchanged, so
    a machine answer cannot overwrite what a speaker checked.
    """
    source_language = registry.normalize(source_language)
    target_language = registry.normalize(target_language)
    key = {
        "district_id": district_id,
        "source_language": source_language,
        "target_language": target_language,
        "source_hash": source_hash(source_text),
    }
    reviewed = status == Status.REVIEWED
    values = {
        "source_text": source_text,
        "target_text": target_text,
        "method": method,
        "status": status,
        "provider": provider,
        "reviewed_by_id": _user_id(reviewed_by) if reviewed else None,
        "reviewed_at": timezone.now() if reviewed else None,
    }
    with transaction.atomic():
        row = TranslationMemory.objects.select_for_update().filter(**key).first()
        if row is None:
            try:
                with transaction.atomic():
                    return TranslationMemory.objects.create(**key, **values)
            except IntegrityError:
                # Another worker remembered the same text a moment ago.
                row = TranslationMemory.objects.select_for_update().get(**key)
        if row.status == Status.REVIEWED and not reviewed:
            return row
        for name, value in values.items():
            setattr(row, name, value)
        row.save(update_fields=[*values, "updated_at"])
        return row


# --- Human translation queue -----------------------------------------------------------------


def due_time(start: datetime, *, time_zone: str, hours: float | None = None) -> datetime:
    """When a human translation is due: ``hours`` later (``TRANSLATION_HUMAN_DUE_HOURS``,
    default 24, about one school day), moved past a weekend in the district's time zone."""
    if hours is None:
        hours = float(getattr(settings, "TRANSLATION_HUMAN_DUE_HOURS", 24))
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    due = (start + timedelta(hours=hours)).astimezone(zone)
    while due.weekday() >= 5:  # Saturday, Sunday
        due += timedelta(days=1)
    return due


def do_request_human_translation(
    *,
    district: District,
    source_text: str,
    source_language: str,
    target_language: str,
    school: School | None = None,
    requested_by: Any = None,
    waiting_kind: str = "",
    waiting_id: str = "",
    template_key: str = "",
) -> HumanTranslationRequest:
    """Queue ``source_text`` for a person who speaks ``target_language``; returns the request.

    Assigned to the least-loaded active liaison of ``school`` (of the district when ``school``
    is None) who speaks the language; left open, visible to district admins, when nobody does.
    Asking again for the same text, language and waiting thing returns the pending request.
    """
    if not source_text.strip():
        raise ValidationError("Nothing to translate.")
    source_language = registry.normalize(source_language)
    target_language = registry.normalize(target_language)
    digest = source_hash(source_text)
    pending = HumanTranslationRequest.objects.filter(
        district=district,
        source_language=source_language,
        target_language=target_language,
        source_hash=digest,
        waiting_kind=waiting_kind,
        waiting_id=str(waiting_id),
        status__in=queries.PENDING,
    )
    with transaction.atomic():
        existing = pending.first()
        if existing is not None:
            return existing
        candidates = queries.candidate_translators(
            district_id=district.pk,
            school_id=school.pk if school is not None else None,
            language=target_language,
        )
        assignee = candidates[0] if candidates else None
        now = timezone.now()
        request = HumanTranslationRequest(
            district=district,
            school=school,
            source_language=source_language,
            target_language=target_language,
            source_text=source_text,
            source_hash=digest,
            status=(
                HumanTranslationRequest.Status.ASSIGNED
                if assignee
                else HumanTranslationRequest.Status.OPEN
            ),
            assigned_to=assignee,
            assigned_at=now if assignee else None,
            due_at=due_time(now, time_zone=district.time_zone),
            requested_by_id=_user_id(requested_by),
            waiting_kind=waiting_kind,
            waiting_id=str(waiting_id),
            template_key=template_key,
        )
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:
            # The same request was made concurrently: use that one.
            return pending.get()
    if assignee is None:
        log.info("no liaison speaks %s for request %s: left open", target_language, request.pk)
    return request


def do_claim_human_translation(
    *, request: HumanTranslationRequest, by: Any
) -> HumanTranslationRequest:
    """A liaison who speaks the language takes a request (open, or assigned to someone else)."""
    staff = _staff_of(by)
    if staff is None:
        raise PermissionDenied("You cannot translate this request.")
    with transaction.atomic():
        locked = HumanTranslationRequest.objects.select_for_update().get(pk=request.pk)
        if not queries.can_translate_request(by, locked):
            raise PermissionDenied("You cannot translate this request.")
        return _assign(locked, staff)


def do_assign_human_translation(
    *, request: HumanTranslationRequest, staff: Staff, by: Any
) -> HumanTranslationRequest:
    """A district admin gives a request to a staff member who speaks the language."""
    scope = scope_for(by)
    if not scope.is_district_admin or scope.district_id != request.district_id:
        raise PermissionDenied("Only a district admin can assign translation requests.")
    if staff.district_id != request.district_id or not queries.speaks(
        staff, request.target_language
    ):
        raise ValidationError("Assign the request to someone in the district who speaks it.")
    return _assign(request, staff)


def do_decline_human_translation(
    *, request: HumanTranslationRequest, by: Any
) -> HumanTranslationRequest:
    """The assignee gives a request back (away, or not sure of the text); returns the request.

    It goes to the next least-loaded speaker among the request's candidates (not the one who
    declined), else back to open, where every speaker of the school and the district admin
    see it. A district admin may also decline for the assignee.
    """
    staff = _staff_of(by)
    scope = scope_for(by)
    with transaction.atomic():
        locked = HumanTranslationRequest.objects.select_for_update().get(pk=request.pk)
        if staff is None or scope.district_id != locked.district_id:
            raise PermissionDenied("You cannot decline this request.")
        if locked.assigned_to_id != staff.pk and not scope.is_district_admin:
            raise PermissionDenied("Only the person it is assigned to can decline it.")
        if not locked.is_pending:
            raise ValidationError("This request is already closed.")
        declined_by = locked.assigned_to_id
        others = [
            member
            for member in queries.candidate_translators(
                district_id=locked.district_id,
                school_id=locked.school_id,
                language=locked.target_language,
            )
            if member.pk != declined_by
        ]
        if others:
            return _assign(locked, others[0])
        locked.assigned_to = None
        locked.assigned_at = None
        locked.status = HumanTranslationRequest.Status.OPEN
        locked.save(update_fields=["assigned_to", "assigned_at", "status"])
    return locked


def _assign(request: HumanTranslationRequest, staff: Staff) -> HumanTranslationRequest:
    with transaction.atomic():
        locked = HumanTranslationRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.is_pending:
            raise ValidationError("This request is already closed.")
        locked.assigned_to = staff
        locked.assigned_at = timezone.now()
        locked.status = HumanTranslationRequest.Status.ASSIGNED
        locked.save(update_fields=["assigned_to", "assigned_at", "status"])
    return locked


def do_complete_human_translation(
    *, request: HumanTranslationRequest, text: str, by: Any
) -> HumanTranslationRequest:
    """Record a person's translation; returns the request.

    1. Check the text (not empty, the source's placeholders exactly) and that ``by`` may
       translate this request.
    2. Remember it: method human, status reviewed, reviewer ``by``. A template's source is
       remembered for every district and becomes the template's translation in that language.
    3. Close every pending request for the same text and language in the district (several
       messages may wait for one sentence) and, after commit, enqueue the release task
       registered for each one's ``waiting_kind``.

    Calling it again on a done request changes nothing.
    """
    staff = _staff_of(by)
    cleaned = _check_text(text, request.source_text)
    with transaction.atomic():
        locked = HumanTranslationRequest.objects.select_for_update().get(pk=request.pk)
        # Checked on the row as it is now: it may have been reassigned since it was read.
        if staff is None or not queries.can_translate_request(by, locked):
            raise PermissionDenied("You cannot translate this request.")
        if locked.status == HumanTranslationRequest.Status.DONE:
            return locked
        if locked.status == HumanTranslationRequest.Status.CANCELLED:
            raise ValidationError("This request was cancelled.")
        template = (
            MessageTemplate.objects.filter(key=locked.template_key).first()
            if locked.template_key
            else None
        )
        memory = do_remember_translation(
            district_id=None if template is not None else locked.district_id,
            source_language=locked.source_language,
            target_language=locked.target_language,
            source_text=locked.source_text,
            target_text=cleaned,
            method=Method.HUMAN,
            status=Status.REVIEWED,
            reviewed_by=by,
        )
        if template is not None and source_hash(template.source_text) == locked.source_hash:
            _store_template_translation(template, locked.target_language, cleaned, by)
        now = timezone.now()
        siblings = list(
            HumanTranslationRequest.objects.select_for_update().filter(
                district_id=locked.district_id,
                source_language=locked.source_language,
                target_language=locked.target_language,
                source_hash=locked.source_hash,
                status__in=queries.PENDING,
            )
        )
        HumanTranslationRequest.objects.filter(pk__in=[s.pk for s in siblings]).update(
            status=HumanTranslationRequest.Status.DONE,
            result_text=cleaned,
            memory=memory,
            completed_by=staff,
            completed_at=now,
        )
        for sibling in siblings:
            task = _RELEASE_TASKS.get(sibling.waiting_kind)
            if task is not None:
                enqueue(task, sibling.pk)
        locked.refresh_from_db()
    return locked


def do_cancel_human_translation(
    *, request: HumanTranslationRequest, by: Any = None
) -> HumanTranslationRequest:
    """Withdraw a pending request (its message was deleted or sent another way)."""
    with transaction.atomic():
        locked = HumanTranslationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.is_pending:
            locked.status = HumanTranslationRequest.Status.CANCELLED
            locked.completed_at = timezone.now()
            locked.save(update_fields=["status", "completed_at"])
    return locked


# --- Review by liaisons ----------------------------------------------------------------------

Reviewable = TemplateTranslation | TranslationMemory


def _require_reviewer(item: Reviewable, by: Any) -> None:
    if isinstance(item, TemplateTranslation):
        allowed = queries.can_review_language(by, item.language)
    else:
        allowed = queries.can_review_language(
            by, item.target_language, district_id=item.district_id
        )
    if not allowed:
        raise PermissionDenied("Only someone who speaks this language can review it.")


def _store_template_translation(
    template: MessageTemplate, language: str, text: str, by: Any
) -> TemplateTranslation:
    now = timezone.now()
    row, _ = TemplateTranslation.objects.update_or_create(
        template=template,
        language=language,
        defaults={
            "text": text,
            "status": Status.REVIEWED,
            "reviewed_by_id": _user_id(by),
            "reviewed_at": now,
            "source_hash": source_hash(template.source_text),
        },
    )
    return row


def do_review_translation(*, item: Reviewable, by: Any) -> Reviewable:
    """A speaker approves a template translation or a memory entry as it is."""
    _require_reviewer(item, by)
    now = timezone.now()
    with transaction.atomic():
        item.status = Status.REVIEWED
        item.reviewed_by_id = _user_id(by)
        item.reviewed_at = now
        fields = ["status", "reviewed_by", "reviewed_at", "updated_at"]
        if isinstance(item, TemplateTranslation):
            # The reviewer read it against today's source: it is no longer out of date.
            item.source_hash = source_hash(item.template.source_text)
            fields.append("source_hash")
        item.save(update_fields=fields)
    return item


def do_correct_translation(*, item: Reviewable, text: str, by: Any) -> Reviewable:
    """A speaker replaces a template translation or a memory entry with their own text.

    The correction is reviewed (by them) and feeds the translation memory: the next time the
    same source is translated into this language, their text is used.
    """
    _require_reviewer(item, by)
    with transaction.atomic():
        if isinstance(item, TemplateTranslation):
            template = item.template
            cleaned = _check_text(text, template.source_text)
            row = _store_template_translation(template, item.language, cleaned, by)
            do_remember_translation(
                district_id=None,
                source_language=template.source_language,
                target_language=item.language,
                source_text=template.source_text,
                target_text=cleaned,
                method=Method.HUMAN,
                status=Status.REVIEWED,
                reviewed_by=by,
            )
            return row
        cleaned = _check_text(text, item.source_text)
        item.target_text = cleaned
        item.method = Method.HUMAN
        item.provider = ""
        item.status = Status.REVIEWED
        item.reviewed_by_id = _user_id(by)
        item.reviewed_at = timezone.now()
        item.save(
            update_fields=[
                "target_text", "method", "provider", "status", "reviewed_by", "reviewed_at",
                "updated_at",
            ]
        )  # fmt: skip
        return item


def reviewable_for(rendition: Rendition) -> Reviewable:
    """The stored translation behind a rendition a family received (to review it later)."""
    if rendition.memory_id is not None:
        row = TranslationMemory.objects.filter(pk=rendition.memory_id).first()
        if row is not None:
            return row
    if rendition.method == Method.TEMPLATE and rendition.template_key:
        found = TemplateTranslation.objects.filter(
            template__key=rendition.template_key, language=rendition.language
        ).first()
        if found is not None:
            return found
    raise ValidationError("This text was not translated: there is nothing to review.")


def do_review_rendition(*, rendition: Rendition, by: Any, text: str | None = None) -> Reviewable:
    """Approve (``text`` None) or correct the translation behind a rendition."""
    item = reviewable_for(rendition)
    if text is None:
        return do_review_translation(item=item, by=by)
    return do_correct_translation(item=item, text=text, by=by)
