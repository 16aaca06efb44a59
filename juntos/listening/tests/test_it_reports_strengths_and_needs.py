"""The strengths-and-needs report of a school: its exchanges' themes by the kind staff gave
them, sizes under 5 suppressed (and their quotes left out), as a page and as a PDF; another
school's teacher gets a 404."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from conftest import World
from juntos.listening.models import ThemeMember
from juntos.listening.tests.analysis_data import theme_exchange
from juntos.listening.tests.helpers import staff_client

HOMEWORK_ES = "Demasiada tarea para los niños pequeños cada noche"
LATE_ES = "El autobús escolar llega tarde todas las mañanas"


def prepared(world: World, capture: Any) -> Any:
    exchange, ideas = theme_exchange(world)
    leader = staff_client(world, "school_leader")
    with capture(execute=True):
        leader.post(f"/listening/exchanges/{exchange.pk}/themes/recompute/")
    homework = ThemeMember.objects.get(idea=ideas[HOMEWORK_ES]).theme
    late = ThemeMember.objects.get(idea=ideas[LATE_ES]).theme
    leader.post(f"/listening/themes/{homework.pk}/rename/", {"name": "Homework load"})
    leader.post(f"/listening/themes/{homework.pk}/sort/", {"kind": "need"})
    leader.post(f"/listening/themes/{late.pk}/rename/", {"name": "Late buses"})
    leader.post(f"/listening/themes/{late.pk}/sort/", {"kind": "strength"})
    return exchange, ideas


def test_the_report_page(world: World, django_capture_on_commit_callbacks: Any) -> None:
    prepared(world, django_capture_on_commit_callbacks)
    response = staff_client(world, "teacher").get(f"/listening/schools/{world.north.pk}/report/")
    assert response.status_code == 200
    html = response.content.decode()
    needs = html.split('data-testid="kind-need"')[1].split("</section>")[0]
    strengths = html.split('data-testid="kind-strength"')[1].split("</section>")[0]
    assert "Homework load" in needs and "5 ideas" in needs
    assert HOMEWORK_ES in needs and "Too much homework for little children" in needs
    # Three ideas: no count, no quotes.
    assert "Late buses" in strengths and "fewer than 5 ideas" in strengths
    assert "3 ideas" not in strengths and LATE_ES not in strengths
    assert "Homework load" not in strengths


def test_the_report_as_a_pdf(
    world: World, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    prepared(world, django_capture_on_commit_callbacks)
    response = staff_client(world, "district_admin").get(
        f"/listening/schools/{world.north.pk}/report/?format=pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Strengths and needs: North Elementary" in text
    assert "Homework load" in text and "Late buses" in text
    assert "fewer than 5 ideas" in text


def test_another_school_cannot_read_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    prepared(world, django_capture_on_commit_callbacks)
    south = staff_client(world, "other_teacher")
    assert south.get(f"/listening/schools/{world.north.pk}/report/").status_code == 404
    assert south.get(f"/listening/schools/{world.north.pk}/report/?format=pdf").status_code == 404
    # Their own school's report has none of North's themes.
    own = south.get(f"/listening/schools/{world.south.pk}/report/").content.decode()
    assert "Homework load" not in own
