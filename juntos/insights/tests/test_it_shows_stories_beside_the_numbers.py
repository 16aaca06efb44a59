"""Stories beside numbers: a staff member attaches a story or quote to a chart (or a team goal)
with the teller's consent recorded; names on the roster, phone numbers and emails are masked
unless the teller asked to be named; the story shows beside its chart on the walk page and in
the printed walk."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from conftest import World
from juntos.insights import actions, walks
from juntos.insights.models import Story
from juntos.insights.tests.test_it_shows_the_walk_page import walk_school
from juntos.people import models as m
from juntos.teams import actions as team_actions

QUOTE = "Rosa told us she never got the texts; call her at +1 555 123 4567."


def leader_client(world: World) -> Client:
    client = Client()
    client.force_login(world.personas["school_leader"])
    return client


def test_a_story_with_consent_is_shown_beside_its_chart_with_names_masked(world: World) -> None:
    walk_school(world)
    client = leader_client(world)

    response = client.post(
        "/insights/walk/story/",
        {"key": walks.REACH_LANGUAGE, "text": QUOTE, "language": "en", "consent": "on"},
    )

    assert response.status_code == 302
    story = Story.objects.get()
    assert story.anonymised
    assert story.consent
    assert story.consent_recorded_by == m.Staff.objects.get(user=world.personas["school_leader"])
    assert "Rosa" not in story.text
    assert "555" not in story.text
    assert story.text.startswith(actions.MASK)
    html = client.get("/insights/walk/").content.decode()
    figure = html.index(f'id="figure-{walks.REACH_LANGUAGE}"')
    section_end = html.index("</section>", figure)
    assert story.text in html[figure:section_end]


def test_a_story_without_consent_is_refused(world: World) -> None:
    walk_school(world)

    response = leader_client(world).post(
        "/insights/walk/story/", {"key": walks.REACH_LANGUAGE, "text": QUOTE, "language": "en"}
    )

    assert response.status_code == 400
    assert not Story.objects.exists()
    with pytest.raises(actions.InputError):
        actions.do_add_story(
            by=m.Staff.objects.get(user=world.personas["school_leader"]),
            district=world.district, school=world.north, text=QUOTE, language="en",
            consent=False, key=walks.REACH_LANGUAGE,
        )  # fmt: skip


def test_a_teller_who_asks_to_be_named_keeps_their_name(world: World) -> None:
    story = actions.do_add_story(
        by=m.Staff.objects.get(user=world.personas["liaison"]),
        district=world.district, school=world.north, text="Rosa: the reading night helped.",
        language="es", consent=True, key=walks.EVENTS_LANGUAGE, named=True,
    )  # fmt: skip

    assert story.text == "Rosa: the reading night helped."
    assert not story.anonymised


def test_a_story_can_speak_to_a_team_goal(world: World) -> None:
    team = team_actions.do_create_team(
        district_id=world.district.pk, school_id=world.north.pk, name="North team"
    )
    goal = team_actions.do_add_goal(team=team, title="Reach every family", area="other")

    story = actions.do_add_story(
        by=m.Staff.objects.get(user=world.personas["school_leader"]),
        district=world.district, school=world.north, text="A grandmother came for the first time.",
        language="en", consent=True, goal=goal,
    )  # fmt: skip

    assert story.goal == goal
    with pytest.raises(actions.InputError):
        actions.do_add_story(
            by=m.Staff.objects.get(user=world.personas["school_leader"]),
            district=world.district, school=world.south, text="x", language="en",
            consent=True, goal=goal,
        )  # fmt: skip


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_the_printed_walk_prints_the_story_beside_its_chart(world: World, tmp_path: Path) -> None:
    walk_school(world)
    actions.do_add_story(
        by=m.Staff.objects.get(user=world.personas["school_leader"]),
        district=world.district, school=world.north, language="en", consent=True,
        text="A mother said the texts came in English only.", key=walks.REACH_LANGUAGE,
    )  # fmt: skip

    response = leader_client(world).get("/insights/walk/?format=pdf&lang=es")

    pdf = tmp_path / "walk.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert " ".join(text.split()).count("A mother said the texts came in English only.") == 2
