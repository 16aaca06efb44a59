"""The action plan: at most three goals a year, actions with owners, and Plan-Do-Study-Act
cycles recorded step by step; norms listed in progressive-stack order; the coproduction steps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from conftest import World
from juntos.teams.actions import (
    TeamError,
    do_add_goal,
    do_add_plan_action,
    do_add_priority,
    do_add_reality,
    do_advance_cycle,
    do_propose_norm,
    do_set_vision,
    do_start_cycle,
    norms_in_stack_order,
    school_year,
)
from juntos.teams.models import Cycle, Norm
from juntos.teams.tests.helpers import room

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


def test_a_year_has_at_most_three_goals(world: World) -> None:
    r = room(world, T0)
    for title in ("Every family hears good news first", "Reading at home", "Trust"):
        do_add_goal(team=r.team, title=title, area="literacy", year="2026-2027")
    with pytest.raises(TeamError) as fourth:
        do_add_goal(team=r.team, title="A fourth", area="sel", year="2026-2027")
    assert fourth.value.code == "too_many"
    # Next year is a new plan.
    do_add_goal(team=r.team, title="Next year", area="sel", year="2027-2028")


def test_a_cycle_goes_plan_do_study_act(world: World) -> None:
    r = room(world, T0)
    goal = do_add_goal(team=r.team, title="Reach every family", area="relationships")
    action = do_add_plan_action(goal=goal, title="Call each family in September",
                                owner=r.liaison, due_on=date(2026, 9, 30))  # fmt: skip
    assert action.owner == r.liaison
    cycle = do_start_cycle(
        goal=goal, plan="Liaisons call families not reached by text",
        prediction="Reach by Somali families rises from 40% to 70%", metric="reach_delivered",
    )  # fmt: skip
    assert cycle.stage == Cycle.Stage.DO
    do_advance_cycle(cycle=cycle, text="Two liaisons made 48 calls in three weeks.")
    do_advance_cycle(cycle=cycle, text="Reach rose to 62%; evening calls worked best.")
    assert cycle.stage == Cycle.Stage.ACT and cycle.study.startswith("Reach rose")
    do_advance_cycle(cycle=cycle, text="Keep evening calls; add a Saturday session.")
    assert cycle.stage == Cycle.Stage.CLOSED
    assert (cycle.done, cycle.act) == (
        "Two liaisons made 48 calls in three weeks.",
        "Keep evening calls; add a Saturday session.",
    )
    with pytest.raises(TeamError):
        do_advance_cycle(cycle=cycle, text="More")


def test_norms_are_listed_in_progressive_stack_order(world: World) -> None:
    r = room(world, T0)
    norms = [
        do_propose_norm(team=r.team, member=r.leader, text="Start on time"),
        do_propose_norm(team=r.team, member=r.rosa, text="Everyone speaks their language"),
        do_propose_norm(team=r.team, member=r.rosa, text="Phones away"),
        do_propose_norm(team=r.team, member=r.lan, text="No acronyms"),
        do_propose_norm(team=r.team, member=r.teacher, text="Listen to understand"),
    ]
    for i, norm in enumerate(norms):  # proposed one minute apart, in the order above
        Norm.objects.filter(pk=norm.pk).update(proposed_at=T0 + timedelta(minutes=i))
    order = [n.text for n in norms_in_stack_order(r.team)]
    assert order == [
        "Everyone speaks their language",  # family, first proposal
        "No acronyms",  # family, first proposal, later
        "Phones away",  # family, second proposal
        "Listen to understand",  # teacher
        "Start on time",  # leader
    ]


def test_vision_realities_and_priorities(world: World) -> None:
    r = room(world, T0)
    year = school_year(date(2026, 10, 6))
    assert year == "2026-2027" and school_year(date(2027, 3, 1)) == "2026-2027"
    do_set_vision(team=r.team, text="Every family a partner", year=year)
    vision = do_set_vision(team=r.team, text="Every family a partner in learning", year=year)
    assert r.team.visions.get().text == vision.text
    need = do_add_reality(team=r.team, kind="need", text="Evening meetings miss shift workers",
                          year=year, theme_id=12, theme_label="Schedules")  # fmt: skip
    with pytest.raises(TeamError):
        do_add_reality(team=r.team, kind="wish", text="x", year=year)
    priority = do_add_priority(team=r.team, text="Meetings at two times", reality=need, year=year)
    assert priority.reality == need and priority.position == 0
