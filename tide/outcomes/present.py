"""Rounding for display and rows for tables and CSV. Figures arrive unrounded; only this module rounds."""

from __future__ import annotations

import math
from typing import Any

from tide.outcomes.cohort import EXCLUSION_LABELS, CohortReport, Figure
from tide.outcomes.stats import PairedChange

MINUS = "\u2212"
FEW = 10  # below this many people a figure is shown but marked as resting on too few to say


def number(value: float | None, places: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{places}f}"
    return text.replace("-", MINUS)


def percent(share: float | None, places: int = 0) -> str:
    return "–" if share is None or not math.isfinite(share) else f"{number(share * 100, places)}%"


def signed(value: float | None, places: int = 2, suffix: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "–"
    sign = "+" if value > 0 else ""
    return f"{sign}{number(value, places)}{suffix}"


def p_value(p: float | None) -> str:
    if p is None:
        return "not tested"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def level(change: PairedChange, which: str) -> str:
    value = change.mean_before if which == "before" else change.mean_after
    return percent(value) if change.proportion else number(value)


def change_text(change: PairedChange) -> str:
    if change.n == 0:
        return "–"
    if change.proportion:
        return signed(change.percentage_point_change, 0, " percentage points")
    rel = f" ({signed(change.relative_change * 100, 0, '%')})" if change.relative_change is not None else ""
    return f"{signed(change.absolute_change)}{rel}"


def ci_text(change: PairedChange) -> str:
    if change.proportion and change.absolute_ci:
        ci = change.absolute_ci
        return f"{signed(ci.low * 100, 0)} to {signed(ci.high * 100, 0)} points"
    if change.relative_ci:
        ci = change.relative_ci
        return f"{signed(ci.low * 100, 0, '%')} to {signed(ci.high * 100, 0, '%')}"
    if change.absolute_ci:
        return f"{signed(change.absolute_ci.low)} to {signed(change.absolute_ci.high)}"
    return "–"


def distribution_text(change: PairedChange) -> str:
    d = change.distribution
    return f"{d.better} better, {d.same} same, {d.worse} worse" if d.n else "–"


def excluded_text(excluded: dict[str, int]) -> str:
    if not excluded:
        return "none"
    return "; ".join(f"{n} {EXCLUSION_LABELS.get(reason, reason)}" for reason, n in sorted(excluded.items()))


def figure_row(figure: Figure) -> dict[str, Any]:
    c = figure.change
    return {
        "code": figure.measure.code,
        "label": figure.measure.label,
        "domain": figure.measure.domain,
        "quarter": figure.k,
        "n": c.n,
        "few": c.n < FEW,
        "before": level(c, "before"),
        "after": level(c, "after"),
        "change": change_text(c),
        "ci": ci_text(c),
        "p": p_value(figure.p_adjusted),
        "test": c.test_name,
        "significant": figure.significant,
        "distribution": distribution_text(c),
        "better": c.distribution.better,
        "same": c.distribution.same,
        "worse": c.distribution.worse,
        "excluded": excluded_text(figure.excluded),
        "excluded_total": sum(figure.excluded.values()),
    }


CSV_HEADER = [
    "measure",
    "label",
    "domain",
    "support_quarter",
    "people",
    "mean_before",
    "mean_after",
    "absolute_change",
    "relative_change",
    "percentage_point_change",
    "absolute_ci_low",
    "absolute_ci_high",
    "relative_ci_low",
    "relative_ci_high",
    "wilcoxon_p",
    "wilcoxon_p_holm",
    "paired_t_p",
    "better",
    "same",
    "worse",
    "excluded_baseline_uncovered",
    "excluded_not_reached",
    "excluded_died",
    "excluded_moved_out",
    "excluded_no_value",
]


def _raw(value: float | None) -> str:
    return "" if value is None or (isinstance(value, float) and not math.isfinite(value)) else repr(float(value))


def figure_csv_row(figure: Figure) -> list[str]:
    """Unrounded values, so analysts can recompute anything."""
    c = figure.change
    return [
        figure.measure.code,
        figure.measure.label,
        figure.measure.domain,
        str(figure.k),
        str(c.n),
        _raw(c.mean_before),
        _raw(c.mean_after),
        _raw(c.absolute_change),
        _raw(c.relative_change),
        _raw(c.percentage_point_change),
        _raw(c.absolute_ci.low if c.absolute_ci else None),
        _raw(c.absolute_ci.high if c.absolute_ci else None),
        _raw(c.relative_ci.low if c.relative_ci else None),
        _raw(c.relative_ci.high if c.relative_ci else None),
        _raw(c.wilcoxon_p),
        _raw(figure.p_adjusted),
        _raw(c.t_p),
        str(c.distribution.better),
        str(c.distribution.same),
        str(c.distribution.worse),
        *[
            str(figure.excluded.get(r, 0))
            for r in ("baseline_uncovered", "not_reached", "died", "moved_out", "no_value")
        ],
    ]


def report_rows(report: CohortReport, k: int) -> list[dict[str, Any]]:
    return [figure_row(report.figure(m.code, k)) for m in report.measures]
