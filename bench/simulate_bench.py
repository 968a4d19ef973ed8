"""Benchmark: stream a synthetic area to a temporary folder and print time, peak memory, rows.

python bench/simulate_bench.py [--preset bench1m] [--seed 42] [--keep PATH]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tide.simulate import PRESETS, SimConfig, generate_to


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", choices=PRESETS, default="bench1m")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", help="write here instead of a temporary folder")
    args = parser.parse_args()
    config = SimConfig.preset(args.preset, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or tmp)
        started = time.perf_counter()
        manifest = generate_to(config, out)
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    rows = manifest["rows"]
    records = rows["truth/records"]
    events = rows["truth/events"]
    print(f"preset {args.preset} seed {args.seed}: {config.n_people:,} people")
    print(f"agency records {records:,}; ledger events {events:,}")
    print(f"wall time {seconds:.1f} s; peak RSS {peak_mb:,.0f} MB; output {size / 1e6:,.0f} MB")
    for name, n in rows.items():
        print(f"  {name:28s} {n:>12,}")


if __name__ == "__main__":
    main()
