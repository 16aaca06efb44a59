"""Small-cell suppression: no published figure may describe fewer than five people.

DESIGN.md section 2 (rule 7) and docs/privacy.md: every aggregate of people shown in a page, a
PDF, a CSV export or the API goes through this module first. Two rules:

1. **Primary**: a count from 1 to ``MINIMUM - 1`` is suppressed. Zero is shown: "no Somali
   family was reached" describes nobody, and it is exactly what a school must see.
2. **Complementary**: where a total is shown, the suppressed cells of a line must not be
   recoverable by subtraction. So a line never has exactly one suppressed cell, and the
   suppressed cells together hold at least ``MINIMUM`` people (their sum is what the total
   minus the shown cells reveals, and that sum is itself an aggregate). More cells are
   suppressed, smallest first, until both hold; when no cell is left to add, the total is
   suppressed too.

Tables with margins (rows by columns, each with a total) repeat the rule over rows and columns
until nothing changes: suppressing a cell to protect a row can expose its column.

A rate is shown only when its denominator is shown; a numerator from 1 to ``MINIMUM - 1`` is
shown as a band ("fewer than 5") rather than hidden, so that a group far behind stays visible
without counting its few reached families.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Generic, TypeVar, cast

MINIMUM = 5

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True)
class Cell:
    """A published count: ``value`` is None when suppressed; ``reason`` says why."""

    value: int | None
    reason: str = ""  # "", "small" (rule 1) or "complementary" (rule 2)

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Line(Generic[K]):
    """One line of counts with its total, after suppression."""

    cells: dict[K, Cell]
    total: Cell


def _is_small(count: int, minimum: int) -> bool:
    return 0 < count < minimum


_Key = Hashable


def _suppress(
    values: Mapping[_Key, int],
    lines: list[tuple[list[_Key], _Key | None]],
    *,
    minimum: int,
    forced: frozenset[_Key] = frozenset(),
) -> set[_Key]:
    """The entries to hide, given each entry's count and the lines that add up.

    Each line is (cells, total key or None when no total is shown). Steps, repeated until
    nothing changes:
    1. every entry from 1 to ``minimum - 1`` is hidden (rule 1), totals included;
    2. a line with exactly one hidden entry (a cell, or its total) hides one more;
    3. a line whose total is shown and whose hidden cells hold 1 to ``minimum - 1`` people in
       all hides one more cell.
    "One more" is the line's smallest shown non-zero cell; when there is none, its total.
    ``forced`` entries are hidden from the start whatever their count (a numerator whose
    denominator is hidden, for example).
    """
    hidden = {key for key, count in values.items() if _is_small(count, minimum)}
    hidden |= {key for key in forced if key in values}
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            entries = [*cells, total] if total is not None else list(cells)
            hidden_cells = [key for key in cells if key in hidden]
            count = sum(1 for key in entries if key in hidden)
            exposed_sum = (
                total is not None
                and total not in hidden
                and 0 < sum(values[key] for key in hidden_cells) < minimum
            )
            if not (count == 1 and total is not None) and not exposed_sum:
                continue
            shown = sorted(
                (key for key in cells if key not in hidden and values[key] > 0),
                key=lambda key: (values[key], str(key)),
            )
            if shown:
                hidden.add(shown[0])
            elif total is not None and total not in hidden:
                hidden.add(total)
            else:
                continue
            changed = True
    return hidden


def _cell(value: int, hidden: bool, minimum: int) -> Cell:
    if not hidden:
        return Cell(value)
    return Cell(None, "small" if _is_small(value, minimum) else "complementary")


def suppress_line(
    counts: Mapping[K, int],
    *,
    total_shown: bool = True,
    minimum: int = MINIMUM,
    hide: frozenset[K] = frozenset(),
) -> Line[K]:
    """Suppress one line of counts (the groups of a breakdown) and its total.

    ``hide`` names groups that must be hidden whatever their count (their reason is
    "complementary" unless they are small): the numerators of groups whose denominator is
    hidden, so that a share cannot be recovered through its numerator.
    """
    total_key = ("__total__",)
    values: dict[_Key, int] = dict(counts.items())
    values[total_key] = sum(counts.values())
    hidden = _suppress(
        values,
        [(list(counts), total_key if total_shown else None)],
        minimum=minimum,
        forced=frozenset(hide),
    )
    return Line(
        {key: _cell(count, key in hidden, minimum) for key, count in counts.items()},
        _cell(values[total_key], total_key in hidden, minimum),
    )


@dataclass(frozen=True)
class Table(Generic[R, C]):
    cells: dict[tuple[R, C], Cell]
    row_totals: dict[R, Cell]
    column_totals: dict[C, Cell]
    total: Cell


def suppress_table(
    counts: Mapping[tuple[R, C], int],
    *,
    rows: list[R],
    columns: list[C],
    minimum: int = MINIMUM,
) -> Table[R, C]:
    """Suppress a table shown with row totals, column totals and a grand total.

    A missing (row, column) pair counts as zero. Lines: each row with its total, each column
    with its total, the row totals with the grand total, the column totals with the grand
    total. The line rules protect against recovering a cell from any one line; combining
    lines (a row total plus a column total against the grand total) can still pin a cell, so
    after them every small hidden entry is checked against all published sums at once
    (:func:`_determined`), and while one is pinned, one more total is hidden (the smaller
    total of the pinned cell's row and column, else the grand total) and the rules re-run.
    """
    values: dict[_Key, int] = {(r, c): int(counts.get((r, c), 0)) for r in rows for c in columns}
    for r in rows:
        values[("row", r)] = sum(values[(r, c)] for c in columns)
    for c in columns:
        values[("column", c)] = sum(values[(r, c)] for r in rows)
    grand = ("all",)
    values[grand] = sum(values[("row", r)] for r in rows)
    lines: list[tuple[list[_Key], _Key | None]] = []
    for r in rows:
        lines.append(([(r, c) for c in columns], ("row", r)))
    for c in columns:
        lines.append(([(r, c) for r in rows], ("column", c)))
    lines.append(([("row", r) for r in rows], grand))
    lines.append(([("column", c) for c in columns], grand))
    hidden = _suppress(values, lines, minimum=minimum)
    while True:
        pinned = [key for key in _determined(lines, hidden) if _is_small(values[key], minimum)]
        if not pinned:
            break
        extra = _total_to_hide(pinned, values, hidden, grand)
        if extra is None:
            break
        hidden = _suppress(values, lines, minimum=minimum, forced=frozenset({*hidden, extra}))
    return Table(
        {(r, c): _cell(values[(r, c)], (r, c) in hidden, minimum) for r in rows for c in columns},
        {r: _cell(values[("row", r)], ("row", r) in hidden, minimum) for r in rows},
        {c: _cell(values[("column", c)], ("column", c) in hidden, minimum) for c in columns},
        _cell(values[grand], grand in hidden, minimum),
    )


def _determined(lines: list[tuple[list[_Key], _Key | None]], hidden: set[_Key]) -> set[_Key]:
    """The hidden entries whose value the published sums fix exactly.

    Each line with a shown or hidden total is an equation over the hidden entries (the shown
    ones are constants). An entry is fixed when every solution of the homogeneous system has
    it at zero: in the reduced row echelon form it is a pivot whose row has no free column.
    Exact arithmetic (fractions); the tables are small (languages by schools).
    """
    variables = sorted(hidden, key=str)
    index = {key: position for position, key in enumerate(variables)}
    equations: list[dict[int, Fraction]] = []
    for cells, total in lines:
        if total is None:
            continue
        row: dict[int, Fraction] = {}
        for key in cells:
            if key in index:
                row[index[key]] = row.get(index[key], Fraction(0)) + 1
        if total in index:
            row[index[total]] = row.get(index[total], Fraction(0)) - 1
        row = {column: value for column, value in row.items() if value}
        if row:
            equations.append(row)
    pivots: dict[int, dict[int, Fraction]] = {}  # pivot column -> its reduced row
    for equation in equations:
        row = dict(equation)
        for column, reduced in pivots.items():
            factor = row.get(column)
            if factor:
                for other, value in reduced.items():
                    row[other] = row.get(other, Fraction(0)) - factor * value
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        column = min(row)
        lead = row[column]
        row = {c: v / lead for c, v in row.items()}
        for other_column, reduced in pivots.items():
            factor = reduced.get(column)
            if factor:
                for c, v in row.items():
                    reduced[c] = reduced.get(c, Fraction(0)) - factor * v
                pivots[other_column] = {c: v for c, v in reduced.items() if v}
        pivots[column] = row
    return {
        variables[column]
        for column, row in pivots.items()
        if all(c == column or c in pivots for c in row)
    }


def _total_to_hide(
    pinned: list[_Key], values: Mapping[_Key, int], hidden: set[_Key], grand: _Key
) -> _Key | None:
    """One more total to hide so that the pinned entries are no longer fixed: the smaller
    shown total of a pinned cell's row and column; for a pinned total, the grand total."""
    candidates: list[_Key] = []
    for key in pinned:
        parts = cast(tuple[Any, ...], key)
        if len(parts) == 2 and parts[0] not in ("row", "column"):
            candidates.extend([("row", parts[0]), ("column", parts[1])])
    shown = [key for key in candidates if key not in hidden]
    if shown:
        return min(shown, key=lambda key: (values[key], str(key)))
    return grand if grand not in hidden else None


@dataclass(frozen=True)
class Rate:
    """A share of a group, as published."""

    numerator: int | None
    denominator: int | None
    # True when the numerator is 1 to MINIMUM - 1: shown as "fewer than MINIMUM".
    numerator_below_minimum: bool = False

    @property
    def suppressed(self) -> bool:
        return self.denominator is None

    @property
    def share(self) -> float | None:
        """The share, or for a banded numerator the upper bound of the share."""
        if self.denominator is None or self.denominator == 0:
            return None
        if self.numerator is None:
            return (MINIMUM - 1) / self.denominator if self.numerator_below_minimum else None
        return self.numerator / self.denominator


def rate(numerator: int, denominator: Cell, *, minimum: int = MINIMUM) -> Rate:
    """``numerator`` out of a denominator already suppressed as a cell of its breakdown."""
    if denominator.value is None:
        return Rate(None, None)
    if _is_small(numerator, minimum):
        return Rate(None, denominator.value, numerator_below_minimum=True)
    return Rate(numerator, denominator.value)
