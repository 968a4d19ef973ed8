"""The per-person-per-quarter table and the cohort report built from it. Pandas/numpy, no Django.

Quarters are calendar quarters (as in the Fulfilling Lives and MEAM data returns), numbered
``year * 4 + (month - 1) // 3``. For a person whose support started in quarter S:

* the **baseline window** is the ``baseline_quarters`` full quarters before S (S−B … S−1); the
  person's baseline is their mean per quarter over it;
* **support quarter k** (k = 1 … K) is quarter S + k; the start quarter S itself mixes days before
  and after the start and is shown but not compared;
* NDT: the baseline is the assessment nearest the start within 91 days before to 31 days after it;
  quarter k's value is the last assessment in that quarter;
* a recorded status (housing, treatment, family contact) holds until the next one: the baseline is
  the last status recorded up to 31 days after the start, quarter k's is the last up to its end.

People are excluded from a figure, and counted, when the ledger does not cover their whole baseline
(support started too soon after the ledger began), when quarter k has not finished yet (too little
follow-up), when they died or moved out of the area before quarter k ended, or (NDT, statuses) when
there is no value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tide.outcomes import stats
from tide.outcomes.catalogue import BY_CODE, Measure

NOT_REACHED = "not_reached"
DIED = "died"
MOVED_OUT = "moved_out"
BASELINE_UNCOVERED = "baseline_uncovered"
NO_VALUE = "no_value"
EXCLUSION_LABELS = {
    BASELINE_UNCOVERED: "baseline before the ledger starts",
    NOT_REACHED: "quarter not finished, or not yet covered by every agency's data (too little follow-up)",
    DIED: "died before the quarter ended",
    MOVED_OUT: "moved out of the area before the quarter ended",
    NO_VALUE: "no assessment or status recorded",
}
NDT_BEFORE_DAYS = 91
GRACE_DAYS = 31


def quarter_of(day: dt.date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def quarter_start(q: int) -> dt.date:
    return dt.date(q // 4, (q % 4) * 3 + 1, 1)


def quarter_end(q: int) -> dt.date:
    return quarter_start(q + 1) - dt.timedelta(days=1)


def quarter_label(q: int) -> str:
    return f"{quarter_start(q):%b}–{quarter_end(q):%b %Y}"


def last_complete_quarter(as_of: dt.date) -> int:
    """The last quarter that has ended on or before ``as_of``."""
    q = quarter_of(as_of)
    return q if as_of == quarter_end(q) else q - 1


def quarters_of(days: pd.Series) -> np.ndarray:
    d = pd.to_datetime(days)
    return (d.dt.year * 4 + (d.dt.month - 1) // 3).to_numpy(dtype=np.int64)


@dataclass(frozen=True)
class Window:
    baseline_quarters: int = 4
    follow_up_quarters: int = 8

    def __post_init__(self) -> None:
        if not 1 <= self.baseline_quarters <= 8:
            raise ValueError("The baseline window must be 1 to 8 quarters.")
        if not 1 <= self.follow_up_quarters <= 16:
            raise ValueError("Follow-up must be 1 to 16 quarters.")


@dataclass
class PersonQuarters:
    """Everyone's baseline and quarterly values for each measure: the precomputed table.

    ``quarterly[p, m, j]`` holds quarter S − B + j (j = 0 … B + K), NaN where the person was not
    observed; ``baseline[p, m]`` the baseline; ``follow[p, m, k − 1]`` support quarter k.
    ``reason[p, k − 1]`` says why quarter k is missing for person p ("" when it is there).
    """

    people: pd.DataFrame  # one row per person: person, start_q, started_on, plus group columns
    measures: list[Measure]
    window: Window
    quarterly: np.ndarray
    baseline: np.ndarray
    follow: np.ndarray
    reason: np.ndarray
    first_q: int
    last_q: int
    # Honest windows (ADR 0016): the agencies whose data stop where ``last_q`` stops, and the day.
    limited_by: tuple[str, ...] = ()
    complete_to: dt.date | None = None

    @property
    def rel_quarters(self) -> list[int]:
        return list(range(-self.window.baseline_quarters, self.window.follow_up_quarters + 1))

    def to_frame(self) -> pd.DataFrame:
        """Long form (person, measure, rel_quarter, value) for caching as Parquet or CSV export."""
        p, m, j = np.nonzero(np.isfinite(self.quarterly))
        return pd.DataFrame(
            {
                "person": self.people["person"].to_numpy()[p],
                "measure": np.array([x.code for x in self.measures])[m],
                "rel_quarter": j - self.window.baseline_quarters,
                "value": self.quarterly[p, m, j],
            }
        )

    def subset(self, rows: np.ndarray) -> PersonQuarters:
        return PersonQuarters(
            people=self.people.iloc[rows].reset_index(drop=True),
            measures=self.measures,
            window=self.window,
            quarterly=self.quarterly[rows],
            baseline=self.baseline[rows],
            follow=self.follow[rows],
            reason=self.reason[rows],
            first_q=self.first_q,
            last_q=self.last_q,
            limited_by=self.limited_by,
            complete_to=self.complete_to,
        )


def _limits(people: pd.DataFrame, last_q: int) -> tuple[np.ndarray, np.ndarray]:
    """Per person: the last quarter fully observed, and why observation stops there."""
    n = len(people)
    limit = np.full(n, last_q, dtype=np.int64)
    why = np.full(n, NOT_REACHED, dtype=object)
    for column, label in (("died_on", DIED), ("moved_out_on", MOVED_OUT)):
        if column not in people:
            continue
        days = pd.to_datetime(people[column])
        has = days.notna().to_numpy()
        q = np.where(has, quarters_of(days.fillna(pd.Timestamp("2000-01-01"))), 10**9)
        # a quarter counts only if the person was there to its end
        q_limit = q - 1
        earlier = has & (q_limit < limit)
        limit = np.where(earlier, q_limit, limit)
        why = np.where(earlier, label, why)
    return limit, why


def build_person_quarters(
    *,
    people: pd.DataFrame,
    counts: pd.DataFrame,
    measures: Sequence[Measure],
    window: Window,
    first_q: int,
    last_q: int,
    ndt: pd.DataFrame | None = None,
    statuses: pd.DataFrame | None = None,
) -> PersonQuarters:
    """Build the table.

    ``people``: person, started_on (date), optional died_on / moved_out_on, and any group columns.
    ``counts``: person, event_type, q (calendar quarter number), n — the ledger aggregated.
    ``ndt``: person, assessed_on, total. ``statuses``: person, kind, value, recorded_on.
    ``first_q``/``last_q``: the first and last complete quarters the ledger covers.
    """
    people = people.reset_index(drop=True).copy()
    n_people = len(people)
    measures = list(measures)
    b_q, k_q = window.baseline_quarters, window.follow_up_quarters
    span = b_q + k_q + 1
    started = pd.to_datetime(people["started_on"])
    start_q = quarters_of(started) if n_people else np.zeros(0, dtype=np.int64)
    people["start_q"] = start_q
    limit, why = _limits(people, last_q)
    observed_q = start_q[:, None] + np.arange(-b_q, k_q + 1)[None, :]  # (P, span)
    observed = (observed_q >= first_q) & (observed_q <= limit[:, None])

    quarterly = np.full((n_people, len(measures), span), np.nan)
    index = pd.Index(people["person"])
    if len(counts) and n_people:
        c = counts[counts["person"].isin(index)]
        p_idx = index.get_indexer(c["person"])
        rel = c["q"].to_numpy(dtype=np.int64) - start_q[p_idx] + b_q
        in_span = (rel >= 0) & (rel < span)
        event_type = c["event_type"].to_numpy()
        n_col = c["n"].to_numpy(dtype=float)
    for m, measure in enumerate(measures):
        if measure.source not in {"count", "any"}:
            continue
        grid = np.zeros((n_people, span))
        if len(counts) and n_people:
            sel = in_span & np.isin(event_type, measure.event_types)
            np.add.at(grid, (p_idx[sel], rel[sel]), n_col[sel])
        if measure.source == "any":
            grid = (grid > 0).astype(float)
        quarterly[:, m, :] = np.where(observed, grid, np.nan)

    baseline = np.full((n_people, len(measures)), np.nan)
    follow = np.full((n_people, len(measures), k_q), np.nan)
    baseline_ok = observed[:, :b_q].all(axis=1)
    for m, measure in enumerate(measures):
        if measure.source in {"count", "any"}:
            baseline[:, m] = np.where(baseline_ok, quarterly[:, m, :b_q].mean(axis=1) if b_q else np.nan, np.nan)
            follow[:, m, :] = quarterly[:, m, b_q + 1 :]
    _point_measures(people, measures, quarterly, baseline, follow, observed, window, ndt, statuses)

    reason = np.full((n_people, k_q), "", dtype=object)
    for k in range(1, k_q + 1):
        q = start_q + k
        missing = q > limit
        reason[:, k - 1] = np.where(missing, np.where(q > last_q, NOT_REACHED, why), "")
        reason[:, k - 1] = np.where((reason[:, k - 1] == "") & ~baseline_ok, BASELINE_UNCOVERED, reason[:, k - 1])
    return PersonQuarters(people, measures, window, quarterly, baseline, follow, reason, first_q, last_q)


def _point_measures(
    people: pd.DataFrame,
    measures: list[Measure],
    quarterly: np.ndarray,
    baseline: np.ndarray,
    follow: np.ndarray,
    observed: np.ndarray,
    window: Window,
    ndt: pd.DataFrame | None,
    statuses: pd.DataFrame | None,
) -> None:
    """NDT and recorded-status measures: values at points in time, not counts."""
    index = pd.Index(people["person"])
    started = pd.to_datetime(people["started_on"]).to_numpy()
    start_q = people["start_q"].to_numpy()
    b_q = window.baseline_quarters
    for m, measure in enumerate(measures):
        if measure.source == "ndt" and ndt is not None and len(ndt):
            frame = ndt[ndt["person"].isin(index)].copy()
            frame["p"] = index.get_indexer(frame["person"])
            frame["day"] = pd.to_datetime(frame["assessed_on"])
            frame = frame.sort_values(["p", "day"])
            offset = (frame["day"].to_numpy() - started[frame["p"].to_numpy()]) / np.timedelta64(1, "D")
            in_reach = (offset >= -NDT_BEFORE_DAYS) & (offset <= GRACE_DAYS)
            near = frame[in_reach].assign(gap=np.abs(offset[in_reach]))
            near = near.sort_values(["p", "gap"], kind="stable").drop_duplicates("p")
            baseline[near["p"].to_numpy(), m] = near["total"].to_numpy(dtype=float)
            rel = quarters_of(frame["day"]) - start_q[frame["p"].to_numpy()] + b_q
            frame = frame.assign(rel=rel)
            frame = frame[(frame["rel"] >= 0) & (frame["rel"] < quarterly.shape[2])]
            last = frame.drop_duplicates(["p", "rel"], keep="last")
            quarterly[last["p"].to_numpy(), m, last["rel"].to_numpy()] = last["total"].to_numpy(dtype=float)
            quarterly[:, m, :] = np.where(observed, quarterly[:, m, :], np.nan)
            follow[:, m, :] = quarterly[:, m, b_q + 1 :]
        elif measure.source == "status" and statuses is not None and len(statuses):
            frame = statuses[(statuses["kind"] == measure.status_kind) & statuses["person"].isin(index)].copy()
            if frame.empty:
                continue
            frame["p"] = index.get_indexer(frame["person"])
            frame["day"] = pd.to_datetime(frame["recorded_on"])
            frame["good"] = frame["value"].isin(measure.status_good).astype(float)
            frame = frame.sort_values(["p", "day"])
            p_arr = frame["p"].to_numpy()
            days = frame["day"].to_numpy()
            good = frame["good"].to_numpy()
            cut_base = started[p_arr] + np.timedelta64(GRACE_DAYS, "D")
            base_rows = frame[days <= cut_base].drop_duplicates("p", keep="last")
            baseline[base_rows["p"].to_numpy(), m] = base_rows["good"].to_numpy()
            q_rows = quarters_of(frame["day"])
            for j in range(quarterly.shape[2]):
                q_end = start_q[p_arr] + j - b_q
                rows = q_rows <= q_end
                sub = pd.DataFrame({"p": p_arr[rows], "good": good[rows]}).drop_duplicates("p", keep="last")
                quarterly[sub["p"].to_numpy(), m, j] = sub["good"].to_numpy()
            quarterly[:, m, :] = np.where(observed, quarterly[:, m, :], np.nan)
            follow[:, m, :] = quarterly[:, m, b_q + 1 :]


@dataclass
class Figure:
    """One measure in one support quarter: the paired change and the people it rests on."""

    measure: Measure
    k: int
    change: stats.PairedChange
    excluded: dict[str, int]
    p_adjusted: float | None = None

    @property
    def significant(self) -> bool:
        return self.p_adjusted is not None and self.p_adjusted < 0.05


@dataclass
class CohortReport:
    people: int
    window: Window
    measures: list[Measure]
    figures: dict[tuple[str, int], Figure] = field(default_factory=dict)
    seed: int = 0
    n_boot: int = stats.DEFAULT_BOOTSTRAP

    def figure(self, code: str, k: int) -> Figure:
        return self.figures[(code, k)]

    def quarters(self) -> list[int]:
        return list(range(1, self.window.follow_up_quarters + 1))


def cohort_report(
    table: PersonQuarters,
    *,
    quarters: Iterable[int] | None = None,
    seed: int = 0,
    n_boot: int = stats.DEFAULT_BOOTSTRAP,
) -> CohortReport:
    """Every measure in every chosen support quarter, Holm-adjusted across the whole report."""
    ks = list(quarters or range(1, table.window.follow_up_quarters + 1))
    n_people = len(table.people)
    report = CohortReport(n_people, table.window, table.measures, seed=seed, n_boot=n_boot)
    weights = stats.bootstrap_weights(n_people, n_boot=n_boot, seed=seed) if n_people and n_boot else None
    lower = [m.lower_is_better for m in table.measures]
    prop = [m.proportion for m in table.measures]
    for k in ks:
        after = table.follow[:, :, k - 1]
        present = table.reason[:, k - 1] == ""
        valid = np.isfinite(table.baseline) & np.isfinite(after) & present[:, None]
        changes = stats.paired_changes(
            np.nan_to_num(table.baseline),
            np.nan_to_num(after),
            valid,
            lower_is_better=lower,
            proportion=prop,
            weights=weights,
        )
        reasons, reason_counts = np.unique(table.reason[:, k - 1].astype(str), return_counts=True)
        base_excluded = {str(r): int(c) for r, c in zip(reasons, reason_counts, strict=True) if r}
        for m, measure in enumerate(table.measures):
            excluded = dict(base_excluded)
            no_value = int((present & ~valid[:, m]).sum())
            if no_value:
                excluded[NO_VALUE] = no_value
            report.figures[(measure.code, k)] = Figure(measure, k, changes[m], excluded)
    keys = list(report.figures)
    adjusted = stats.holm_adjust([report.figures[key].change.p_value for key in keys])
    for key, p in zip(keys, adjusted, strict=True):
        report.figures[key].p_adjusted = p
    return report


def measures_for(codes: Iterable[str]) -> list[Measure]:
    return [BY_CODE[c] for c in codes if c in BY_CODE]


AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200))


def age_band(age: float | None) -> str:
    if age is None or (isinstance(age, float) and np.isnan(age)):
        return "Not known"
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}–{high}" if high < 200 else f"{low} and over"
    return "Under 18"
