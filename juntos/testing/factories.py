"""factory-boy factories for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from juntos.people import models as m
from juntos.people.actions import district_admin_group


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.District
        django_get_or_create = ("slug",)

    name = "Riverside Unified"
    slug = "riverside"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    sourced_id = factory.Sequence(lambda n: f"org-{n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Section

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"Class {n}")
    sourced_id = factory.Sequence(lambda n: f"class-{n}")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Student

    district = factory.SubFactory(DistrictFactory)
    given_name = factory.Sequence(lambda n: f"Student{n}")
    family_name = "Lopez"
    grade = "03"
    sourced_id = factory.Sequence(lambda n: f"stu-{n}")


class CaregiverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Caregiver

    district = factory.SubFactory(DistrictFactory)
    given_name = factory.Sequence(lambda n: f"Caregiver{n}")
    family_name = "Lopez"
    preferred_language = "es"
    channel_preferences = factory.LazyFunction(lambda: ["sms", "email"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Staff

    user = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    given_name = factory.Sequence(lambda n: f"Staff{n}")
    family_name = "Member"


T = TypeVar("T")


def _typed(factory_class: Any, model: type[T]) -> Callable[..., T]:
    """A typed front for a factory class (factory-boy ships no type information)."""

    def make(**kwargs: Any) -> T:
        return cast(T, factory_class(**kwargs))

    return make


district = _typed(DistrictFactory, m.District)
school = _typed(SchoolFactory, m.School)
section = _typed(SectionFactory, m.Section)
student = _typed(StudentFactory, m.Student)
caregiver = _typed(CaregiverFactory, m.Caregiver)
user = _typed(UserFactory, User)
staff = _typed(StaffFactory, m.Staff)


def enroll(student: m.Student, section: m.Section) -> None:
    m.StudentSchool.objects.get_or_create(student=student, school=section.school)
    m.StudentEnrollment.objects.get_or_create(student=student, section=section)


def link(
    caregiver: m.Caregiver,
    student: m.Student,
    relationship: str = m.Relationship.MOTHER,
    *,
    may_contact: bool = True,
) -> m.CaregiverLink:
    return m.CaregiverLink.objects.create(
        caregiver=caregiver, student=student, relationship=relationship, may_contact=may_contact
    )


def staff_with_role(
    role: str,
    *,
    school: m.School | None,
    username: str,
    district: m.District,
    sections: tuple[m.Section, ...] = (),
    languages: tuple[str, ...] = (),
) -> m.Staff:
    account = user(username=username, is_staff=role == m.Role.DISTRICT_ADMIN)
    if role == m.Role.DISTRICT_ADMIN:
        account.groups.add(district_admin_group())
    member = staff(user=account, district=district, languages=list(languages))
    m.StaffRole.objects.create(staff=member, role=role, school=school)
    for assigned in sections:
        m.SectionAssignment.objects.create(staff=member, section=assigned)
    return member
