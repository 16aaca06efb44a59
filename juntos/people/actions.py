"""Every write to people data with side effects: ``do_<verb>_<noun>`` functions.

Each runs in one transaction; background work is scheduled with ``juntos.tasks.enqueue``
(which waits for commit).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from juntos.people.models import AuditEntry


def _actor_id(actor: Any) -> int | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return int(actor.pk)


def do_record_access(*, actor: Any, action: str, obj: models.Model, context: str) -> AuditEntry:
    """Record that ``actor`` saw (or exported) one family or student record."""
    return AuditEntry.objects.create(
        actor_id=_actor_id(actor),
        action=action,
        object_type=obj._meta.model_name or type(obj).__name__.lower(),
        object_id=obj.pk,
        context=context[:300],
    )


def do_record_access_many(
    *, actor: Any, action: str, object_type: str, ids: Iterable[int], context: str
) -> int:
    """Record that ``actor`` saw a list of records (one entry per record, in one statement)."""
    entries = [
        AuditEntry(
            actor_id=_actor_id(actor),
            action=action,
            object_type=object_type,
            object_id=object_id,
            context=context[:300],
        )
        for object_id in ids
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


DISTRICT_ADMIN_GROUP = "District administrators"


def district_admin_group() -> Any:
    """The group whose members may use the Django admin for people data."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name=DISTRICT_ADMIN_GROUP)
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["people", "language", "auth", "axes"]
            )
        )
    return group


def do_create_staff(
    *,
    district: Any,
    username: str,
    password: str | None,
    given_name: str,
    family_name: str,
    email: str = "",
    roles: Iterable[tuple[str, Any]] = (),
    sections: Iterable[Any] = (),
    languages: Iterable[str] = (),
    title: str = "",
) -> Any:
    """Create a staff member with a sign-in, roles (role, school or None) and classes.

    District admins get the Django admin (``is_staff``) through the district-admin group.
    A ``password`` of None leaves the account for single sign-on only.
    """
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from juntos.people.models import Role, SectionAssignment, Staff, StaffRole

    role_list = list(roles)
    is_admin = any(role == Role.DISTRICT_ADMIN for role, _ in role_list)
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password, is_staff=is_admin
        )
        if is_admin:
            user.groups.add(district_admin_group())
        staff = Staff.objects.create(
            user=user,
            district=district,
            given_name=given_name,
            family_name=family_name,
            email=email,
            languages=list(languages),
            title=title,
        )
        StaffRole.objects.bulk_create(
            StaffRole(staff=staff, role=role, school=school) for role, school in role_list
        )
        SectionAssignment.objects.bulk_create(
            SectionAssignment(staff=staff, section=section) for section in sections
        )
    return staff


def do_start_roster_import(
    *, district: Any, by: Any, path: str, source_name: str, dry_run: bool = False
) -> Any:
    """Record a OneRoster import to run in the background; the task starts after commit."""
    from django.db import transaction

    from juntos.people.models import ImportRun
    from juntos.people.tasks import run_roster_import
    from juntos.tasks import enqueue

    with transaction.atomic():
        run = ImportRun.objects.create(
            district=district,
            created_by_id=_actor_id(by),
            source_name=source_name[:255],
            path=path,
            dry_run=dry_run,
        )
        enqueue(run_roster_import, run.pk)
    return run


def do_run_roster_import(*, run_id: int) -> Any:
    """Claim a pending import and run it; safe to call twice (the second call does nothing).

    Steps: claim the row with a conditional UPDATE (pending → running); run the import, which
    writes in its own transaction and publishes progress through the cache; store the report,
    the final progress and the status (succeeded, or failed when any row had an error).
    """
    import logging

    from django.core.cache import cache
    from django.utils import timezone

    from juntos.people import oneroster
    from juntos.people.models import ImportRun

    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.PENDING).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    run = ImportRun.objects.select_related("district").get(pk=run_id)
    if not claimed:
        return run
    key = oneroster.progress_key(run_id)
    last: dict[str, Any] = {"done": 0, "total": 0, "phase": "starting"}

    def publish(done: int, total: int, phase: str) -> None:
        last.update(done=done, total=total, phase=phase)
        cache.set(key, dict(last), 3600)

    publish(0, 0, "starting")
    try:
        report = oneroster.import_path(
            run.path, district=run.district, dry_run=run.dry_run, progress=publish
        )
        run.report = report.to_json()
        run.status = ImportRun.Status.SUCCEEDED if report.ok else ImportRun.Status.FAILED
        phase = "done" if report.ok else "failed"
    except Exception as exc:
        # The report names the kind of failure only: messages can quote row values.
        logging.getLogger(__name__).exception("roster import %s crashed", run_id)
        reason = f"internal error ({type(exc).__name__})"
        problem = {"file": "", "line": 0, "column": "", "reason": reason}
        run.report = {"errors": [problem], "warnings": [], "counts": {}, "errors_total": 1}
        run.status = ImportRun.Status.FAILED
        phase = "failed"
    total = int(last["total"]) or 1
    publish(total if run.status == ImportRun.Status.SUCCEEDED else int(last["done"]), total, phase)
    run.progress_total = total
    run.progress_done = total if run.status == ImportRun.Status.SUCCEEDED else int(last["done"])
    run.phase = phase
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "report", "status", "progress_total", "progress_done", "phase", "finished_at"
        ]
    )  # fmt: skip
    return run


def do_sweep_roster_imports(*, waiting_after_s: float = 60.0, stuck_after_s: float = 3600.0) -> int:
    """Re-queue imports that were never picked up or whose worker died; returns how many.

    1. A pending run older than ``waiting_after_s`` lost its task (e.g. the process stopped
       before the task ran): enqueue it again. The task's claim makes a duplicate harmless.
    2. A running run started more than ``stuck_after_s`` ago lost its worker: an import writes
       in one transaction, so nothing of it was committed; put it back to pending (a
       conditional UPDATE, so two sweepers cannot both take it) and enqueue it.
    """
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from juntos.people.models import ImportRun
    from juntos.people.tasks import run_roster_import
    from juntos.tasks import enqueue

    now = timezone.now()
    requeued: list[int] = []
    with transaction.atomic():
        stuck = ImportRun.objects.filter(
            status=ImportRun.Status.RUNNING, started_at__lt=now - timedelta(seconds=stuck_after_s)
        ).values_list("pk", flat=True)
        for run_id in list(stuck):
            if ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.PENDING, started_at=None
            ):
                enqueue(run_roster_import, run_id)
                requeued.append(run_id)
        waiting = (
            ImportRun.objects.filter(
                status=ImportRun.Status.PENDING,
                created_at__lt=now - timedelta(seconds=waiting_after_s),
            )
            .exclude(pk__in=requeued)
            .values_list("pk", flat=True)
        )
        for run_id in list(waiting):
            enqueue(run_roster_import, run_id)
            requeued.append(run_id)
    return len(requeued)


def _correct_contact_point(caregiver: Any, kind: str, value: str, *, sms_capable: bool) -> None:
    """Make ``value`` the caregiver's first contact point of ``kind`` (the one messages use:
    the fan-out takes the first live one by id), replacing the wrong value in place."""
    from django.db.models import Q

    from juntos.people.models import ContactPoint

    rows = list(caregiver.contacts.filter(kind=kind).order_by("pk"))
    duplicate = next((row for row in rows[1:] if row.value == value), None)
    # A number that texted STOP stays opted out: a correction is not consent.
    opted_out_at = duplicate.opted_out_at if duplicate is not None else None
    if duplicate is not None:
        ContactPoint.objects.filter(pk=duplicate.pk).delete()
    if not rows:
        ContactPoint.objects.create(
            caregiver=caregiver, kind=kind, value=value, sms_capable=sms_capable
        )
        return
    first = rows[0]
    if first.value == value:
        opted_out_at = first.opted_out_at
    ContactPoint.objects.filter(Q(pk=first.pk)).update(
        value=value,
        sms_capable=sms_capable,
        label=ContactPoint.Label.MOBILE if kind == ContactPoint.Kind.PHONE else first.label,
        failing_since=None,
        opted_out_at=opted_out_at,
        from_roster=False,
    )


def do_correct_contact(
    *,
    actor: Any,
    caregiver_id: int,
    phone: str = "",
    sms_capable: bool = True,
    email: str = "",
    language: str = "",
    context: str,
) -> Any:
    """Correct a family's contact data in place; the next message uses it.

    ``phone`` (E.164) replaces the caregiver's first phone number, ``email`` (lower-cased)
    their first email, ``language`` their preferred language. The corrected channel is added
    to the end of their channel preferences when none of their preferences could use it (a
    family whose only preference was a bounced email now gets texts). One transaction; one
    audit entry naming what changed (not the values).
    """
    from django.db import transaction

    from juntos.language import registry
    from juntos.people.models import Caregiver, ContactPoint

    with transaction.atomic():
        caregiver = Caregiver.objects.select_for_update().get(pk=caregiver_id)
        changed: list[str] = []
        preferences = list(caregiver.channel_preferences or [])
        if phone:
            _correct_contact_point(
                caregiver, ContactPoint.Kind.PHONE, phone, sms_capable=sms_capable
            )
            channel = "sms" if sms_capable else "voice"
            if not {"sms", "voice"} & set(preferences):
                preferences.append(channel)
            changed.append("phone")
        if email:
            _correct_contact_point(
                caregiver, ContactPoint.Kind.EMAIL, email.strip().lower(), sms_capable=False
            )
            if "email" not in preferences:
                preferences.append("email")
            changed.append("email")
        fields = []
        if preferences != list(caregiver.channel_preferences or []):
            caregiver.channel_preferences = preferences
            fields.append("channel_preferences")
        if language:
            caregiver.preferred_language = registry.normalize(language)
            fields.append("preferred_language")
            changed.append("language")
        if fields:
            caregiver.save(update_fields=fields)
        AuditEntry.objects.create(
            actor_id=_actor_id(actor),
            action=AuditEntry.Action.CHANGE,
            object_type="caregiver",
            object_id=caregiver.pk,
            context=f"{context} corrected {','.join(changed) or 'nothing'}"[:300],
        )
    return caregiver
