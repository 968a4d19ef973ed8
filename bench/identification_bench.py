"""Identification benchmark: definition quality against the synthetic truth, whole-ledger screening time, and
the by-name list page's server time with 10,000 people on the list.

    python bench/identification_bench.py --data var/bench1m          # an area written by tide.simulate
    python bench/identification_bench.py --preset bench1m --data var/bench1m   # generate it first if missing
    python bench/identification_bench.py --data var/demo --skip-page

Figures printed: per definition precision and recall against truth/definitions.parquet (shipped windows and
whole-period windows); screening time and peak memory for the whole ledger, beside a baseline measured in
the same run (reading the Parquet columns alone); the list page's median server time beside a baseline
(the same page with an empty list).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from tide.identification import rules  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_ledger(path: Path) -> tuple[rules.Ledger, np.ndarray]:
    """Read person_id, event_type, event_date as dictionary-encoded columns; no Python objects per row."""
    table = pq.read_table(
        path, columns=["person_id", "event_type", "event_date"], read_dictionary=["person_id", "event_type"]
    )
    person = table.column("person_id").combine_chunks()
    kind = table.column("event_type").combine_chunks()
    kinds = [str(k) for k in kind.dictionary.to_pylist()]
    unknown = [k for k in kinds if k not in rules.CODE_INDEX]
    if unknown:
        raise SystemExit(f"unknown event types in the ledger: {unknown}")
    remap = np.array([rules.CODE_INDEX[k] for k in kinds], dtype=np.int64)
    days = table.column("event_date").combine_chunks().cast("int32").to_numpy(zero_copy_only=False).astype(np.int64)
    ledger = rules.Ledger(
        person=person.indices.to_numpy(zero_copy_only=False).astype(np.int64),
        kind=remap[kind.indices.to_numpy(zero_copy_only=False)],
        day=days,
        n_people=len(person.dictionary),
    )
    return ledger, np.array(person.dictionary.to_pylist(), dtype=object)


def whole_period(spec: rules.DefinitionSpec) -> rules.DefinitionSpec:
    return replace(spec, criteria=tuple(replace(c, window_days=None) for c in spec.criteria))


def precision_recall(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float, int, int]:
    tp = int((pred & truth).sum())
    return (tp / max(int(pred.sum()), 1), tp / max(int(truth.sum()), 1), int(pred.sum()), int(truth.sum()))


def quality(data: Path, as_of: dt.date) -> None:
    import pandas as pd

    ledger, ids = load_ledger(data / "truth" / "events.parquet")
    truth = pd.read_parquet(data / "truth" / "definitions.parquet").set_index("person_id")
    people = pd.read_parquet(data / "truth" / "people.parquet", columns=["person_id", "md"]).set_index("person_id")
    # Everyone in the truth, including people with no events (they can never be found from the ledger).
    truth = truth.join(people)
    position = pd.Series(np.arange(len(ids)), index=ids)
    idx = position.reindex(truth.index).to_numpy()
    has_events = ~np.isnan(idx)
    idx = np.where(has_events, idx, 0).astype(np.int64)

    print(f"\nQuality against ground truth ({len(truth):,} people, {len(ledger.person):,} events, as of {as_of})")
    print(
        f"{'definition':<22}{'windows':<14}{'identified':>11}{'true':>9}{'precision':>11}{'recall':>9}"
        f"{'recall of MD cohort':>21}"
    )
    for spec in rules.shipped_specs():
        for label, s in (("shipped", spec), ("whole period", whole_period(spec))):
            screened = rules.screen_ledger(s, ledger, as_of=as_of)
            pred = np.where(has_events, screened["meets"][idx], False)
            if spec.code == "hard_edges_smd":
                t = truth["hard_edges_smd"].to_numpy() >= spec.min_criteria
                level = np.where(has_events, screened["n_met"][idx], 0)
                exact = float((level == truth["hard_edges_smd"].to_numpy()).mean())
            else:
                t = truth[spec.code].to_numpy().astype(bool)
                exact = None
            p, r, n_pred, n_true = precision_recall(pred, t)
            md = truth["md"].to_numpy().astype(bool)
            md_recall = float((pred & md).sum() / max(md.sum(), 1))
            print(
                f"{spec.code:<22}{label:<14}{n_pred:>11,}{n_true:>9,}{p:>11.3f}{r:>9.3f}{md_recall:>21.3f}"
                + (f"   SMD level exact: {exact:.3f}" if exact is not None else "")
            )


def screening_time(data: Path, as_of: dt.date) -> None:
    path = data / "truth" / "events.parquet"
    start = time.perf_counter()
    table = pq.read_table(path, columns=["person_id", "event_type", "event_date"])
    baseline = time.perf_counter() - start
    rows = table.num_rows
    del table
    start = time.perf_counter()
    ledger, ids = load_ledger(path)
    loaded = time.perf_counter() - start
    counts = {}
    for spec in rules.shipped_specs():
        screened = rules.screen_ledger(spec, ledger, as_of=as_of)
        counts[spec.code] = (int(screened["meets"].sum()), int(screened["near"].sum()))
    total = time.perf_counter() - start
    print(
        f"\nWhole-ledger screening: {rows:,} events, {len(ids):,} people, 4 definitions, os.cpu_count()={os.cpu_count()}"
    )
    print(f"  baseline (read the three Parquet columns only): {baseline:.2f} s")
    print(f"  screening (read + encode {loaded:.2f} s, then 4 definitions): {total:.2f} s  (target < 120 s)")
    print(f"  peak RSS: {peak_rss_mb():,.0f} MB")
    for code, (meets, near) in counts.items():
        print(f"  {code}: {meets:,} meet, {near:,} close")


def page_time(n_people: int, repeats: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("TIDE_LOCAL", "1")
    os.environ.setdefault("TIDE_FAST_PASSWORD_HASHER", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tide.areas.models import Agency, Area, Role, User
    from tide.identification.models import ListEntry
    from tide.people.models import Person

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        area = Area.objects.create(name="Benchford", code="benchford")
        agency = Agency.objects.create(area=area, name="Link", code="link", sector="voluntary")
        user = User.objects.create_user("bench", password="x", area=area, agency=agency, role=Role.COORDINATOR)
        client = Client()
        client.force_login(user)

        def median_ms(url: str) -> float:
            client.get(url)  # warm
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.status_code
            return statistics.median(times)

        baseline = median_ms("/identification/list/")
        rng = np.random.default_rng(7)
        today = dt.date.today()
        people = Person.objects.bulk_create(
            [
                Person(
                    area=area, given_name=f"Given{i}", family_name=f"Family{i:05d}", date_of_birth=dt.date(1980, 1, 1)
                )
                for i in range(n_people)
            ],
            batch_size=2000,
        )
        statuses = ["new", "active", "caseload", "returned"]
        ListEntry.objects.bulk_create(
            [
                ListEntry(
                    person=p,
                    area=area,
                    status=statuses[i % 4],
                    status_since=today,
                    first_identified_on=today - dt.timedelta(days=int(rng.integers(0, 900))),
                    last_event_on=today - dt.timedelta(days=int(rng.integers(0, 90))),
                    definitions="fulfilling_lives,turning_the_tide",
                    domains_met=int(rng.integers(1, 5)),
                    ndt_total=int(rng.integers(10, 48)),
                    gap_score=float(rng.uniform(0, 100)),
                    gap_detail="need 60%, 4 crisis events, 1 services engaged, 0 declines or no-shows",
                )
                for i, p in enumerate(people)
            ],
            batch_size=2000,
        )
        print(
            f"\nBy-name list page ({connection.vendor}), {n_people:,} people on the list, 50 a page, median of {repeats}"
        )
        print(f"  baseline (empty list): {baseline:.1f} ms")
        for label, url in [
            ("first page, sorted by support gap", "/identification/list/"),
            ("page 100, sorted by name", "/identification/list/?sort=name&page=100"),
            ("filtered by definition and status", "/identification/list/?definition=turning_the_tide&status=active"),
            ("name search", "/identification/list/?q=Family0421"),
        ]:
            print(f"  {label}: {median_ms(url):.1f} ms  (target < 300 ms)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data", type=Path, default=ROOT / "var" / "bench1m", help="a directory written by tide.simulate"
    )
    parser.add_argument("--preset", help="generate this tide.simulate preset into --data if it is missing")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", default="2026-09-30", help="screening date (the simulation's period end)")
    parser.add_argument("--people", type=int, default=10_000, help="people on the list for the page timing")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--skip-page", action="store_true")
    parser.add_argument("--page-only", action="store_true", help="only time the list page (no data needed)")
    args = parser.parse_args()
    if args.page_only:
        page_time(args.people, args.repeats)
        return
    if not (args.data / "truth" / "events.parquet").exists():
        if not args.preset:
            raise SystemExit(f"{args.data} holds no simulated area; pass --preset bench1m to generate one")
        from tide.simulate import SimConfig, generate_to

        t0 = time.perf_counter()
        generate_to(SimConfig.preset(args.preset, seed=args.seed), args.data)
        print(f"generated {args.preset} in {time.perf_counter() - t0:.1f} s")
    as_of = dt.date.fromisoformat(args.as_of)
    screening_time(args.data, as_of)
    quality(args.data, as_of)
    if not args.skip_page:
        page_time(args.people, args.repeats)


if __name__ == "__main__":
    main()
