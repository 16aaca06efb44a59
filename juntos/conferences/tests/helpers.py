"""Shared set-up of the conference tests: the `world` teacher's slots and a Vietnamese family."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from juntos.conferences.models import ConferenceSlot
from juntos.people import models as m
from juntos.testing import factories as f

# Tomorrow's meetings start here (a fixed hour keeps the tests readable).
HOUR = 15


def staff_of(world: Any, persona: str) -> m.Staff:
    return m.Staff.objects.get(user=world.personas[persona])


def tomorrow_at(hour: int, minute: int = 0, *, days: int = 1) -> datetime:
    base = timezone.localtime() + timedelta(days=days)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


def slot(teacher: m.Staff, school: m.School, start: datetime, minutes: int = 20) -> ConferenceSlot:
    return ConferenceSlot.objects.create(
        teacher=teacher,
        school=school,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        place="Room 4",
    )


def vietnamese_family(world: Any) -> m.Caregiver:
    """Lan (Vietnamese) is the grandmother of Minh, now also in the teacher's Room 4."""
    f.enroll(world.north_student_2, world.north_class)
    return world.north_family_2  # type: ignore[no-any-return]


def vietnamese_liaison(world: Any, username: str = "liaison_vi") -> m.Staff:
    return f.staff_with_role(
        m.Role.LIAISON,
        school=world.north,
        username=username,
        district=world.district,
        languages=("vi", "en"),
    )
