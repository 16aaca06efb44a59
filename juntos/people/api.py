"""JSON API for people (django-ninja). Thin: it calls the same queries and actions as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from juntos.people import queries
from juntos.people.models import Caregiver

router = Router(tags=["people"], auth=django_auth)


class RoleOut(Schema):
    role: str
    school_id: int | None


class MeOut(Schema):
    id: int
    name: str
    languages: list[str]
    roles: list[RoleOut]


class ContactOut(Schema):
    kind: str
    value: str
    sms_capable: bool
    opted_out: bool


class LinkOut(Schema):
    student_id: int
    student_name: str
    relationship: str
    may_contact: bool


class CaregiverOut(Schema):
    id: int
    given_name: str
    family_name: str
    preferred_language: str
    other_languages: list[str]
    reads_preferred_language: bool
    channel_preferences: list[str]


class CaregiverDetailOut(CaregiverOut):
    contacts: list[ContactOut]
    students: list[LinkOut]


class StudentOut(Schema):
    id: int
    given_name: str
    family_name: str
    grade: str
    home_language: str
    school_ids: list[int]


def _require_staff(request: HttpRequest) -> queries.Scope:
    scope = queries.scope_for(request.user)
    if not scope.is_staff_member:
        raise HttpError(403, "Only staff may use this API.")
    return scope


def _caregiver_out(caregiver: Caregiver) -> dict[str, Any]:
    return {
        "id": caregiver.pk,
        "given_name": caregiver.given_name,
        "family_name": caregiver.family_name,
        "preferred_language": caregiver.preferred_language,
        "other_languages": caregiver.other_languages,
        "reads_preferred_language": caregiver.reads_preferred_language,
        "channel_preferences": caregiver.channel_preferences,
    }


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    scope = _require_staff(request)
    assert scope.staff is not None  # noqa: S101 - guaranteed by _require_staff
    return {
        "id": scope.staff.pk,
        "name": scope.staff.display_name,
        "languages": scope.staff.languages,
        "roles": [
            {"role": role.role, "school_id": role.school_id} for role in scope.staff.roles.all()
        ],
    }


@router.get("/caregivers", response=list[CaregiverOut])
def list_caregivers(request: HttpRequest, q: str = "", limit: int = 50) -> list[dict[str, Any]]:
    _require_staff(request)
    families = queries.find_caregivers(
        request.user, q[:100], context=f"api {request.path}", limit=max(1, min(limit, 200))
    )
    return [_caregiver_out(family) for family in families]


@router.get("/caregivers/{caregiver_id}", response=CaregiverDetailOut)
def get_caregiver(request: HttpRequest, caregiver_id: int) -> dict[str, Any]:
    _require_staff(request)
    caregiver = queries.access_caregiver(request.user, caregiver_id, context=f"api {request.path}")
    return {
        **_caregiver_out(caregiver),
        "contacts": [
            {
                "kind": c.kind,
                "value": c.value,
                "sms_capable": c.sms_capable,
                "opted_out": c.opted_out_at is not None,
            }
            for c in caregiver.contacts.order_by("kind", "value")
        ],
        "students": [
            {
                "student_id": link.student_id,
                "student_name": link.student.display_name,
                "relationship": link.relationship,
                "may_contact": link.may_contact,
            }
            for link in queries.links_visible_to(request.user, caregiver)
        ],
    }


@router.get("/students/{student_id}", response=StudentOut)
def get_student(request: HttpRequest, student_id: int) -> dict[str, Any]:
    _require_staff(request)
    student = queries.access_student(request.user, student_id, context=f"api {request.path}")
    return {
        "id": student.pk,
        "given_name": student.given_name,
        "family_name": student.family_name,
        "grade": student.grade,
        "home_language": student.home_language,
        "school_ids": list(student.school_links.values_list("school_id", flat=True)),
    }
