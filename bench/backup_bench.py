"""Backup and restore times on the demo area, SQLite and PostgreSQL (issue 21; docs/backups.md).

Runs ``tide backup`` then ``tide restore`` into a fresh database (a new file; a new PostgreSQL database,
dropped afterwards), each as the operator would, and prints wall time, dump size, rows and the audit
head checked. These are the measured figures behind the recovery time objective.

    .venv/bin/python bench/backup_bench.py --sqlite var/tide.sqlite3 \
        --postgres postgres://postgres:postgres@127.0.0.1:5432/tide_demo

Either database may be left out. Load the demo first (``tide demo``) into each.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def tide(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"tide {' '.join(args)} failed: {result.stderr.strip()[-500:]}")
    return took


def psql(url: str, sql: str) -> None:
    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    subprocess.run(["psql", admin, "-q", "-c", sql], check=True)


def bench(label: str, source: dict[str, str], target: dict[str, str], scratch: Path) -> None:
    backup_s = tide(source, "backup", "--to", str(scratch))
    manifest_path = sorted(scratch.glob("tide-*.json"))[-1]
    manifest = json.loads(manifest_path.read_text())
    dump = scratch / manifest["dump"]
    restore_s = tide(target, "restore", str(manifest_path))
    rows = sum(manifest["row_counts"].values())
    print(
        f"  {label:<10} {rows:>9,} rows in {len(manifest['row_counts'])} tables, audit head {manifest['audit_head'][:20]}…; "
        f"dump {dump.stat().st_size / 1e6:7.1f} MB; backup {backup_s:6.1f} s; restore + checks {restore_s:6.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", help="path of a SQLite database holding the demo area")
    parser.add_argument("--postgres", help="DATABASE_URL of a PostgreSQL database holding the demo area")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TIDE_SQLITE_PATH"}}
    base.update(TIDE_LOCAL="1", TIDE_LOG_LEVEL="WARNING")
    print(f"Backup bench (load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        if args.sqlite:
            var = scratch / "sqlite-var"
            source = {**base, "TIDE_SQLITE_PATH": args.sqlite, "TIDE_VAR_DIR": str(var)}
            target = {
                **source,
                "TIDE_SQLITE_PATH": str(scratch / "restored.sqlite3"),
                "TIDE_MEDIA_ROOT": str(scratch / "m1"),
            }
            bench("SQLite", source, target, scratch / "sqlite")
        if args.postgres:
            name = f"tide_restore_bench_{uuid.uuid4().hex[:8]}"
            psql(args.postgres, f'CREATE DATABASE "{name}"')
            try:
                source = {**base, "DATABASE_URL": args.postgres, "TIDE_VAR_DIR": str(scratch / "pg-var")}
                url = urlunparse(urlparse(args.postgres)._replace(path=f"/{name}"))
                target = {**source, "DATABASE_URL": url, "TIDE_MEDIA_ROOT": str(scratch / "m2")}
                bench("PostgreSQL", source, target, scratch / "postgres")
            finally:
                psql(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
