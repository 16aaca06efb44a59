"""Counting a team's votes: consent, scores and ranked choice, overall and by role.

Pure functions over plain values (the actions load the votes).

* **Consent**: the proposal passes when nobody objects; stand-asides are counted and shown,
  because many stand-asides are a sign to listen again.
* **Score**: each option's mean score (0 to 5) over those who scored it; the highest mean wins
  (ties: the option listed first).
* **Ranked choice**: instant runoff. Each ballot counts for its highest-ranked option still in
  the race; while no option holds a majority of the ballots still counting, the option with the
  fewest is eliminated (ties: the one with the fewest first-choice votes, then the one listed
  last). Rounds are returned so that the team can see how the result came about.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ballot:
    role: str
    consent: str = ""
    scores: dict[int, int] = field(default_factory=dict)
    ranking: tuple[int, ...] = ()


@dataclass(frozen=True)
class ConsentResult:
    agree: int
    stand_aside: int
    object: int

    @property
    def passes(self) -> bool:
        return self.object == 0 and self.agree > 0


def consent(ballots: Iterable[Ballot]) -> ConsentResult:
    counts = Counter(b.consent for b in ballots if b.consent)
    return ConsentResult(counts["agree"], counts["stand_aside"], counts["object"])


@dataclass(frozen=True)
class ScoreResult:
    means: dict[int, float]  # option id → mean score
    counts: dict[int, int]  # option id → how many scored it
    winner: int | None


def score(ballots: Iterable[Ballot], options: Sequence[int]) -> ScoreResult:
    totals: dict[int, int] = dict.fromkeys(options, 0)
    counts: dict[int, int] = dict.fromkeys(options, 0)
    for ballot in ballots:
        for option, value in ballot.scores.items():
            if option in totals and 0 <= value <= 5:
                totals[option] += value
                counts[option] += 1
    means = {o: totals[o] / counts[o] for o in options if counts[o]}
    winner = None
    if means:
        best = max(means.values())
        winner = next(o for o in options if means.get(o) == best)
    return ScoreResult(means, counts, winner)


@dataclass(frozen=True)
class RankedResult:
    rounds: list[dict[int, int]]  # each round: option id → ballots counting for it
    eliminated: list[int]
    winner: int | None


def ranked(ballots: Iterable[Ballot], options: Sequence[int]) -> RankedResult:
    rankings = [[o for o in b.ranking if o in options] for b in ballots]
    rankings = [r for r in rankings if r]
    first_choices = Counter(r[0] for r in rankings)
    running = list(options)
    rounds: list[dict[int, int]] = []
    eliminated: list[int] = []
    while running:
        tally = dict.fromkeys(running, 0)
        for ranking in rankings:
            top = next((o for o in ranking if o in tally), None)
            if top is not None:
                tally[top] += 1
        rounds.append(tally)
        counting = sum(tally.values())
        if counting == 0:
            return RankedResult(rounds, eliminated, None)
        leader = max(running, key=lambda o: (tally[o], -running.index(o)))
        if tally[leader] * 2 > counting or len(running) == 1:
            return RankedResult(rounds, eliminated, leader)
        # Fewest ballots out; ties: fewest first choices, then the one listed last.
        loser = min(running, key=lambda o: (tally[o], first_choices[o], -running.index(o)))
        running.remove(loser)
        eliminated.append(loser)
    return RankedResult(rounds, eliminated, None)


def by_role(ballots: Iterable[Ballot]) -> dict[str, list[Ballot]]:
    groups: dict[str, list[Ballot]] = {}
    for ballot in ballots:
        groups.setdefault(ballot.role, []).append(ballot)
    return groups
