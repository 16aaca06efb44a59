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
from typing import Generic, TypeVar

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
    values: Mapping[_Key, int], lines: list[tuple[list[_Key], _Key | None]], *, minimum: int
) -> set[_Key]:
    """The entries to hide, given each entry's count and the lines that add up.

    Each line is (cells, total key or None when no total is shown). Steps, repeated until
    nothing changes:
    1. every entry from 1 to ``minimum - 1`` is hidden (rule 1), totals included;
    2. a line with exactly one hidden entry (a cell, or its total) hides one more;
    3. a line whose total is shown and whose hidden cells hold 1 to ``minimum - 1`` people in
       all hides one more cell.
    "One more" is the line's smallest shown non-zero cell; when there is none, its total.
    """
    hidden = {key for key, count in values.items() if _is_small(count, minimum)}
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
    counts: Mapping[K, int], *, total_shown: bool = True, minimum: int = MINIMUM
) -> Line[K]:
    """Suppress one line of counts (the groups of a breakdown) and its total."""
    total_key = ("__total__",)
    values: dict[_Key, int] = dict(counts.items())
    values[total_key] = sum(counts.values())
    hidden = _suppress(
        values, [(list(counts), total_key if total_shown else None)], minimum=minimum
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
    total. This protects against recovering a cell from any one line; the usual pattern it
    produces (hidden cells in pairs across rows and columns) also resists combining lines.
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
    return Table(
        {(r, c): _cell(values[(r, c)], (r, c) in hidden, minimum) for r in rows for c in columns},
        {r: _cell(values[("row", r)], ("row", r) in hidden, minimum) for r in rows},
        {c: _cell(values[("column", c)], ("column", c) in hidden, minimum) for c in columns},
        _cell(values[grand], grand in hidden, minimum),
    )


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
