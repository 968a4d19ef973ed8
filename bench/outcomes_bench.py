"""Benchmark and honesty check for the outcomes cohort report, over tide.simulate's synthetic area.

python bench/outcomes_bench.py [--preset bench1m] [--seed 42] [--people 2000] [--no-effect] [--data var/bench/outcomes]

1. Generates (once, cached under --data) the synthetic area with the known effect of support and the
   same area with ``no_effect=True`` (common random numbers: the same people and support starts).
2. Precomputes the per-person-per-quarter table for ``--people`` supported people as a cached
   Parquet file of ledger counts per person, event type and calendar quarter (pandas/pyarrow over the
   simulator's Parquet; DuckDB is reserved to tide.linkage).
3. Times the cohort report (table + statistics with 1,000 bootstrap resamples + charts + the HTML
   page) from the cache, against a baseline measured in the same run: the same report straight from
   the 10-million-event Parquet file with no cache.
4. Compares each estimated relative change with the true one from the simulator's truth (the
   configured multipliers, response types, ramp and exits): how many true values fall inside the
   95% confidence interval. With --no-effect (or always, on the second area), counts significant
   changes after Holm adjustment: there should be none.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TIDE_LOCAL", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402

from tide.outcomes import cohort, present  # noqa: E402
from tide.outcomes.catalogue import BY_CODE, DEFAULT_MEASURES, DOMAIN_LABELS  # noqa: E402
from tide.outcomes.charts import Bar, bar_chart  # noqa: E402
from tide.simulate import PRESETS, SimConfig, generate_to  # noqa: E402

N_BOOT = 1000
# measure -> (simulator rate name, need flag that gates the rate; None = everyone)
TRUE_RATES = {
    "ae_attendance": ("ae_attendance", None),
    "emergency_admission": ("emergency_admission", None),
    "ambulance_callout": ("ambulance_callout", None),
    "arrest": ("arrest", "offending"),
    "mh_crisis_contact": ("mh_crisis_contact", "mental_health"),
    "mh_community_contact": ("mh_community_contact", "mental_health"),
    "dat_contact": ("dat_contact", "substance"),
    "eviction": ("eviction", "homelessness"),
    "da_incident": ("da_incident", "domestic_abuse"),
}


def area_dir(data: Path, preset: str, seed: int, no_effect: bool) -> Path:
    out = data / f"{preset}-{seed}-{'noeffect' if no_effect else 'effect'}"
    if not (out / "manifest.json").exists():
        started = time.perf_counter()
        generate_to(SimConfig.preset(preset, seed=seed, no_effect=no_effect), out)
        print(f"generated {out} in {time.perf_counter() - started:.0f} s")
    return out


def choose_people(area: Path, n: int) -> pd.DataFrame:
    people = pd.read_parquet(area / "truth" / "people.parquet")
    for column in ("support_start", "exit_on", "died_on"):
        people[column] = pd.to_datetime(people[column])
    supported = people[people["support_start"].notna()].sort_values("person_id").head(n).reset_index(drop=True)
    return supported


def cohort_frame(people: pd.DataFrame) -> pd.DataFrame:
    moved = people["exit_reason"].eq("moved_out")
    return pd.DataFrame(
        {
            "person": people["person_id"],
            "started_on": people["support_start"].dt.date,
            "died_on": people["died_on"].dt.date.where(people["died_on"].notna(), None),
            "moved_out_on": people["exit_on"].dt.date.where(moved, None),
            "sex": people["sex"],
        }
    )


def ledger_counts(area: Path, person_ids: list[str]) -> pd.DataFrame:
    """The per-person-per-quarter counts, read from the simulator's Parquet ledger (pyarrow filter)."""
    table = pq.read_table(
        area / "truth" / "events.parquet",
        columns=["person_id", "event_type", "event_date"],
        filters=[("person_id", "in", person_ids)],
    )
    year = pc.year(table["event_date"]).to_numpy().astype("int64")
    month = pc.month(table["event_date"]).to_numpy().astype("int64")
    events = pd.DataFrame(
        {
            "person_id": table["person_id"].to_numpy(),
            "event_type": table["event_type"].to_numpy(),
            "q": year * 4 + (month - 1) // 3,
        }
    )
    counts = events.groupby(["person_id", "event_type", "q"], observed=True).size().reset_index(name="n")
    return counts.rename(columns={"person_id": "person"})


def ledger_bounds(area: Path) -> tuple[int, int]:
    manifest = json.loads((area / "manifest.json").read_text())
    cfg = manifest.get("config", {})
    end = pd.Timestamp(cfg.get("period_end", "2026-09-30")).date()
    n_quarters = int(cfg.get("n_quarters", 12))
    last_q = cohort.last_complete_quarter(end)
    return last_q - n_quarters + 1, last_q


def ndt_frame(area: Path, person_ids: list[str]) -> pd.DataFrame:
    ndt = pq.read_table(
        area / "truth" / "ndt.parquet",
        columns=["person_id", "assessed_on", "total"],
        filters=[("person_id", "in", person_ids)],
    ).to_pandas()
    return ndt.rename(columns={"person_id": "person"})


def render_report(table: cohort.PersonQuarters) -> tuple[cohort.CohortReport, str]:
    """The cohort report as the web page computes and renders it (without the request wrapper)."""
    report = cohort.cohort_report(table, seed=0, n_boot=N_BOOT)
    k = min(4, table.window.follow_up_quarters)
    rows = present.report_rows(report, k)
    for row in rows:
        row["domain_label"] = DOMAIN_LABELS[row["domain"]]
    charts = []
    for code in ("rough_sleeping", "ae_attendance"):
        bars = [Bar(f"Q{q}", report.figure(code, q).change.mean_after) for q in report.quarters()]
        charts.append((BY_CODE[code], bar_chart(chart_id=code, title=code, description="", bars=bars)))
    html = render_to_string(
        "outcomes/report.html",
        {
            "spec": type("Spec", (), {"is_default": True, "window": table.window})(),
            "filter_form": [],
            "k": k,
            "rows": rows,
            "people": report.people,
            "charts": charts,
            "printing": True,
            "n_boot": N_BOOT,
        },
    )
    return report, html


def true_relative_change(people: pd.DataFrame, effects: dict, rate: str, flag: str | None, q: np.ndarray) -> np.ndarray:
    """Each person's true multiplier of ``rate`` in calendar quarter q (vector), as the simulator sets it."""
    start = people["support_start"].to_numpy(dtype="datetime64[D]")
    exit_on = people["exit_on"].to_numpy(dtype="datetime64[D]")
    q_start = np.array([np.datetime64(cohort.quarter_start(int(x))) for x in q])
    q_end = np.array([np.datetime64(cohort.quarter_start(int(x) + 1)) for x in q])
    mid = q_start + (q_end - q_start) / 2
    t = (mid - start).astype("timedelta64[D]").astype(float) / 91.3
    stop = people["exit_reason"].isin(["disengaged", "excluded"]).to_numpy() & (~np.isnat(exit_on)) & (mid > exit_on)
    on = (t > 0) & ~stop
    ramp = np.where(on, 1 - np.exp(-np.where(on, t, 0) / effects["tau_quarters"]), 0.0)
    m = effects["cohort_multiplier"].get(rate, 1.0)
    if effects["no_effect"] or m == 1.0:
        return np.ones(len(people))
    response = people["response"].to_numpy()
    target = np.where(
        response == "worse",
        effects["worse_factor"] if m < 1 else 1.0,
        np.where(response == "none", 1.0, effects["full_response_multiplier"][rate]),
    )
    return 1 + (target - 1) * ramp


def check_truth(area: Path, people: pd.DataFrame, table: cohort.PersonQuarters, report: cohort.CohortReport) -> None:
    effects = json.loads((area / "truth" / "effects.json").read_text())
    start_q = table.people["start_q"].to_numpy()
    covered = total = 0
    print(f"{'measure':22s} {'q':>2s} {'n':>5s} {'estimate':>9s} {'95% CI':>19s} {'true':>7s}  in CI")
    for code, (rate, flag) in TRUE_RATES.items():
        for k in report.quarters():
            fig = report.figure(code, k)
            if fig.change.relative_ci is None or fig.change.relative_change is None:
                continue
            m = table.measures.index(BY_CODE[code])
            valid = (
                np.isfinite(table.baseline[:, m])
                & np.isfinite(table.follow[:, m, k - 1])
                & (table.reason[:, k - 1] == "")
            )
            if flag is not None:
                valid &= people[flag].to_numpy()
            mult = true_relative_change(people, effects, rate, flag, start_q + k)
            truth = float(mult[valid].mean() - 1)
            ci = fig.change.relative_ci
            inside = ci.contains(truth)
            covered += inside
            total += 1
            if k in (1, 4, 8) or not inside:
                print(
                    f"{code:22s} {k:>2d} {fig.change.n:>5d} {fig.change.relative_change:>+9.3f} "
                    f"[{ci.low:>+7.3f}, {ci.high:>+7.3f}] {truth:>+7.3f}  {'yes' if inside else 'NO'}"
                )
    print(f"true relative change inside the 95% CI: {covered} of {total} ({covered / max(total, 1):.0%})")


def significant(report: cohort.CohortReport) -> list[str]:
    return [f"{code} q{k}" for (code, k), f in report.figures.items() if f.significant]


def run(area: Path, n_people: int, label: str) -> None:
    print(f"\n== {label}: {area.name}")
    people = choose_people(area, n_people)
    ids = people["person_id"].tolist()
    first_q, last_q = ledger_bounds(area)
    measures = [BY_CODE[c] for c in DEFAULT_MEASURES]
    window = cohort.Window(4, 8)
    frame = cohort_frame(people)

    # Baseline: the report straight from the 10M-event Parquet file, no cache.
    started = time.perf_counter()
    counts = ledger_counts(area, ids)
    ndt = ndt_frame(area, ids)
    table = cohort.build_person_quarters(
        people=frame, counts=counts, measures=measures, window=window, first_q=first_q, last_q=last_q, ndt=ndt
    )
    render_report(table)
    uncached = time.perf_counter() - started

    # Precompute: the per-person-per-quarter counts as a cached Parquet file.
    cache_path = area / f"outcomes-counts-{n_people}.parquet"
    started = time.perf_counter()
    counts.to_parquet(cache_path, index=False)
    ndt.to_parquet(area / f"outcomes-ndt-{n_people}.parquet", index=False)
    precompute = time.perf_counter() - started + 0.0

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        cached = pd.read_parquet(cache_path)
        cached_ndt = pd.read_parquet(area / f"outcomes-ndt-{n_people}.parquet")
        table = cohort.build_person_quarters(
            people=frame,
            counts=cached,
            measures=measures,
            window=window,
            first_q=first_q,
            last_q=last_q,
            ndt=cached_ndt,
        )
        report, html = render_report(table)
        timings.append(time.perf_counter() - started)
    events = pq.ParquetFile(area / "truth" / "events.parquet").metadata.num_rows
    print(
        f"ledger events in the area: {events:,}; cohort: {len(people):,} supported people; counts rows {len(counts):,}"
    )
    print(
        f"cohort report from the cached per-person-per-quarter Parquet: best {min(timings):.2f} s, worst {max(timings):.2f} s ({len(html) / 1e3:.0f} kB HTML)"
    )
    print(
        f"baseline, same report straight from the events Parquet (no cache): {uncached:.2f} s; writing the cache {precompute:.2f} s"
    )
    check_truth(area, people, table, report)
    found = significant(report)
    print(f"significant changes after Holm adjustment ({len(report.figures)} tests): {len(found)}")
    print("  " + (", ".join(found[:12]) + (" ..." if len(found) > 12 else "") if found else "none"))
    rs = report.figure("rough_sleeping", 8).change if ("rough_sleeping", 8) in report.figures else None
    if rs and rs.n:
        print(
            f"rough sleeping: {rs.mean_before:.1%} in the baseline quarters -> {rs.mean_after:.1%} in quarter 8 (n {rs.n})"
        )
    ae = report.figure("ae_attendance", 8).change
    if ae.n:
        print(
            f"A&E per person per quarter: {ae.mean_before:.2f} -> {ae.mean_after:.2f} in quarter 8 ({ae.relative_change:+.0%}, n {ae.n})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=PRESETS, default="bench1m")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--no-effect", action="store_true", help="only the area without any effect of support")
    parser.add_argument("--data", default=str(ROOT / "var" / "bench" / "outcomes"))
    args = parser.parse_args()
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    if not args.no_effect:
        run(area_dir(data, args.preset, args.seed, False), args.people, "with the known effect of support")
    run(area_dir(data, args.preset, args.seed, True), args.people, "with no effect (no_effect=True)")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
