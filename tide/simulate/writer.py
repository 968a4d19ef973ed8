"""Writing a synthetic area as CSV and Parquet, in memory or streamed chunk by chunk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .area import SyntheticArea, add_realised, effects_truth, iter_chunks
from .config import AGENCIES, SimConfig
from .names import ETHNICITY_LABELS

FORMAT_VERSION = "1"
_ROW_GROUP = 250_000


def _array(s: pd.Series | np.ndarray) -> pa.Array:
    v = s.to_numpy() if isinstance(s, pd.Series) else s
    if isinstance(s, pd.Series) and isinstance(s.dtype, pd.Int64Dtype):
        return pa.array(s, type=pa.int32(), from_pandas=True)
    if v.dtype.kind == "M":
        return pa.array(v.astype("datetime64[D]"), type=pa.date32(), from_pandas=True)
    if v.dtype.kind == "b":
        return pa.array(v, type=pa.bool_())
    if v.dtype.kind in "iu":
        return pa.array(v, type=pa.int64())
    if v.dtype.kind == "f":
        return pa.array(v, type=pa.float64())
    return pa.array(v, type=pa.string(), from_pandas=True)


def to_table(df: pd.DataFrame) -> pa.Table:
    return pa.table({c: _array(df[c]) for c in df.columns})


class _Sink:
    """A Parquet (and optionally CSV) file written one table at a time."""

    def __init__(self, path: Path, csv: bool) -> None:
        self.path = path
        self.csv_path = path.with_suffix(".csv") if csv else None
        self.pq: pq.ParquetWriter | None = None
        self.cw: pacsv.CSVWriter | None = None
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if self.pq is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.pq = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            if self.csv_path is not None:
                self.cw = pacsv.CSVWriter(
                    self.csv_path, table.schema, write_options=pacsv.WriteOptions(quoting_style="needed")
                )
        else:
            table = table.cast(self.pq.schema)
        self.pq.write_table(table, row_group_size=_ROW_GROUP)
        if self.cw is not None:
            self.cw.write_table(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self.pq is not None:
            self.pq.close()
        if self.cw is not None:
            self.cw.close()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_TRUTH_TABLES = ("people", "events", "records", "ndt", "definitions")


def _sinks(out: Path) -> dict[str, _Sink]:
    sinks = {f"extracts/{a}": _Sink(out / "extracts" / f"{a}.parquet", csv=True) for a in AGENCIES}
    for t in _TRUTH_TABLES:
        sinks[f"truth/{t}"] = _Sink(out / "truth" / f"{t}.parquet", csv=False)
    return sinks


def _finish(config: SimConfig, out: Path, sinks: dict[str, _Sink], effects: dict[str, Any]) -> dict[str, Any]:
    for s in sinks.values():
        s.close()
    (out / "truth").mkdir(parents=True, exist_ok=True)
    (out / "truth" / "effects.json").write_text(json.dumps(effects, indent=2, sort_keys=True) + "\n")
    (out / "truth" / "ethnicity.json").write_text(json.dumps(ETHNICITY_LABELS, indent=2) + "\n")
    files = [s.path for s in sinks.values()] + [s.csv_path for s in sinks.values() if s.csv_path]
    files += [out / "truth" / "effects.json", out / "truth" / "ethnicity.json"]
    files = sorted(p for p in files if p is not None and p.exists())
    manifest = {
        "format_version": FORMAT_VERSION,
        "seed": config.seed,
        "config": config.to_dict(),
        "rows": {name: s.rows for name, s in sorted(sinks.items())},
        "sha256": {str(p.relative_to(out)): _sha256(p) for p in files},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _write_chunk(sinks: dict[str, _Sink], tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        sinks[name].write(to_table(df))


def write(area: SyntheticArea, outdir: str | Path) -> dict[str, Any]:
    """Write an in-memory area: ``extracts/<agency>.csv|.parquet``, ``truth/*``, ``manifest.json``."""
    out = Path(outdir)
    sinks = _sinks(out)
    tables = {f"extracts/{a}": area.extracts[a] for a in AGENCIES}
    tables.update({f"truth/{t}": getattr(area, t) for t in _TRUTH_TABLES})
    _write_chunk(sinks, tables)
    return _finish(area.config, out, sinks, area.effects or effects_truth(area.config))


def generate_to(config: SimConfig, outdir: str | Path) -> dict[str, Any]:
    """Generate and write chunk by chunk (bounded memory); returns the manifest."""
    out = Path(outdir)
    sinks = _sinks(out)
    realised: dict[str, list[float]] = {}
    for chunk in iter_chunks(config):
        add_realised(realised, chunk.realised)
        tables = {f"extracts/{a}": chunk.extracts[a] for a in AGENCIES}
        tables.update({f"truth/{t}": getattr(chunk, t) for t in _TRUTH_TABLES})
        _write_chunk(sinks, tables)
        del chunk, tables
    return _finish(config, out, sinks, effects_truth(config, realised))
