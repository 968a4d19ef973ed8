"""Honest before-and-after statistics for outcomes: pure numpy/scipy, no Django.

The method is the one the MEAM Approach evaluation used. For each person we have a value in a
baseline window before support (the mean per quarter over the baseline quarters) and a value in a
quarter of support. :func:`paired_change` compares them over the people who have both and reports:

* the means before and after, the absolute change (after − before), the relative change
  (after / before − 1, from the unrounded means) and, for proportions, the percentage-point change;
* a paired t-test of the mean difference (the headline test from 30 people, where the central
  limit theorem holds) and a Wilcoxon signed-rank test (the headline below 30 people; always
  reported, see :attr:`PairedChange.p_value` for why it is not the headline for larger groups);
* seeded percentile-bootstrap confidence intervals for the absolute and relative changes (people
  are resampled, so each person's before and after stay together);
* the distribution of change: how many got better, stayed the same, got worse;
* n, the number of people each figure rests on.

Nothing is rounded here. Display code rounds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

DEFAULT_BOOTSTRAP = 2000
DEFAULT_CONFIDENCE = 0.95
MIN_PEOPLE_FOR_TESTS = 5
T_TEST_MIN_PEOPLE = 30


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Distribution:
    """How many people got better, stayed the same or got worse (direction-aware)."""

    better: int
    same: int
    worse: int

    @property
    def n(self) -> int:
        return self.better + self.same + self.worse


@dataclass(frozen=True)
class PairedChange:
    n: int
    mean_before: float
    mean_after: float
    absolute_change: float
    relative_change: float | None  # None when the baseline mean is 0
    percentage_point_change: float | None  # only for proportions
    absolute_ci: Interval | None
    relative_ci: Interval | None
    wilcoxon_p: float | None
    t_p: float | None
    distribution: Distribution
    proportion: bool

    @property
    def tested(self) -> bool:
        return self.wilcoxon_p is not None

    @property
    def test_name(self) -> str:
        return "paired t" if self.n >= T_TEST_MIN_PEOPLE else "Wilcoxon signed-rank"

    @property
    def p_value(self) -> float | None:
        """The headline test of "no change in the mean": paired t from 30 people, Wilcoxon below.

        The change reported is a change in the mean, and a person's baseline is a mean over several
        quarters while a support quarter is one quarter: with skewed counts their difference is
        skewed even when nothing changed, which the Wilcoxon test (symmetry about zero) reads as a
        change. From 30 people the t-test on the mean difference holds by the central limit theorem.
        """
        return self.t_p if self.n >= T_TEST_MIN_PEOPLE else self.wilcoxon_p


def _clean_pairs(
    before: Sequence[float] | np.ndarray, after: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape or b.ndim != 1:
        raise ValueError("before and after must be one-dimensional and the same length (one pair per person)")
    if not (np.isfinite(b).all() and np.isfinite(a).all()):
        raise ValueError("before and after must be finite numbers; drop people without a value first")
    return b, a


def relative_change(mean_before: float, mean_after: float) -> float | None:
    """after / before − 1 from unrounded means; None when there is nothing to be relative to."""
    if mean_before == 0:
        return None
    return mean_after / mean_before - 1.0


def percentage_point_change(share_before: float, share_after: float) -> float:
    """Change between two proportions (0–1) in percentage points."""
    return (share_after - share_before) * 100.0


def change_distribution(before: np.ndarray, after: np.ndarray, *, lower_is_better: bool = True) -> Distribution:
    diff = after - before
    down = int((diff < 0).sum())
    up = int((diff > 0).sum())
    same = int(diff.size - down - up)
    return Distribution(better=down, same=same, worse=up) if lower_is_better else Distribution(up, same, down)


def wilcoxon_p(diff: np.ndarray) -> float | None:
    """Two-sided Wilcoxon signed-rank p (zeros dropped, Wilcox method); 1.0 when nobody changed."""
    if diff.size < MIN_PEOPLE_FOR_TESTS:
        return None
    if not np.any(diff != 0):
        return 1.0
    nonzero = diff[diff != 0]
    # Exact null distribution for small samples without ties; otherwise the normal approximation
    # with tie correction (scipy's permutation fallback is far too slow for a web page).
    exact = nonzero.size <= 25 and np.unique(np.abs(nonzero)).size == nonzero.size
    method = "exact" if exact else "asymptotic"
    return float(sps.wilcoxon(nonzero, zero_method="wilcox", alternative="two-sided", method=method).pvalue)


def paired_t_p(diff: np.ndarray) -> float | None:
    """Two-sided paired t-test p; None when it cannot be computed (too few people, no variation)."""
    if diff.size < MIN_PEOPLE_FOR_TESTS:
        return None
    if np.all(diff == diff[0]):
        return 1.0 if diff[0] == 0 else 0.0
    n = diff.size
    t = diff.mean() / (diff.std(ddof=1) / math.sqrt(n))
    return float(2 * sps.t.sf(abs(t), n - 1))


def bootstrap_weights(n: int, *, n_boot: int, seed: int) -> np.ndarray:
    """How many times each of ``n`` people is drawn in each of ``n_boot`` resamples (seeded).

    Drawing counts (a multinomial) is the same as resampling people with replacement, and lets many
    measures share one resample through a matrix product.
    """
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    counts = np.bincount(drawn.ravel(), minlength=n_boot * n).reshape(n_boot, n)
    # float32 holds these whole numbers exactly and halves the matrix products' time
    return counts.astype(np.float32)


def bootstrap_means(before: np.ndarray, after: np.ndarray, *, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Means before and after in ``n_boot`` resamples of people (seeded; pairs stay together)."""
    weights = bootstrap_weights(before.size, n_boot=n_boot, seed=seed).astype(float)
    return weights @ before / before.size, weights @ after / after.size


def _percentile_interval(values: np.ndarray, confidence: float) -> Interval | None:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Interval(float(low), float(high))


def paired_change(
    before: Sequence[float] | np.ndarray,
    after: Sequence[float] | np.ndarray,
    *,
    lower_is_better: bool = True,
    proportion: bool = False,
    n_boot: int = DEFAULT_BOOTSTRAP,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = 0,
) -> PairedChange:
    """Compare each person's baseline value with their value in a quarter of support."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    b, a = _clean_pairs(before, after)
    n = int(b.size)
    if n == 0:
        return PairedChange(
            0, math.nan, math.nan, math.nan, None, None, None, None, None, None, Distribution(0, 0, 0), proportion
        )
    mean_b = float(b.mean())
    mean_a = float(a.mean())
    diff = a - b
    abs_ci = rel_ci = None
    if n >= MIN_PEOPLE_FOR_TESTS and n_boot > 0:
        boot_b, boot_a = bootstrap_means(b, a, n_boot=n_boot, seed=seed)
        abs_ci = _percentile_interval(boot_a - boot_b, confidence)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(boot_b > 0, boot_a / boot_b - 1.0, np.nan)
        rel_ci = _percentile_interval(rel, confidence) if mean_b > 0 else None
    return PairedChange(
        n=n,
        mean_before=mean_b,
        mean_after=mean_a,
        absolute_change=mean_a - mean_b,
        relative_change=relative_change(mean_b, mean_a),
        percentage_point_change=percentage_point_change(mean_b, mean_a) if proportion else None,
        absolute_ci=abs_ci,
        relative_ci=rel_ci,
        wilcoxon_p=wilcoxon_p(diff),
        t_p=paired_t_p(diff),
        distribution=change_distribution(b, a, lower_is_better=lower_is_better),
        proportion=proportion,
    )


def paired_changes(
    before: np.ndarray,
    after: np.ndarray,
    valid: np.ndarray,
    *,
    lower_is_better: Sequence[bool],
    proportion: Sequence[bool],
    weights: np.ndarray | None,
    confidence: float = DEFAULT_CONFIDENCE,
) -> list[PairedChange]:
    """:func:`paired_change` for many measures at once over the same people (P people × M measures).

    ``valid[p, m]`` says whether person p has both values for measure m. ``weights`` (from
    :func:`bootstrap_weights` over all P people) is shared by every measure: each resample's mean for
    a measure is taken over the valid people drawn in it. With every value valid this gives exactly
    what :func:`paired_change` gives for the same seed.
    """
    n_people, n_measures = before.shape
    if after.shape != before.shape or valid.shape != before.shape:
        raise ValueError("before, after and valid must have the same shape")
    mask = valid.astype(float)
    b = np.where(valid, before, 0.0)
    a = np.where(valid, after, 0.0)
    boot_abs = boot_rel = None
    if weights is not None and n_people:
        stacked = weights @ np.hstack([mask, b, a]).astype(weights.dtype)
        drawn = stacked[:, :n_measures].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            mb = stacked[:, n_measures : 2 * n_measures] / drawn
            ma = stacked[:, 2 * n_measures :] / drawn
            boot_abs = ma - mb
            boot_rel = np.where(mb > 0, ma / mb - 1.0, np.nan)
    results = []
    for m in range(n_measures):
        ok = valid[:, m]
        bm, am = before[ok, m], after[ok, m]
        n = int(ok.sum())
        if n == 0:
            results.append(
                PairedChange(
                    0,
                    math.nan,
                    math.nan,
                    math.nan,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    Distribution(0, 0, 0),
                    bool(proportion[m]),
                )
            )
            continue
        mean_b, mean_a = float(bm.mean()), float(am.mean())
        abs_ci = rel_ci = None
        if boot_abs is not None and boot_rel is not None and n >= MIN_PEOPLE_FOR_TESTS:
            abs_ci = _percentile_interval(boot_abs[:, m], confidence)
            rel_ci = _percentile_interval(boot_rel[:, m], confidence) if mean_b > 0 else None
        diff = am - bm
        results.append(
            PairedChange(
                n=n,
                mean_before=mean_b,
                mean_after=mean_a,
                absolute_change=mean_a - mean_b,
                relative_change=relative_change(mean_b, mean_a),
                percentage_point_change=percentage_point_change(mean_b, mean_a) if proportion[m] else None,
                absolute_ci=abs_ci,
                relative_ci=rel_ci,
                wilcoxon_p=wilcoxon_p(diff),
                t_p=paired_t_p(diff),
                distribution=change_distribution(bm, am, lower_is_better=bool(lower_is_better[m])),
                proportion=bool(proportion[m]),
            )
        )
    return results


def change_histogram(diff: Sequence[float] | np.ndarray, *, step: float) -> list[tuple[str, int]]:
    """How many people's change (after − before) falls in each band: the distribution, not just the mean.

    Seven bands, from "fell by 2 steps or more" to "rose by 2 steps or more", with "no change" for
    exactly zero.
    """
    d = np.asarray(diff, dtype=float)
    if step <= 0:
        raise ValueError("step must be positive")
    s = f"{step:g}"
    s2 = f"{2 * step:g}"
    bands = [
        (f"fell by {s2} or more", d <= -2 * step),
        (f"fell by {s} to {s2}", (d > -2 * step) & (d <= -step)),
        (f"fell by less than {s}", (d > -step) & (d < 0)),
        ("no change", d == 0),
        (f"rose by less than {s}", (d > 0) & (d < step)),
        (f"rose by {s} to {s2}", (d >= step) & (d < 2 * step)),
        (f"rose by {s2} or more", d >= 2 * step),
    ]
    return [(label, int(mask.sum())) for label, mask in bands]


def holm_adjust(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values (None passes through), so a report of many tests stays honest."""
    indexed = [(p, i) for i, p in enumerate(p_values) if p is not None]
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(sorted(indexed)):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def baseline_mean(values: Sequence[float] | np.ndarray) -> float:
    """A person's baseline: the mean per quarter over the quarters of the baseline window."""
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        raise ValueError("a baseline needs at least one quarter")
    return float(arr.mean())
