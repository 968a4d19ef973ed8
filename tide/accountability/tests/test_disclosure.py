"""Disclosure control: properties that must hold for every table, checked on generated tables."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tide.accountability.disclosure import DisclosurePolicy, protect, suppression_mask

NHS = DisclosurePolicy()


def tables(max_value=60):
    return st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.one_of(st.integers(0, 9), st.integers(0, max_value)), min_size=cols, max_size=cols),
            min_size=1,
            max_size=6,
        )
    )


def policies():
    return st.builds(
        lambda low, width, base, secondary: DisclosurePolicy(
            suppress_from=low, suppress_to=low + width, round_to=base, secondary=secondary
        ),
        st.integers(1, 3),
        st.integers(0, 12),
        st.sampled_from([1, 2, 5, 10]),
        st.just(True),
    )


@settings(max_examples=300, deadline=None)
@given(tables(), policies())
def test_no_line_of_the_table_has_exactly_one_hidden_cell(counts, policy):
    grid, hidden, _ = suppression_mask(counts, policy)
    rows, cols = len(grid), len(grid[0])
    for r in range(rows):
        assert sum(hidden[r]) != 1, (counts, hidden)
    for c in range(cols):
        assert sum(hidden[r][c] for r in range(rows)) != 1, (counts, hidden)


@settings(max_examples=300, deadline=None)
@given(tables(), policies())
def test_every_small_count_is_hidden_and_every_shown_count_is_rounded(counts, policy):
    table = protect(
        counts,
        row_labels=[str(i) for i in range(len(counts))],
        column_labels=[str(i) for i in range(len(counts[0]))],
        policy=policy,
    )
    grid, _, _ = suppression_mask(counts, policy)
    for grid_row, shown_row in zip(grid, table.cells, strict=True):
        for true, shown in zip(grid_row, shown_row, strict=True):
            if policy.suppress_from <= true <= policy.suppress_to:
                assert shown == policy.symbol
            elif shown != policy.symbol:
                value = int(shown)
                assert value % policy.round_to == 0
                assert abs(value - true) <= policy.round_to / 2


@settings(max_examples=200, deadline=None)
@given(tables())
def test_totals_are_added_up_before_rounding(counts):
    grid, _, _ = suppression_mask(counts, NHS)
    for row, full in zip(counts, grid, strict=False):
        assert full[-1] == sum(row)
    assert grid[-1][-1] == sum(map(sum, counts))


@settings(max_examples=200, deadline=None)
@given(tables())
def test_zero_is_shown_as_zero_unless_hidden_to_protect_another_cell(counts):
    table = protect(counts, row_labels=["r"] * len(counts), column_labels=["c"] * len(counts[0]))
    for row, shown_row in zip(counts, table.cells, strict=False):
        for true, shown in zip(row, shown_row, strict=False):
            if true == 0:
                assert shown in {"0", "*"}


def test_the_nhs_rule_on_a_worked_example():
    # Police declined 3 (hidden). Its row and column totals would give it away, so 12 and 20 are hidden
    # too, and then 31 to protect them: the classic 2 x 2 pattern. Totals are shown, rounded.
    table = protect([[3, 12], [20, 31]], row_labels=["Police", "Housing"], column_labels=["Declined", "Accepted"])
    assert table.cells == (("*", "*", "15"), ("*", "*", "50"), ("25", "45", "65"))
    assert (table.primary, table.secondary) == (1, 3)
    wide = protect([[3, 12, 40], [20, 31, 50]], row_labels=["Police", "Housing"], column_labels=["a", "b", "c"])
    assert wide.cells[1][2] == "50"  # only the smallest cells are hidden to protect others


def test_rounding_is_to_the_nearest_five_with_halves_up():
    assert [NHS.round(v) for v in (8, 10, 12, 13, 17, 18, 102)] == [10, 10, 10, 15, 15, 20, 100]


def test_policy_can_be_configured_from_a_setting():
    policy = DisclosurePolicy.from_string("suppress=1-9, round=10, symbol=[c], secondary=no")
    assert (policy.suppress_to, policy.round_to, policy.symbol, policy.secondary) == (9, 10, "[c]", False)
    assert protect([[9, 40]], row_labels=["a"], column_labels=["x", "y"], policy=policy).cells[0] == ("[c]", "40", "50")


@pytest.mark.parametrize("text", ["suppress=0-7", "round=0", "colour=blue"])
def test_bad_policy_is_refused_with_a_message(text):
    with pytest.raises(ValueError, match=r"\w"):
        DisclosurePolicy.from_string(text)


def test_ragged_or_negative_tables_are_refused():
    with pytest.raises(ValueError, match="same number of columns"):
        protect([[1, 2], [3]], row_labels=["a", "b"], column_labels=["x", "y"])
    with pytest.raises(ValueError, match="zero or more"):
        protect([[-1]], row_labels=["a"], column_labels=["x"])
