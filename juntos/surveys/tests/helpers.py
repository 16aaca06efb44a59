"""Shared set-up for the survey tests: a North Elementary survey, more North families."""

from __future__ import annotations

import re
from typing import Any

from conftest import World
from juntos.people import models as m
from juntos.surveys.actions import OpenedWave, do_create_survey, do_open_wave
from juntos.surveys.models import Survey
from juntos.testing import factories as f

LINK = re.compile(r"https?://\S+?/surveys/t/([A-Za-z0-9_-]+)/")


def leader(world: World) -> m.Staff:
    return m.Staff.objects.get(user=world.personas["school_leader"])


def make_survey(world: World, instrument_key: str = "climate") -> Survey:
    return do_create_survey(
        by=leader(world), school=world.north, instrument_key=instrument_key, title="Family survey"
    )


def add_north_families(world: World, count: int, language: str = "es") -> list[m.Caregiver]:
    """``count`` more families in Room 4, each with one child."""
    made = []
    for n in range(count):
        student = f.student(district=world.district, given_name=f"Child{n}")
        f.enroll(student, world.north_class)
        caregiver = f.caregiver(
            district=world.district, given_name=f"Parent{n}", preferred_language=language
        )
        f.link(caregiver, student)
        made.append(caregiver)
    return made


def open_wave(world: World, survey: Survey, name: str = "Fall 2026") -> OpenedWave:
    return do_open_wave(by=leader(world), survey=survey, name=name, base_url="http://testserver/")


def answers(**values: Any) -> dict[str, list[str]]:
    """Posted form data: question id → the option keys chosen."""
    return {
        key: value if isinstance(value, list) else [str(value)] for key, value in values.items()
    }
