"""No published figure describes fewer than five people, even by subtraction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from juntos.insights.suppression import (
    MINIMUM,
    Cell,
    rate,
    suppress_line,
    suppress_table,
)


def test_a_group_of_four_is_suppressed_with_a_complement() -> None:
    line = suppress_line({"es": 40, "vi": 12, "so": 4, "ar": 9})
    assert line.cells["so"] == Cell(None, "small")
    # The total minus the others would give the 4: the smallest other group is hidden too.
    assert line.cells["ar"] == Cell(None, "complementary")
    assert line.cells["es"].value == 40 and line.cells["vi"].value == 12
    assert line.total.value == 65


def test_complements_are_added_until_the_hidden_groups_hold_five_people() -> None:
    line = suppress_line({"es": 40, "so": 1, "ps": 2, "vi": 30})
    # 1 + 2 = 3 would still be an aggregate of three people: one more group is hidden.
    assert {k for k, c in line.cells.items() if c.suppressed} == {"so", "ps", "vi"}
    assert line.total.value == 73


def test_zero_is_shown() -> None:
    line = suppress_line({"es": 10, "so": 0, "vi": 7})
    assert all(not cell.suppressed for cell in line.cells.values())


def test_a_small_total_hides_everything() -> None:
    line = suppress_line({"es": 3, "vi": 1})
    assert line.total == Cell(None, "small")
    assert all(cell.suppressed for cell in line.cells.values())


def test_a_line_with_no_complement_hides_its_total() -> None:
    line = suppress_line({"es": 3, "vi": 0, "so": 0, "ar": 6})
    assert line.cells["es"].suppressed and line.cells["ar"].suppressed
    assert line.total.value == 9  # the two hidden groups hold 9 people: safe to show


def test_without_a_total_only_small_cells_are_hidden() -> None:
    line = suppress_line({"es": 40, "so": 4}, total_shown=False)
    assert line.cells["es"].value == 40 and line.cells["so"].suppressed


def test_a_rate_bands_a_small_numerator_and_hides_a_small_group() -> None:
    assert rate(3, Cell(40)).numerator_below_minimum
    assert rate(3, Cell(40)).share == 4 / 40
    assert rate(30, Cell(40)).share == 0.75
    assert rate(2, Cell(None, "small")).suppressed


def _another_value_fits(
    truth: dict[tuple[int, int], int],
    hidden: list[tuple[int, int]],
    key: tuple[int, int],
    sums: list[tuple[list[tuple[int, int]], int]],
    bound: int,
) -> bool:
    """Whether the published sums allow ``key`` a value other than its true one: a depth-first
    search over the hidden cells (each 0 to ``bound``, all a reader can know), pruned as soon
    as a line overflows or a completed line misses its sum."""
    guess = {k: v for k, v in truth.items() if k not in hidden}
    order = [key, *(k for k in hidden if k != key)]

    def consistent() -> bool:
        for keys, total in sums:
            partial = sum(guess.get(k, 0) for k in keys)
            complete = all(k in guess for k in keys)
            if partial > total or (complete and partial != total):
                return False
        return True

    def search(index: int) -> bool:
        if index == len(order):
            return True
        cell = order[index]
        for value in sorted(range(bound + 1), key=lambda v: abs(v - truth[cell])):
            if index == 0 and value == truth[cell]:
                continue
            guess[cell] = value
            if consistent() and search(index + 1):
                return True
        del guess[cell]
        return False

    return search(0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=9), min_size=3, max_size=3),
        min_size=2,
        max_size=3,
    )
)
def test_no_hidden_cell_of_a_table_can_be_recovered(grid: list[list[int]]) -> None:
    rows, columns = list(range(len(grid))), [0, 1, 2]
    counts = {(r, c): grid[r][c] for r in rows for c in columns}
    table = suppress_table(counts, rows=rows, columns=columns)
    hidden = [key for key, cell in table.cells.items() if cell.suppressed]
    sums: list[tuple[list[tuple[int, int]], int]] = []
    for r in rows:
        row_total = table.row_totals[r].value
        if row_total is not None:
            sums.append(([(r, c) for c in columns], row_total))
    for c in columns:
        column_total = table.column_totals[c].value
        if column_total is not None:
            sums.append(([(r, c) for r in rows], column_total))
    if table.total.value is not None:
        sums.append((list(counts), table.total.value))
    for key, cell in table.cells.items():
        if 0 < counts[key] < MINIMUM:
            assert cell.suppressed, f"{key}={counts[key]} published"
    bound = sum(counts.values())
    for key in hidden:
        if 0 < counts[key] < MINIMUM:
            assert _another_value_fits(counts, hidden, key, sums, bound), (
                f"{key} can be recovered from the published table"
            )


def test_a_cell_pinned_by_a_row_and_a_column_total_is_protected() -> None:
    # Found by the property above. After the line rules, the middle cell of the last row (1)
    # was hidden, but row 2's total (6) + column 1's total (6) - the grand total (11) = 1 gave
    # it back (the other hidden cells of that row and column are exactly the rest of the
    # grand total). One more total is hidden.
    grid = [[0, 1, 0], [0, 4, 0], [1, 1, 4]]
    counts = {(r, c): grid[r][c] for r in range(3) for c in range(3)}
    table = suppress_table(counts, rows=[0, 1, 2], columns=[0, 1, 2])
    assert table.cells[(2, 1)].suppressed
    shown = [table.row_totals[2].value, table.column_totals[1].value, table.total.value]
    assert None in shown
    cells = {k: v for k, v in counts.items() if table.cells[k].suppressed}
    sums: list[tuple[list[tuple[int, int]], int]] = []
    for r in range(3):
        if (row_total := table.row_totals[r].value) is not None:
            sums.append(([(r, c) for c in range(3)], row_total))
    for c in range(3):
        if (column_total := table.column_totals[c].value) is not None:
            sums.append(([(r, c) for r in range(3)], column_total))
    if (grand := table.total.value) is not None:
        sums.append((list(counts), grand))
    assert _another_value_fits(counts, list(cells), (2, 1), sums, sum(counts.values()))
