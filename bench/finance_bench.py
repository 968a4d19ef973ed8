"""Benchmark: cost change by bearing agency on the synthetic area, with its cohort size and period.

python bench/finance_bench.py [--preset demo] [--seed 42] [--window 365] [--price-year 2014/15] [--db]

Generates the synthetic area twice with the same seed: with the effect of coordinated support and
with ``no_effect=True`` (the same people, support starts, exits and frailties; common random numbers).
The second run is the baseline measured in the same run: any change it shows is what a before/after
comparison finds with no effect at all (regression to the mean, ageing, deaths), so the difference
between the two is the change the support caused. Prices come from the shipped price map and Unit
Cost Database v1.4 (New Economy (GMCA), CC BY 4.0), uprated with the shipped GDP deflators.

With ``--db`` the area is also loaded into a temporary SQLite database through the demo loader and
the report is computed by ``tide.finance.selectors.cost_report`` (the path the web pages use); the
two agency tables must agree to the penny.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from tide.finance import costing, pricing
from tide.finance.reference import default_price_map, parse_unit_costs, read_vendored
from tide.finance.uprating import DeflatorSeries, parse_deflator_csv
from tide.service_use import event_types
from tide.simulate import PRESETS, SimConfig, generate

ORDER = event_types.CODES  # the ledger's 21 codes, in its order


def shipped_prices(price_year: str) -> dict[str, list[pricing.PricedRule]]:
    rows = {r.code: r for r in parse_unit_costs(read_vendored("gmca-unit-cost-database-v1.4.csv")[0])}
    series = DeflatorSeries(parse_deflator_csv(read_vendored("gdp-deflators-budget-2015.csv")[0]))
    rules = []
    for d in default_price_map():
        r = rows[d.code]
        line = pricing.CostLine(
            r.code,
            r.detail,
            r.unit,
            r.agency_level_1,
            r.agency_level_2,
            r.fiscal_cost or Decimal(0),
            r.fiscal_price_year,
        )
        rules.append(
            pricing.PriceRule(d.event_type, line, d.multiplier, d.divisor, d.note, d.bearer_level_1, d.bearer_level_2)
        )
    return pricing.price_list(rules, series=series, target_year=price_year)


def cohort_counts(area, window: int) -> tuple[costing.Counts, int, int, pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    people = area.people[area.people["support_start"].notna()][["person_id", "support_start"]]
    as_of = pd.Timestamp(area.config.period_end)
    span = pd.Timedelta(days=window)
    complete = people[people["support_start"] + span <= as_of + pd.Timedelta(days=1)]
    ev = area.events.merge(complete, on="person_id", how="inner")
    before = ev[(ev["event_date"] >= ev["support_start"] - span) & (ev["event_date"] < ev["support_start"])]
    during = ev[(ev["event_date"] >= ev["support_start"]) & (ev["event_date"] < ev["support_start"] + span)]
    counts = costing.Counts(
        Counter(before["event_type"].value_counts().to_dict()), Counter(during["event_type"].value_counts().to_dict())
    )
    return (
        counts,
        len(complete),
        len(people) - len(complete),
        complete["support_start"].min(),
        complete["support_start"].max(),
        as_of,
    )


def run(config: SimConfig, prices, window: int, price_year: str):
    started = time.perf_counter()
    area = generate(config)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    counts, n, incomplete, first, last, as_of = cohort_counts(area, window)
    tables = costing.cost_tables(counts, prices, people=n, window_days=window, target_year=price_year, order=ORDER)
    costed = time.perf_counter() - started
    return area, tables, incomplete, first, last, as_of, generated, costed


def money(value: Decimal) -> str:
    sign = "-" if value < 0 else ("+" if value > 0 else "")
    return f"{sign + '£' + format(abs(value), ',.0f'):>14}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=PRESETS, default="demo")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--window", type=int, default=365)
    parser.add_argument("--price-year", default="2014/15")
    parser.add_argument("--db", action="store_true", help="also load into SQLite and compute through the selectors")
    args = parser.parse_args()

    prices = shipped_prices(args.price_year)
    effect = run(SimConfig.preset(args.preset, seed=args.seed), prices, args.window, args.price_year)
    baseline = run(SimConfig.preset(args.preset, seed=args.seed, no_effect=True), prices, args.window, args.price_year)
    area, tables, incomplete, first, last, as_of, generated, costed = effect
    base_tables = baseline[1]
    base = {a.bearer: a.change for a in base_tables.agencies}

    print(f"preset {args.preset} seed {args.seed}: {area.config.n_people:,} people, {len(area.events):,} ledger events")
    print(
        f"ledger period {as_of - pd.DateOffset(months=3 * area.config.n_quarters) + pd.Timedelta(days=1):%d %b %Y} to {as_of:%d %b %Y}"
    )
    print(
        f"cohort: {tables.people:,} supported people with a full {args.window}-day window "
        f"(support started {first:%d %b %Y} to {last:%d %b %Y}); {incomplete:,} left out (window not complete)"
    )
    print(
        f"comparison: {args.window} days before support vs first {args.window} days of support; {args.price_year} prices; fiscal costs only"
    )
    print()
    print(
        f"{'bearing agency':<60} {'before':>14} {'during':>14} {'change':>14} {'no-effect chg':>14} {'effect':>14}  verdict"
    )
    for a in tables.agencies:
        b = base.get(a.bearer, Decimal(0))
        print(
            f"{a.bearer:<60} {money(a.cost_before)} {money(a.cost_during)} {money(a.change)} {money(b)} {money(a.change - b)}  {a.verdict}"
        )
    print()
    print(
        f"agencies that save, together:        {money(-tables.total_reductions)}   (no-effect baseline {money(-base_tables.total_reductions)})"
    )
    print(
        f"agencies that spend more, together:  {money(tables.total_increases)}   (no-effect baseline {money(base_tables.total_increases)})"
    )
    print(
        f"savings to national budgets:         {money(-tables.national_savings_total)}   (no-effect baseline {money(-base_tables.national_savings_total)})"
    )
    if tables.people:
        print(
            f"per person, savers: {money(-tables.total_reductions / tables.people)}; spenders: {money(tables.total_increases / tables.people)}"
        )
    if tables.unpriced:
        print(f"UNPRICED event types: {', '.join(tables.unpriced)}")
    print()
    print(
        f"time: generate {generated:.2f} s + {baseline[6]:.2f} s (baseline); cost tables {costed * 1000:.0f} ms + {baseline[7] * 1000:.0f} ms (baseline)"
    )

    if args.db:
        db_check(args, tables)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:,.0f} MB")


def db_check(args, tables) -> None:
    tmp = tempfile.mkdtemp(prefix="finance-bench-")
    os.environ.update(
        {
            "TIDE_LOCAL": "1",
            "TIDE_SQLITE_PATH": str(Path(tmp) / "bench.sqlite3"),
            "TIDE_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "TIDE_JOBS_MODE": "eager",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from tide.finance import selectors
    from tide.simulate.demo import demo_load

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    area = demo_load(seed=args.seed, preset=args.preset, say=lambda _msg: None)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    report = selectors.cost_report(area=area, target_year=args.price_year, window_days=args.window)
    seconds = time.perf_counter() - started
    db = {a.bearer: a.change for a in report.tables.agencies}
    pure = {a.bearer: a.change for a in tables.agencies}
    same = db.keys() == pure.keys() and all(abs(db[k] - pure[k]) < Decimal("0.01") for k in db)
    print(
        f"database path: demo loaded in {loaded:.1f} s; selectors.cost_report over {report.tables.people:,} people in {seconds:.2f} s; "
        f"agrees with the in-memory tables: {'yes' if same else 'NO'}"
    )
    if not same:
        for k in sorted(set(db) | set(pure)):
            print(f"  {k}: db {db.get(k)} vs pure {pure.get(k)}")


if __name__ == "__main__":
    main()
