"""Every write of the unreached-families worklist: assignments, attempts, contact corrections.

Each ``do_*`` runs in one transaction and writes an audit entry: the worklist is a list of
families, and who worked on which family is part of the record (DESIGN.md section 2, rule 8).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from juntos.insights import queries
from juntos.insights.models import Assignment, Attempt
from juntos.people import actions as people_actions
from juntos.people.models import AuditEntry, Caregiver, Staff, Student


class InputError(ValueError):
    """A request the worklist refuses, with a message per form field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _audit(by: Staff, student: Student, what: str) -> None:
    AuditEntry.objects.create(
        actor=by.user,
        action=AuditEntry.Action.CHANGE,
        object_type="student",
        object_id=student.pk,
        context=f"insights worklist: {what}"[:300],
    )


def do_assign_student(*, by: Staff, student: Student, assignee: Staff) -> Assignment:
    """Give the outreach to a student's family to a liaison of the student's school."""
    candidates = {staff.pk for staff, _speaks in queries.liaison_candidates(student)}
    if assignee.pk not in candidates:
        raise InputError({"assignee": _("Choose a liaison of this student's school.")})
    with transaction.atomic():
        assignment, _created = Assignment.objects.update_or_create(
            student=student,
            defaults={"assignee": assignee, "assigned_by": by, "assigned_at": timezone.now()},
        )
        _audit(by, student, f"assigned to staff {assignee.pk}")
    return assignment


def do_record_attempt(
    *,
    by: Staff,
    student: Student,
    method: str,
    outcome: str,
    caregiver: Caregiver | None = None,
    note: str = "",
) -> Attempt:
    """Record one try at reaching the family; a ``reached`` outcome is a two-way contact."""
    errors = {}
    if method not in Attempt.Method.values:
        errors["method"] = _("Choose how you tried.")
    if outcome not in Attempt.Outcome.values:
        errors["outcome"] = _("Choose how it went.")
    if caregiver is not None and not student.caregiver_links.filter(caregiver=caregiver).exists():
        errors["caregiver"] = _("Choose an adult of this student's family.")
    if errors:
        raise InputError(errors)
    with transaction.atomic():
        attempt = Attempt.objects.create(
            student=student,
            caregiver=caregiver,
            by=by,
            method=method,
            outcome=outcome,
            note=note[:500],
            at=timezone.now(),
        )
        _audit(by, student, f"attempt {method} {outcome}")
    return attempt


def do_correct_family_contact(
    *,
    by: Staff,
    student: Student,
    caregiver: Caregiver,
    phone: str = "",
    sms_capable: bool = True,
    email: str = "",
    language: str = "",
) -> Caregiver:
    """Correct a caregiver's phone, email or language from the worklist (people's action)."""
    if not student.caregiver_links.filter(caregiver=caregiver).exists():
        raise InputError({"caregiver": _("Choose an adult of this student's family.")})
    if not (phone or email or language):
        raise InputError({"phone": _("Enter a new phone number, email or language.")})
    return people_actions.do_correct_contact(  # type: ignore[no-any-return]
        actor=by.user,
        caregiver_id=caregiver.pk,
        phone=phone,
        sms_capable=sms_capable,
        email=email,
        language=language,
        context=f"insights worklist student {student.pk}",
    )
