"""Worked examples for every calculation in tide.outcomes.stats, checked by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tide.outcomes import stats


def test_relative_change_is_computed_from_unrounded_means():
    # MEAM-style: 0.84 -> 0.54 per person per quarter. Rounded to 0.8 -> 0.5 it would read -37.5%.
    assert stats.relative_change(0.84, 0.54) == pytest.approx(-0.357142857)
    assert stats.relative_change(0.8, 0.5) == pytest.approx(-0.375)


def test_relative_change_needs_a_baseline_above_zero():
    assert stats.relative_change(0.0, 1.0) is None


def test_percentage_point_change_of_rough_sleeping_46_to_5_percent():
    assert stats.percentage_point_change(0.46, 0.05) == pytest.approx(-41.0)


def test_worked_example_of_a_paired_change():
    before = [2, 1, 0, 3, 4, 2]
    after = [1, 1, 1, 0, 2, 1]
    change = stats.paired_change(before, after, n_boot=500, seed=1)
    assert change.n == 6
    assert change.mean_before == pytest.approx(2.0)  # 12 / 6
    assert change.mean_after == pytest.approx(1.0)  # 6 / 6
    assert change.absolute_change == pytest.approx(-1.0)
    assert change.relative_change == pytest.approx(-0.5)
    assert change.percentage_point_change is None
    # better: 2->1, 3->0, 4->2, 2->1; same: 1->1; worse: 0->1
    assert change.distribution == stats.Distribution(better=4, same=1, worse=1)


def test_distribution_respects_direction_when_higher_is_better():
    change = stats.paired_change([1, 1, 1, 1, 1], [2, 2, 0, 1, 3], lower_is_better=False, n_boot=0)
    assert change.distribution == stats.Distribution(better=3, same=1, worse=1)


def test_wilcoxon_exact_p_for_six_increases():
    # All six differences positive and distinct: exact two-sided p = 2 / 2**6 = 0.03125.
    assert stats.wilcoxon_p(np.array([1.0, 2, 3, 4, 5, 6])) == pytest.approx(0.03125)


def test_wilcoxon_reports_no_change_when_nobody_changed():
    assert stats.wilcoxon_p(np.zeros(10)) == 1.0


def test_tests_need_at_least_five_people():
    change = stats.paired_change([1, 2, 3, 4], [0, 0, 0, 0])
    assert change.wilcoxon_p is None
    assert change.t_p is None
    assert change.absolute_ci is None
    assert change.n == 4


def test_paired_t_worked_example():
    # differences 1..5: mean 3, sd sqrt(2.5), se sqrt(0.5), t = 4.2426 on 4 df: p = 0.01324
    assert stats.paired_t_p(np.array([1.0, 2, 3, 4, 5])) == pytest.approx(0.013236, abs=1e-5)


def test_bootstrap_is_seeded_and_covers_the_estimate():
    rng = np.random.default_rng(3)
    before = rng.poisson(2.0, 200)
    after = rng.poisson(1.5, 200)
    one = stats.paired_change(before, after, n_boot=800, seed=7)
    two = stats.paired_change(before, after, n_boot=800, seed=7)
    other = stats.paired_change(before, after, n_boot=800, seed=8)
    assert one.absolute_ci == two.absolute_ci
    assert one.absolute_ci != other.absolute_ci
    assert one.absolute_ci.contains(one.absolute_change)
    assert one.relative_ci.contains(one.relative_change)


def test_bootstrap_of_identical_changes_has_no_width():
    change = stats.paired_change([3, 4, 5, 6, 7], [2, 3, 4, 5, 6], n_boot=200, seed=0)
    assert change.absolute_ci.low == pytest.approx(-1.0)
    assert change.absolute_ci.high == pytest.approx(-1.0)


def test_proportion_reports_percentage_points():
    before = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1]
    after = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    change = stats.paired_change(before, after, proportion=True, n_boot=100)
    assert change.mean_before == pytest.approx(0.6)
    assert change.mean_after == pytest.approx(0.1)
    assert change.percentage_point_change == pytest.approx(-50.0)
    assert change.relative_change == pytest.approx(-5 / 6)


def test_unequal_or_missing_pairs_are_refused():
    with pytest.raises(ValueError, match="same length"):
        stats.paired_change([1, 2], [1])
    with pytest.raises(ValueError, match="finite"):
        stats.paired_change([1, math.nan], [1, 2])


def test_holm_adjustment_worked_example():
    # sorted 0.01, 0.03, 0.04 -> 0.03, max(0.03, 0.06), max(0.06, 0.04) ; None passes through
    assert stats.holm_adjust([0.01, 0.04, None, 0.03]) == [
        pytest.approx(0.03),
        pytest.approx(0.06),
        None,
        pytest.approx(0.06),
    ]


def test_baseline_mean_is_the_mean_per_quarter():
    assert stats.baseline_mean([0, 2, 1, 3]) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="at least one quarter"):
        stats.baseline_mean([])


def test_batch_equals_single_when_everyone_has_values():
    rng = np.random.default_rng(11)
    before = rng.poisson(1.2, (60, 3)).astype(float)
    after = rng.poisson(0.8, (60, 3)).astype(float)
    weights = stats.bootstrap_weights(60, n_boot=300, seed=5)
    batch = stats.paired_changes(
        before,
        after,
        np.ones_like(before, dtype=bool),
        lower_is_better=[True] * 3,
        proportion=[False] * 3,
        weights=weights,
    )
    for m in range(3):
        single = stats.paired_change(before[:, m], after[:, m], n_boot=300, seed=5)
        assert batch[m].absolute_ci.low == pytest.approx(single.absolute_ci.low)
        assert batch[m].absolute_ci.high == pytest.approx(single.absolute_ci.high)
        assert batch[m].wilcoxon_p == pytest.approx(single.wilcoxon_p)
        assert batch[m].distribution == single.distribution


def test_batch_leaves_out_people_without_a_value():
    before = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [99.0]])
    after = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [0.0]])
    valid = np.array([[True]] * 5 + [[False]])
    (change,) = stats.paired_changes(
        before,
        after,
        valid,
        lower_is_better=[True],
        proportion=[False],
        weights=stats.bootstrap_weights(6, n_boot=50, seed=0),
    )
    assert change.n == 5
    assert change.mean_before == pytest.approx(3.0)
    assert change.absolute_change == pytest.approx(-1.0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=40))
def test_distribution_accounts_for_everyone_and_means_match(pairs):
    before = [b for b, _ in pairs]
    after = [a for _, a in pairs]
    change = stats.paired_change(before, after, n_boot=0)
    assert change.distribution.n == change.n == len(pairs)
    assert change.absolute_change == pytest.approx(np.mean(after) - np.mean(before))


def test_headline_test_is_wilcoxon_below_30_people_and_paired_t_from_30():
    rng = np.random.default_rng(2)
    small = stats.paired_change(rng.poisson(2, 20), rng.poisson(1, 20), n_boot=0)
    large = stats.paired_change(rng.poisson(2, 40), rng.poisson(1, 40), n_boot=0)
    assert small.test_name == "Wilcoxon signed-rank"
    assert small.p_value == small.wilcoxon_p
    assert large.test_name == "paired t"
    assert large.p_value == large.t_p


def test_nothing_changed_is_not_reported_as_a_change_for_rare_skewed_counts():
    # Rare events, no change at all: baseline = mean of four quarters, after = one quarter. The
    # difference is skewed, so Wilcoxon (a test of symmetry) "finds" a change; the headline test does not.
    rng = np.random.default_rng(0)
    before = rng.poisson(0.05, (4000, 4)).mean(axis=1)
    after = rng.poisson(0.05, 4000)
    change = stats.paired_change(before, after, n_boot=500)
    assert change.wilcoxon_p < 0.001
    assert change.p_value > 0.05
    assert change.absolute_ci.contains(0.0)


def test_change_histogram_puts_everyone_in_one_band():
    diff = [-3, -2, -1.5, -1, -0.25, 0, 0, 0.5, 1, 1.75, 2, 5]
    assert stats.change_histogram(diff, step=1) == [
        ("fell by 2 or more", 2),
        ("fell by 1 to 2", 2),
        ("fell by less than 1", 1),
        ("no change", 2),
        ("rose by less than 1", 1),
        ("rose by 1 to 2", 2),
        ("rose by 2 or more", 2),
    ]
    with pytest.raises(ValueError, match="positive"):
        stats.change_histogram(diff, step=0)
