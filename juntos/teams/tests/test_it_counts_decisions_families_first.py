"""Decisions: family members are asked first, then everyone; consent, scores and ranked choice
are counted overall and by role; the outcome is recorded with its reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conftest import World
from juntos.teams import decide
from juntos.teams.actions import (
    TeamError,
    do_open_decision_to_everyone,
    do_propose_decision,
    do_record_outcome,
    do_vote,
)
from juntos.teams.queries import decision_results
from juntos.teams.tests.helpers import room

T0 = datetime(2026, 10, 6, 18, 0, tzinfo=UTC)


def test_families_vote_first_then_everyone_and_consent_needs_no_objection(world: World) -> None:
    r = room(world, T0)
    decision = do_propose_decision(
        team=r.team, title="Family nights on Saturdays",
        proposal="Move family nights to Saturday mornings.", method="consent", options=[],
    )  # fmt: skip
    with pytest.raises(TeamError) as wait:
        do_vote(decision=decision, member=r.leader, consent="agree")
    assert wait.value.code == "families_first"
    do_vote(decision=decision, member=r.rosa, consent="agree")
    do_vote(decision=decision, member=r.lan, consent="stand_aside")
    do_open_decision_to_everyone(decision=decision)
    do_vote(decision=decision, member=r.leader, consent="agree")
    do_vote(decision=decision, member=r.teacher, consent="object")

    results = decision_results(decision)
    assert results.ballots == 4
    assert (results.overall.agree, results.overall.stand_aside, results.overall.object) == (2, 1, 1)
    assert not results.overall.passes
    by_role = {role: result for role, _label, result in results.roles}
    assert (by_role["family"].agree, by_role["family"].stand_aside) == (1, 1)
    assert by_role["teacher"].object == 1 and not by_role["teacher"].passes

    # The teacher changes her vote after the discussion: a vote is replaced, not added.
    do_vote(decision=decision, member=r.teacher, consent="stand_aside")
    assert decision_results(decision).overall.passes
    with pytest.raises(TeamError):
        do_record_outcome(decision=decision, outcome="Adopted", reason=" ")
    do_record_outcome(
        decision=decision, outcome="Adopted for the spring",
        reason="No objection; two stand-asides asked for a review in June.",
    )  # fmt: skip
    with pytest.raises(TeamError) as closed:
        do_vote(decision=decision, member=r.liaison, consent="agree")
    assert closed.value.code == "decided"


def test_scores_and_rankings_are_counted_by_role(world: World) -> None:
    r = room(world, T0)
    decision = do_propose_decision(
        team=r.team, title="First priority", proposal="Which first?", method="score",
        options=["Homework help", "Interpreters at every event", "Rides"],
    )  # fmt: skip
    help_, interpret, rides = decision.options.values_list("pk", flat=True)
    do_vote(decision=decision, member=r.rosa, scores={help_: 2, interpret: 5, rides: 4})
    do_vote(decision=decision, member=r.lan, scores={help_: 1, interpret: 5, rides: 5})
    with pytest.raises(TeamError):  # every option needs a score
        do_vote(decision=decision, member=r.lan, scores={help_: 1})
    do_open_decision_to_everyone(decision=decision)
    do_vote(decision=decision, member=r.leader, scores={help_: 5, interpret: 2, rides: 1})
    results = decision_results(decision)
    # Means: help (2+1+5)/3 = 2.67, interpreters (5+5+2)/3 = 4, rides (4+5+1)/3 = 3.33.
    assert results.overall.winner == interpret
    assert results.overall.means[interpret] == pytest.approx(4.0)
    roles = {role: result for role, _label, result in results.roles}
    assert roles["leader"].winner == help_ and roles["family"].winner == interpret


def test_ranked_choice_runs_off_until_a_majority() -> None:
    a, b, c = 1, 2, 3
    ballots = (
        [decide.Ballot("family", ranking=(a, c, b))] * 4
        + [decide.Ballot("family", ranking=(b, c, a))] * 3
        + [decide.Ballot("teacher", ranking=(c, b, a))] * 2
    )
    result = decide.ranked(ballots, [a, b, c])
    # Round 1: a 4, b 3, c 2 -> no majority of 9; c out. Its 2 ballots go to b: b 5, a 4.
    assert result.rounds == [{a: 4, b: 3, c: 2}, {a: 4, b: 5}]
    assert result.eliminated == [c] and result.winner == b


def test_ranked_choice_with_a_first_round_majority_and_no_ballots() -> None:
    assert decide.ranked([decide.Ballot("family", ranking=(2, 1))] * 3, [1, 2]).winner == 2
    assert decide.ranked([], [1, 2]).winner is None
