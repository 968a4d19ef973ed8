"""The example extracts shipped in ``docs/examples/``: one month of each demo agency's file, so a newcomer
can try an import on the demo area without generating anything.

They are the demo area's own people (preset ``demo``, seed 42, as ``tide demo`` loads it) in the month
after its period: the events of its last month, moved on by 30 days and given event ids of a series the
generator never uses (``<prefix>9000…``), so they are new events, not events sent again (ADR 0014). Every
record and identity in them is synthetic.

    python -m tide.simulate.examples docs/examples/tidemouth-2026-10
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv

from .area import generate
from .config import AGENCIES, SimConfig
from .extracts import REF_FORMAT
from .writer import to_table

SEED = 42
PRESET = "demo"
SHIFT_DAYS = 30
SERIES = 9000  # the generator numbers event ids by chunk from 0; no demo has 9,000 chunks


def example_extracts(*, seed: int = SEED, preset: str = PRESET) -> dict[str, pd.DataFrame]:
    """Each agency's example month, in its shipped format's columns and order."""
    config = SimConfig.preset(preset, seed=seed)
    sim = generate(config)
    last_month = pd.Timestamp(config.period_end).replace(day=1)
    out: dict[str, pd.DataFrame] = {}
    for agency in AGENCIES:
        extract = sim.extracts[agency]
        rows = extract[pd.to_datetime(extract["event_date"]) >= last_month].copy()
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
