"""Who speaks next, and who spoke: the progressive stack and the voice balance of a meeting.

Pure functions over plain values, so that the rules can be read and tested apart from the
database (seed 003: progressive stacking and measuring the balance of voice).

**Progressive stack.** People who ask to speak wait in a queue ordered by

1. distance from school power: family members and community partners first, then liaisons,
   then teachers, then school leaders (each member's ``power_rank``, 0 = furthest from power;
   a team can change a member's rank);
2. then who has not spoken yet in this meeting before who has (fewer turns first);
3. then time of asking (earlier first).

**Voice balance.** For each role: its share of turns and of speaking time, beside its share of
the members present. A role that holds 50% of the seats and 20% of the time is heard less than
its place at the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Request:
    """A member waiting to speak."""

    member_id: int
    power_rank: int
    turns_so_far: int
    asked_at: datetime


def stack_order(requests: Iterable[Request]) -> list[Request]:
    """The queue in the order people are called (see the module's docstring)."""
    return sorted(
        requests,
        key=lambda r: (r.power_rank, r.turns_so_far > 0, r.turns_so_far, r.asked_at, r.member_id),
    )


@dataclass(frozen=True)
class Turn:
    member_id: int
    role: str
    seconds: float


@dataclass(frozen=True)
class RoleBalance:
    role: str
    present: int
    turns: int
    seconds: float
    share_present: float
    share_turns: float
    share_seconds: float

    @property
    def time_index(self) -> float | None:
        """Share of time over share of seats: 1 is a fair hearing, under 1 heard less."""
        if self.share_present == 0:
            return None
        return self.share_seconds / self.share_present


def voice_balance(
    turns: Iterable[Turn], present_roles: Mapping[int, str], *, roles: Iterable[str] = ()
) -> list[RoleBalance]:
    """Turns and seconds by role against the members present (``member id → role``).

    A turn by someone not marked present still counts (people arrive late); their role is
    counted as present too. ``roles`` lists roles to show even when absent, in order.
    """
    turns = list(turns)
    present = dict(present_roles)
    for turn in turns:
        present.setdefault(turn.member_id, turn.role)
    order = list(dict.fromkeys([*roles, *present.values(), *(t.role for t in turns)]))
    total_present = len(present)
    total_turns = len(turns)
    total_seconds = sum(t.seconds for t in turns)

    def share(part: float, whole: float) -> float:
        return part / whole if whole else 0.0

    result = []
    for role in order:
        seats = sum(1 for r in present.values() if r == role)
        role_turns = [t for t in turns if t.role == role]
        seconds = sum(t.seconds for t in role_turns)
        result.append(
            RoleBalance(
                role=role,
                present=seats,
                turns=len(role_turns),
                seconds=seconds,
                share_present=share(seats, total_present),
                share_turns=share(len(role_turns), total_turns),
                share_seconds=share(seconds, total_seconds),
            )
        )
    return result
