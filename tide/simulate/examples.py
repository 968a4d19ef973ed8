"""The example extracts shipped in ``docs/examples/``: one month of each demo agency's file, so a newcomer
can try an import on the demo area without generating anything.

They are the demo area's own people (preset ``demo``, seed 42, as ``tide demo`` loads it) in the month
after its period: the events of its last month, moved on by 30 days and given event ids of a series the
generator never uses (``<prefix>9000…``), so they are new events, not events sent again (ADR 0014). A few
people new to the area join them (from another seed, under record references the demo's people can never
have), so an import also shows records linked for the first time. Every record and identity in them is
synthetic.

    python -m tide.simulate.examples docs/examples/tidemouth-2026-10
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv

from .area import generate
from .config import AGENCIES, SimConfig
from .extracts import AGENCY_INDEX, REF_FORMAT
from .identifiers import scramble
from .writer import to_table

SEED = 42
PRESET = "demo"
SHIFT_DAYS = 30
SERIES = 9000  # the generator numbers event ids by chunk from 0; no demo has 9,000 chunks
NEWCOMERS = 6  # people new to the area in the example month
NEWCOMER_SEED = SEED + 1


def _last_month(extract: pd.DataFrame, config: SimConfig) -> pd.DataFrame:
    start = pd.Timestamp(config.period_end).replace(day=1)
    return extract[pd.to_datetime(extract["event_date"]) >= start]


def _newcomers(config: SimConfig, seed: int) -> dict[str, pd.DataFrame]:
    """The last month's rows of a few people from another simulated area who saw two agencies or more,
    under record references the demo's generator gives nobody (the same bijection, past its range)."""
    other = generate(SimConfig.preset(PRESET, seed=seed))
    records = other.records.set_index(["agency", "record_ref"])["person_id"]
    months = {a: _last_month(other.extracts[a], config) for a in AGENCIES}
    seen = pd.concat(
        [
            pd.DataFrame({"agency": a, "person_id": records.loc[[(a, r) for r in m["record_ref"]]].to_numpy()})
            for a, m in months.items()
        ]
    ).drop_duplicates()
    busy = seen.groupby("person_id")["agency"].nunique()
    chosen = set(sorted(busy[busy >= 2].index)[:NEWCOMERS])
    out = {}
    for agency, rows in months.items():
        owners = records.loc[[(agency, r) for r in rows["record_ref"]]].to_numpy()
        rows = rows[[o in chosen for o in owners]].copy()
        prefix, digits, _ = REF_FORMAT[agency]
        refs = sorted(set(rows["record_ref"]))
        start = 2 * config.n_people  # the demo's refs number people 0 .. 2 * n_people - 1
        salt = AGENCY_INDEX[agency] + 17 * int(config.seed % 1000)  # as the generator salts the demo's refs
        width = max(digits, len(str(2 * config.n_people)))
        numbers = scramble(np.arange(start, start + len(refs)), salt=salt, modulus=10**width)
        new_refs = [f"{prefix}{n:0{width}d}" for n in numbers]
        rows["record_ref"] = rows["record_ref"].map(dict(zip(refs, new_refs, strict=True)))
        out[agency] = rows
    return out


def example_extracts(*, seed: int = SEED, preset: str = PRESET) -> dict[str, pd.DataFrame]:
    """Each agency's example month, in its shipped format's columns and order."""
    config = SimConfig.preset(preset, seed=seed)
    sim = generate(config)
    newcomers = _newcomers(config, seed + 1)
    out: dict[str, pd.DataFrame] = {}
    for agency in AGENCIES:
        rows = pd.concat([_last_month(sim.extracts[agency], config), newcomers[agency]], ignore_index=True)
        rows["event_date"] = pd.to_datetime(rows["event_date"]) + pd.Timedelta(days=SHIFT_DAYS)
        prefix = REF_FORMAT[agency][2]
        rows["event_id"] = [f"{prefix}{SERIES:04d}{i:07d}" for i in range(len(rows))]
        out[agency] = rows.reset_index(drop=True)
    return out


def write_examples(outdir: str | Path, *, seed: int = SEED, preset: str = PRESET) -> dict[str, int]:
    """Write ``<agency>.csv`` for every agency; returns the rows written per agency."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for agency, rows in example_extracts(seed=seed, preset=preset).items():
        pacsv.write_csv(to_table(rows), out / f"{agency}.csv", write_options=pacsv.WriteOptions(quoting_style="needed"))
        written[agency] = len(rows)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    target = sys.argv[1] if len(sys.argv) > 1 else "docs/examples/tidemouth-2026-10"
    for agency, n in write_examples(target).items():
        print(f"{agency:>14}: {n:,} rows")
