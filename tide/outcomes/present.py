"""Rounding for display, rows for tables and CSV, and the charts of a page. Figures arrive unrounded; only this module rounds."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tide.outcomes import charts
from tide.outcomes.catalogue import CRISIS_MEASURES
from tide.outcomes.cohort import EXCLUSION_LABELS, CohortReport, Figure, PersonQuarters, quarter_label, quarter_of
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


# --- One person's outcomes page and the equity page: the numpy slicing and charts, out of the views ---


@dataclass(frozen=True)
class ServiceUse:
    """A person's service use by quarter: ``headers`` as "name|quarter", one row per measure."""

    headers: list[str]
    rows: list[dict[str, Any]]


def service_use(picture: Any) -> ServiceUse:
    table = picture.table
    start_q = int(table.people["start_q"].iloc[0])
    b_q = table.window.baseline_quarters
    headers = []
    for q in picture.quarter_numbers:
        rel = q - start_q
        name = "Before support" if rel < 0 else ("Support started" if rel == 0 else f"Quarter {rel} of support")
        if picture.started_on is None:
            name = "Earlier" if rel < 0 else "This quarter"
        headers.append(f"{name}|{quarter_label(q)}")
    rows = []
    for m, measure in enumerate(table.measures):
        values = []
        for q in picture.quarter_numbers:
            v = table.quarterly[0, m, q - start_q + b_q]
            values.append("" if not np.isfinite(v) else f"{v:.0f}")
        base = table.baseline[0, m]
        rows.append(
            {"label": measure.label, "values": values, "baseline": number(base, 1) if np.isfinite(base) else "–"}
        )
    return ServiceUse(headers, rows)


def ndt_chart(picture: Any) -> str:
    complete = [a for a in picture.ndt if a.total is not None]
    if not complete:
        return ""
    return charts.line_chart(
        chart_id="ndt",
        title="NDT assessment totals over time (0–48; lower is better)",
        description="; ".join(f"{a.assessed_on:%d %b %Y}: {a.total}" for a in complete),
        points=[(f"{a.assessed_on:%b %y}", float(a.total or 0)) for a in complete],
        y_max=48,
        unit="NDT total (0–48)",
    )


def _crisis_index(picture: Any) -> list[int]:
    return [i for i, m in enumerate(picture.table.measures) if m.code in CRISIS_MEASURES]


def crisis_chart(picture: Any) -> str:
    """Crisis contacts each quarter, grey before support; empty when the framework has no crisis measures."""
    crisis_idx = _crisis_index(picture)
    if not crisis_idx:
        return ""
    start_q = int(picture.table.people["start_q"].iloc[0])
    b_q = picture.table.window.baseline_quarters
    bars = []
    for q in picture.quarter_numbers:
        vals = picture.table.quarterly[0, crisis_idx, q - start_q + b_q]
        value = float(np.nansum(vals)) if np.isfinite(vals).any() else None
        bars.append(charts.Bar(quarter_label(q).split("–")[1], value, muted=q < start_q))
    return charts.bar_chart(
        chart_id="crisis",
        title="Crisis contacts each quarter: A&E, emergency admissions, ambulance call-outs and arrests",
        description="; ".join(f"{b.label}: {number(b.value, 0)}" for b in bars) + ". Grey bars are before support.",
        bars=bars,
        unit="contacts in the quarter (grey: before support; blue: since support started)",
    )


def crisis_summary(picture: Any, today: dt.date) -> str:
    """One plain sentence comparing the latest finished quarter of support with before support."""
    crisis_idx = _crisis_index(picture)
    table = picture.table
    if not crisis_idx or picture.started_on is None:
        return ""
    start_q = int(table.people["start_q"].iloc[0])
    b_q = table.window.baseline_quarters
    before = table.quarterly[0, crisis_idx, :b_q]
    if not np.isfinite(before).all():
        return ""
    finished = [q for q in picture.quarter_numbers if start_q < q < quarter_of(today)]
    if not finished:
        return "Support started recently: the first full quarter of support has not finished yet."
    latest = finished[-1]
    now = float(np.nansum(table.quarterly[0, crisis_idx, latest - start_q + b_q]))
    then = float(before.sum(axis=0).mean())
    return (
        f"In {quarter_label(latest)} there {'was' if now == 1 else 'were'} {now:.0f} crisis "
        f"contact{'' if now == 1 else 's'}, against an average of {then:.1f} a quarter in the "
        f"{b_q} quarter{'' if b_q == 1 else 's'} before support."
    )


def window_note(table: PersonQuarters) -> str:
    """Where the comparison stops because an agency's data do (ADR 0016), or "" when only time limits it."""
    if not table.limited_by or table.complete_to is None:
        return ""
    names = list(table.limited_by)
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"Quarters are compared up to {quarter_label(table.last_q)} only: the data of {who} are complete to "
        f"{table.complete_to.day} {table.complete_to:%B %Y}. Later quarters of support are left out and "
        "counted below as not yet covered."
    )


def measure_only(table: PersonQuarters, measure: Any) -> PersonQuarters:
    """The cohort table cut down to one measure."""
    m = table.measures.index(measure)
    return PersonQuarters(
        people=table.people,
        measures=[measure],
        window=table.window,
        quarterly=table.quarterly[:, [m], :],
        baseline=table.baseline[:, [m]],
        follow=table.follow[:, [m], :],
        reason=table.reason,
        first_q=table.first_q,
        last_q=table.last_q,
        limited_by=table.limited_by,
        complete_to=table.complete_to,
    )


def equity_chart(rows: list[dict[str, Any]], *, measure_label: str, group_label: str, k: int) -> str:
    bars = [charts.Bar(r["group"], (100.0 * r["better"] / r["n"]) if r["n"] else None, muted=r["few"]) for r in rows]
    return charts.bar_chart(
        chart_id="equity",
        title=f"Share of people better in quarter {k}: {measure_label}, by {group_label.lower()}",
        description="; ".join(
            f"{r['group']}: {number(b.value, 0)}% of {r['n']} people" for r, b in zip(rows, bars, strict=True)
        ),
        bars=bars,
        unit="% of people better than at baseline",
    )
