"""The data walk page (/insights/walk/): charts built from the metrics, the Somali families
visibly behind on reach, charts with no data left out, the notice/wonder prompts, and the
printable PDF in English and Spanish.

``walk_school`` (also used by the browser test) gives North Elementary 8 Spanish-speaking
families, all reached, and 6 Somali-speaking families whose texts failed; five Spanish-speaking
mothers wrote this week and were answered within the hour.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from juntos.insights import walks
from juntos.messaging.models import Conversation, Delivery, Message
from juntos.people import models as m
from juntos.testing import factories as f

_keys = count()


def _deliver(caregiver: m.Caregiver, message: Message, status: str) -> None:
    at = message.created_at
    Delivery.objects.create(
        message=message, caregiver=caregiver, channel="sms", to=f"+1555000{next(_keys):04d}",
        language=caregiver.preferred_language, status=status,
        idempotency_key=f"walk-{next(_keys)}", created_at=at, updated_at=at,
    )  # fmt: skip


def walk_school(world: World) -> m.Staff:
    """North: 8 Spanish-speaking families reached, 6 Somali-speaking ones not."""
    leader = m.Staff.objects.get(user=world.personas["school_leader"])
    now = timezone.now()
    news = Message.objects.create(
        direction="out", kind="announcement", author=leader, body="News", language="en",
        created_at=now - timedelta(days=6),
    )  # fmt: skip
    m.Student.objects.filter(pk__in=[world.north_student.pk, world.north_student_2.pk]).update(
        home_language="es"
    )
    spanish = [world.north_family, world.north_family_2]
    for i in range(6):
        student = f.student(district=world.district, given_name=f"Lucas{i}",
                            family_name="Garcia", home_language="es")  # fmt: skip
        f.enroll(student, world.north_class)
        mother = f.caregiver(district=world.district, given_name=f"Elena{i}",
                             family_name="Garcia")  # fmt: skip
        f.link(mother, student)
        spanish.append(mother)
    for caregiver in spanish:
        _deliver(caregiver, news, "delivered")
    for i in range(6):
        student = f.student(district=world.district, given_name=f"Hawa{i}",
                            family_name="Abdi", home_language="so")  # fmt: skip
        f.enroll(student, world.north_class_2)
        mother = f.caregiver(district=world.district, given_name=f"Sahra{i}",
                             family_name="Abdi", preferred_language="so")  # fmt: skip
        f.link(mother, student)
        _deliver(mother, news, "failed")
    for caregiver in spanish[2:7]:
        conversation = Conversation.objects.create(caregiver=caregiver, school=world.north,
                                                   owner=leader)  # fmt: skip
        asked = now - timedelta(days=2)
        Message.objects.create(conversation=conversation, direction="in", kind="reply",
                               body="Hola", language="es", created_at=asked)  # fmt: skip
        Message.objects.create(conversation=conversation, direction="out", kind="reply",
                               author=leader, body="Hi", language="en",
                               created_at=asked + timedelta(hours=1))  # fmt: skip
    return leader


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def spec_of(html: str, key: str) -> dict[str, Any]:
    marker = f'<script id="chart-{key}" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start : html.index("</script>", start)])  # type: ignore[no-any-return]


def test_the_walk_shows_the_somali_families_behind_against_enrollment(world: World) -> None:
    walk_school(world)

    response = client_for(world, "school_leader").get("/insights/walk/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Data walk: North Elementary" in html
    spec = spec_of(html, walks.REACH_LANGUAGE)
    points = [
        (point["group"], point["measure"], point["value"])
        for layer in spec["layer"]
        if layer.get("mark", {}).get("type") == "point"
        for point in layer["data"]["values"]
    ]
    assert ("Somali", "Families reached", 0.0) in points
    assert ("Somali", "Share of enrollment", 6 / 14) in points
    assert ("Spanish", "Families reached", 1.0) in points
    # Each chart asks the two questions and has a form for an observation.
    charts = html.count('class="walk-item"')
    assert charts >= 3
    assert html.count("<strong>What do you notice? What do you wonder?</strong>") == charts
    assert f'name="chart" value="{walks.REACH_LANGUAGE}"' in html
    # The follow-up chart: five messages this week, all answered within two days.
    assert f'id="chart-{walks.FOLLOW_UP_WEEKS}"' in html


def test_charts_with_no_data_yet_are_left_out(world: World) -> None:
    walk_school(world)

    html = client_for(world, "school_leader").get("/insights/walk/").content.decode()

    # Nobody was invited to an event and nobody answered a readiness questionnaire.
    assert f'id="chart-{walks.EVENTS_LANGUAGE}"' not in html
    assert f'id="chart-{walks.READINESS}"' not in html
    # One school: no chart by school.
    assert f'id="chart-{walks.REACH_SCHOOL}"' not in html


def test_a_new_school_with_no_data_has_an_empty_walk(world: World) -> None:
    html = client_for(world, "school_leader").get("/insights/walk/").content.decode()

    assert "There is no data to walk through yet." in html
    assert "data-vega-spec" not in html


def test_teachers_may_not_open_the_walk(world: World) -> None:
    walk_school(world)

    assert client_for(world, "teacher").get("/insights/walk/").status_code == 403
    assert client_for(world, "counselor").get("/insights/walk/").status_code == 403


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_the_printed_walk_has_the_spanish_titles(world: World, tmp_path: Path) -> None:
    walk_school(world)

    response = client_for(world, "school_leader").get("/insights/walk/?format=pdf&lang=es")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "walk.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Families reached by home language" in text
    assert "Familias alcanzadas por idioma del hogar" in text
    assert "¿Qué notan?" in text
    assert "What do you notice?" in text


def test_the_walk_sets_staff_and_families_readiness_side_by_side(world: World) -> None:
    from juntos.insights import actions, readiness
    from juntos.insights.models import ReadinessWave

    walk_school(world)
    wave = actions.do_open_readiness_wave(district=world.district, school=world.north)
    items = readiness.load_instrument().items
    for n in range(5):
        person = f.staff_with_role(m.Role.TEACHER, school=world.north, username=f"t{n}",
                                   district=world.district)  # fmt: skip
        actions.do_answer_readiness_as_staff(
            wave=wave, staff=person, language="en", answers={item.id: 4 for item in items}
        )
    for _ in range(3):  # three families: their side is drawn as "fewer than 5"
        token = actions.do_create_readiness_token(wave=wave, language="es")
        actions.do_answer_readiness_by_token(token=token, answers={item.id: 2 for item in items})
    assert ReadinessWave.objects.count() == 1

    html = client_for(world, "school_leader").get("/insights/walk/").content.decode()

    spec = spec_of(html, walks.READINESS)
    shown = [
        (value["side"], value["value"])
        for layer in spec["layer"]
        if layer.get("mark", {}).get("type") == "bar"
        for value in layer["data"]["values"]
    ]
    assert ("Staff", 4.0) in shown
    assert not any(side == "Families" for side, _value in shown)
    assert "2.0" not in json.dumps(spec)


def test_the_printed_walk_speaks_the_teams_languages(world: World) -> None:
    from juntos.teams import actions as team_actions

    team = team_actions.do_create_team(
        district_id=world.district.pk, school_id=world.north.pk, name="North team"
    )
    team_actions.do_add_member(team=team, role="family", caregiver=world.north_family_2,
                               languages=["vi"])  # fmt: skip
    team_actions.do_add_member(team=team, role="community", name="Hodan", languages=["so", "en"])

    assert walks.print_languages(world.north, "") == ["en", "es", "vi", "so"]
    assert walks.print_languages(world.north, "ar,xx-invalid,ar") == ["en", "ar"]
    assert walks.print_languages(world.south, "") == ["en", "es"]
