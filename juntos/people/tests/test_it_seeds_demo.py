"""``seed_demo`` builds the same demo district for the same seed, and only once unless reset."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from juntos.people import demo
from juntos.people.models import (
    Caregiver,
    CaregiverLink,
    ContactPoint,
    ContactWindow,
    District,
    Section,
    Staff,
    Student,
    StudentEnrollment,
)

SMALL = 300


def _dump() -> dict[str, list[str]]:
    """The demo district's content, keyed by content (never by database id), in a stable order.

    Two builds into different databases (or after a delete) give different ids but, for the
    same seed, must give the same dump.
    """
    district = District.objects.get(slug=demo.DISTRICT_SLUG)
    number = dict(Student.objects.filter(district=district).values_list("id", "identifier"))
    per_caregiver: dict[int, dict[str, list[str]]] = {}

    def add(caregiver_id: int, key: str, row: Any) -> None:
        per_caregiver.setdefault(caregiver_id, {}).setdefault(key, []).append(repr(row))

    for contact in ContactPoint.objects.filter(caregiver__district=district).values_list(
        "caregiver_id", "kind", "value", "label", "sms_capable", "opted_out_at", "from_roster"
    ):
        add(contact[0], "contacts", contact[1:])
    for window in ContactWindow.objects.filter(caregiver__district=district).values_list(
        "caregiver_id", "weekdays", "start", "end"
    ):
        add(window[0], "windows", window[1:])
    for link in CaregiverLink.objects.filter(caregiver__district=district).values_list(
        "caregiver_id", "student_id", "relationship", "may_contact", "is_primary",
        "lives_with_student",
    ):  # fmt: skip
        add(link[0], "links", (number[link[1]], *link[2:]))
    caregivers = [
        repr((row[1:], sorted((k, sorted(v)) for k, v in per_caregiver.get(row[0], {}).items())))
        for row in Caregiver.objects.filter(district=district).values_list(
            "id", "given_name", "family_name", "preferred_language", "other_languages",
            "reads_preferred_language", "channel_preferences", "time_zone",
            "needs_interpretation", "needs_childcare", "needs_transport", "sms_consent_at",
            "sms_consent_method",
        )
    ]  # fmt: skip
    students = [
        repr(row)
        for row in Student.objects.filter(district=district).values_list(
            "identifier", "given_name", "family_name", "grade", "home_language",
            "schools__slug", "demographics__sex", "demographics__hispanic_or_latino",
            "demographics__white", "demographics__black_or_african_american",
            "demographics__asian", "demographics__two_or_more_races",
        )
    ]  # fmt: skip
    enrolled: dict[int, list[str]] = {}
    for section_id, student_id in StudentEnrollment.objects.filter(
        section__school__district=district
    ).values_list("section_id", "student_id"):
        enrolled.setdefault(section_id, []).append(number[student_id])
    sections = [
        repr((*row[1:], sorted(enrolled.get(row[0], []))))
        for row in Section.objects.filter(school__district=district).values_list(
            "id", "school__slug", "title", "code", "kind", "grades", "course__title",
            "assignments__staff__user__username",
        )
    ]  # fmt: skip
    staff = [
        repr(row)
        for row in Staff.objects.filter(district=district).values_list(
            "user__username", "given_name", "family_name", "email", "languages", "title",
            "roles__role", "roles__school__slug",
        )
    ]  # fmt: skip
    return {
        "caregivers": sorted(caregivers),
        "students": sorted(students),
        "sections": sorted(sections),
        "staff": sorted(staff),
    }


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_district_and_another_seed_differs() -> None:
    first = demo.build_demo_district(seed=7, students=SMALL)
    dump = _dump()
    assert len(dump["students"]) == SMALL

    assert demo.delete_demo_district()
    assert not District.objects.filter(slug=demo.DISTRICT_SLUG).exists()
    assert not get_user_model().objects.filter(username="admin").exists()
    again = demo.build_demo_district(seed=7, students=SMALL)
    assert _dump() == dump
    assert [(f.name, f.language) for f in again.families] == [
        (f.name, f.language) for f in first.families
    ]
    assert again.sign_ins == first.sign_ins
    assert again.counts == first.counts

    demo.delete_demo_district()
    demo.build_demo_district(seed=8, students=SMALL)
    other = _dump()
    assert other["caregivers"] != dump["caregivers"]
    assert other["students"] != dump["students"]


@pytest.mark.django_db
def test_the_command_refuses_a_second_run_and_reset_rebuilds() -> None:
    out = StringIO()
    call_command("seed_demo", "--seed", "7", "--students", "150", stdout=out)
    printed = out.getvalue()
    assert "Built Riverside Unified School District (seed 7)" in printed
    assert "students" in printed and "150" in printed
    for username in ("admin", "leader.maple-hill", "liaison2.roosevelt", "teacher.riverside-high"):
        assert username in printed
    assert demo.DEMO_PASSWORD in printed
    assert "Demo family: " in printed and "(Spanish), caregiver id " in printed
    assert "(Vietnamese), caregiver id " in printed
    assert "/family/link/" in printed
    old_caregivers = list(Caregiver.objects.values_list("id", flat=True))
    users = get_user_model().objects.count()

    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--seed", "7", "--students", "150", stdout=StringIO())
    assert Caregiver.objects.count() == len(old_caregivers)

    out = StringIO()
    call_command("seed_demo", "--seed", "9", "--students", "160", "--reset", stdout=out)
    assert "Deleted the existing demo district." in out.getvalue()
    assert District.objects.filter(slug=demo.DISTRICT_SLUG).count() == 1
    assert Student.objects.count() == 160
    assert not Caregiver.objects.filter(id__in=old_caregivers).exists()
    assert get_user_model().objects.count() == users


@pytest.mark.django_db
def test_if_missing_builds_once_then_prints_the_same_sign_ins() -> None:
    first = StringIO()
    call_command("seed_demo", "--seed", "7", "--students", "150", "--if-missing", stdout=first)
    assert "Built Riverside Unified School District" in first.getvalue()
    caregivers = Caregiver.objects.count()

    again = StringIO()
    call_command("seed_demo", "--seed", "7", "--students", "150", "--if-missing", stdout=again)
    assert "already built" in again.getvalue()
    assert Caregiver.objects.count() == caregivers

    def sign_in_and_family_lines(text: str) -> list[str]:
        return [
            line
            for line in text.splitlines()
            if "juntos-demo" in line or line.startswith(("Demo family", "  More teachers"))
        ]

    assert sign_in_and_family_lines(again.getvalue()) == sign_in_and_family_lines(first.getvalue())


@pytest.mark.django_db
def test_the_command_leaves_other_districts_and_users_alone() -> None:
    other = District.objects.create(name="Lakeside Schools", slug="lakeside")
    get_user_model().objects.create_user(username="someone", password=None)
    call_command("seed_demo", "--students", "120", stdout=StringIO())
    call_command("seed_demo", "--students", "120", "--reset", stdout=StringIO())
    assert District.objects.filter(pk=other.pk).exists()
    assert get_user_model().objects.filter(username="someone").exists()


@pytest.mark.django_db
def test_the_command_refuses_when_a_demo_user_name_is_taken() -> None:
    get_user_model().objects.create_user(username="admin", password=None)
    with pytest.raises(CommandError, match="admin"):
        call_command("seed_demo", "--students", "120", stdout=StringIO())
    assert not District.objects.filter(slug=demo.DISTRICT_SLUG).exists()


@pytest.mark.django_db
def test_the_command_refuses_too_few_students() -> None:
    with pytest.raises(CommandError, match="at least"):
        call_command("seed_demo", "--students", "10", stdout=StringIO())
    assert not District.objects.exists()


FORBIDDEN = ("birth", "country", "immigra", "citizen", "visa", "passport", "nationality", "alien")


@pytest.mark.django_db
def test_nothing_about_birth_country_or_immigration_is_stored() -> None:
    for model in apps.get_app_config("people").get_models():
        for model_field in model._meta.get_fields():
            name = model_field.name.lower()
            assert not any(word in name for word in FORBIDDEN), (model.__name__, name)
    demo.build_demo_district(seed=7, students=SMALL)
    text = " ".join(line for lines in _dump().values() for line in lines).lower()
    assert not any(word in text for word in FORBIDDEN)
