"""Shared fixtures: a small district and one persona per role.

``world`` builds two schools. At North: a school leader, a liaison, a counselor, and two
teachers, each with one class and one family. At South: a teacher with one class and one family.
A district admin sees everything. The "outsider" is a signed-in user with no staff record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from juntos.people import models as m
from juntos.testing import factories as f

PASSWORD = "correct horse battery staple"  # noqa: S105 - test fixture


@dataclass
class World:
    district: m.District
    north: m.School
    south: m.School
    north_class: m.Section
    north_class_2: m.Section
    south_class: m.Section
    north_student: m.Student
    north_student_2: m.Student
    south_student: m.Student
    north_family: m.Caregiver
    north_family_2: m.Caregiver
    south_family: m.Caregiver
    personas: dict[str, Any]


@pytest.fixture
def world(db: Any) -> World:
    district = f.district()
    north = f.school(district=district, name="North Elementary", slug="north")
    south = f.school(district=district, name="South Middle", slug="south")
    north_class = f.section(school=north, title="Room 4")
    north_class_2 = f.section(school=north, title="Room 7")
    south_class = f.section(school=south, title="Science 6")
    north_student = f.student(district=district, given_name="Ana")
    north_student_2 = f.student(district=district, given_name="Minh", family_name="Tran")
    south_student = f.student(district=district, given_name="Omar", family_name="Hassan")
    f.enroll(north_student, north_class)
    f.enroll(north_student_2, north_class_2)
    f.enroll(south_student, south_class)
    north_family = f.caregiver(district=district, given_name="Rosa")
    north_family_2 = f.caregiver(
        district=district, given_name="Lan", family_name="Tran", preferred_language="vi"
    )
    south_family = f.caregiver(
        district=district, given_name="Amina", family_name="Hassan", preferred_language="so"
    )
    f.link(north_family, north_student)
    f.link(north_family_2, north_student_2, m.Relationship.GRANDPARENT)
    f.link(south_family, south_student)
    personas: dict[str, Any] = {
        "district_admin": f.staff_with_role(
            m.Role.DISTRICT_ADMIN, school=None, username="admin", district=district
        ).user,
        "school_leader": f.staff_with_role(
            m.Role.SCHOOL_LEADER, school=north, username="leader", district=district
        ).user,
        "liaison": f.staff_with_role(
            m.Role.LIAISON, school=north, username="liaison", district=district, languages=("es",)
        ).user,
        "counselor": f.staff_with_role(
            m.Role.COUNSELOR, school=north, username="counselor", district=district
        ).user,
        "teacher": f.staff_with_role(
            m.Role.TEACHER, school=north, username="teacher", district=district,
            sections=(north_class,),
        ).user,
        "other_teacher": f.staff_with_role(
            m.Role.TEACHER, school=south, username="teacher_south", district=district,
            sections=(south_class,),
        ).user,
        "outsider": f.user(username="outsider"),
        "anonymous": None,
    }  # fmt: skip
    return World(
        district, north, south, north_class, north_class_2, south_class,
        north_student, north_student_2, south_student,
        north_family, north_family_2, south_family, personas,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def message_templates(request: pytest.FixtureRequest) -> None:
    """Transactional tests (a live server, a real worker) start from a flushed database, which
    also empties the template library that a data migration loaded: load it again for them."""
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
        from juntos.language.actions import do_load_message_templates

        do_load_message_templates()
