"""Observations on the data walk: a team member adds one to a chart (no JavaScript needed),
and a cochair or leader turns it into a team priority (a need or a strength of the team's
picture of today) or into a PDSA cycle's "study" evidence."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from conftest import World
from juntos.insights import actions, walks
from juntos.insights.models import Observation
from juntos.people import models as m
from juntos.teams import actions as team_actions
from juntos.teams.models import Cycle, Priority, Reality, Team


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.personas[persona])
    return client


def staff(world: World, persona: str) -> m.Staff:
    return m.Staff.objects.get(user=world.personas[persona])


@pytest.fixture
def team(world: World) -> Team:
    return team_actions.do_create_team(
        district_id=world.district.pk, school_id=world.north.pk, name="North partnership team"
    )


def observe(world: World, school: m.School, text: str = "Somali families are behind.") -> Any:
    return actions.do_add_observation(
        by=staff(world, "liaison"), district=world.district, school=school,
        chart=walks.REACH_LANGUAGE, kind="notice", text=text,
    )  # fmt: skip


def test_a_team_member_adds_an_observation_to_a_chart(world: World) -> None:
    response = client_for(world, "liaison").post(
        "/insights/walk/observe/",
        {"chart": walks.REACH_LANGUAGE, "kind": "wonder", "text": "Why do Somali texts fail?"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/insights/walk/?school={world.north.pk}#figure-reach-language"
    observation = Observation.objects.get()
    assert (observation.school, observation.chart, observation.kind, observation.text) == (
        world.north, walks.REACH_LANGUAGE, "wonder", "Why do Somali texts fail?",
    )  # fmt: skip
    assert observation.by == staff(world, "liaison")


def test_an_empty_observation_is_refused(world: World) -> None:
    response = client_for(world, "liaison").post(
        "/insights/walk/observe/", {"chart": walks.REACH_LANGUAGE, "kind": "notice", "text": " "}
    )

    assert response.status_code == 400
    assert not Observation.objects.exists()


def test_teachers_cannot_add_observations(world: World) -> None:
    response = client_for(world, "teacher").post(
        "/insights/walk/observe/", {"chart": walks.REACH_LANGUAGE, "kind": "notice", "text": "x"}
    )

    assert response.status_code == 403


def test_a_leader_turns_an_observation_into_a_priority(world: World, team: Team) -> None:
    observation = observe(world, world.north)

    response = client_for(world, "school_leader").post(
        f"/insights/walk/observations/{observation.pk}/priority/",
        {"team": team.pk, "kind": "need"},
    )

    assert response.status_code == 302
    priority = Priority.objects.get(team=team)
    assert priority.text == "Somali families are behind."
    assert priority.reality is not None
    assert (priority.reality.kind, priority.reality.text) == (
        Reality.Kind.NEED, "Somali families are behind.",
    )  # fmt: skip
    observation.refresh_from_db()
    assert observation.priority == priority


def test_an_observation_becomes_study_evidence_of_a_cycle(world: World, team: Team) -> None:
    goal = team_actions.do_add_goal(team=team, title="Reach every family", area="other")
    cycle = team_actions.do_start_cycle(
        goal=goal,
        plan="Call the Somali families",
        prediction="Reach goes up",
        metric="reach_delivered",
    )
    team_actions.do_advance_cycle(cycle=cycle, text="Hodan called 6 families.")
    observation = observe(world, world.north, "Somali reach went from 0% to 50%.")

    response = client_for(world, "school_leader").post(
        f"/insights/walk/observations/{observation.pk}/study/", {"cycle": cycle.pk}
    )

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert "Somali reach went from 0% to 50%." in cycle.study
    assert cycle.stage == Cycle.Stage.STUDY  # evidence does not move the cycle on
    observation.refresh_from_db()
    assert observation.cycle == cycle


def test_only_cochairs_and_leaders_turn_observations_into_priorities(
    world: World, team: Team
) -> None:
    observation = observe(world, world.north)

    response = client_for(world, "liaison").post(
        f"/insights/walk/observations/{observation.pk}/priority/",
        {"team": team.pk, "kind": "need"},
    )

    assert response.status_code == 403
    assert not Priority.objects.exists()
    # A liaison who cochairs the team may.
    team_actions.do_add_member(team=team, role="staff", staff=staff(world, "liaison"),
                               cochair=True)  # fmt: skip
    response = client_for(world, "liaison").post(
        f"/insights/walk/observations/{observation.pk}/priority/",
        {"team": team.pk, "kind": "strength"},
    )
    assert Priority.objects.get().reality.kind == "strength"  # type: ignore[union-attr]


def test_another_schools_observation_is_not_found(world: World) -> None:
    Team.objects.create(district=world.district, school=world.south, name="South team",
                        created_at=datetime(2026, 9, 1, tzinfo=UTC))  # fmt: skip
    observation = observe(world, world.south)

    response = client_for(world, "school_leader").post(
        f"/insights/walk/observations/{observation.pk}/priority/", {"team": 1, "kind": "need"}
    )

    assert response.status_code == 404
