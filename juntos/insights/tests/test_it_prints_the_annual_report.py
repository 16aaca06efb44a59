"""The annual family-partnership report: the data walk's charts with their stories, the action
plan, "you said, we did" and the team pulse, as a PDF in English or Spanish."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.test import Client

from juntos.commitments.actions import do_create_commitment
from juntos.insights.tests.district import build
from juntos.teams.actions import do_add_goal, do_add_plan_action, do_create_team


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_report_gathers_charts_plan_and_commitments(db: Any, tmp_path: Path) -> None:
    hand = build()
    team = do_create_team(district_id=hand.district.pk, school_id=hand.north.pk, name="North team")
    goal = do_add_goal(team=team, title="Reading at home in every language", area="literacy")
    do_add_plan_action(goal=goal, title="Lend bilingual books at family nights")
    do_create_commitment(by=hand.leader, school=hand.north, kind="action",
                         title="Interpreters at every family meeting")  # fmt: skip
    client = Client()
    client.force_login(hand.leader.user)

    english = client.get(f"/insights/report.pdf?school={hand.north.pk}")
    assert english.status_code == 200 and english["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(english.content, tmp_path).split())
    for expected in ("Family partnership report, school year", "North Elementary",
                     "Who we reached and who we heard", "Our action plan",
                     "Reading at home in every language", "Lend bilingual books",
                     "You said, we did", "Interpreters at every family meeting",
                     "Did families feel heard?"):  # fmt: skip
        assert expected in text, expected

    spanish = client.get(f"/insights/report.pdf?school={hand.north.pk}&lang=es")
    text = " ".join(pdf_text(spanish.content, tmp_path).split())
    assert "Informe de colaboración con las familias" in text
    assert "Nuestro plan de acción" in text

    teacher = Client()
    teacher.force_login(hand.teacher.user)
    assert teacher.get("/insights/report.pdf").status_code == 403
