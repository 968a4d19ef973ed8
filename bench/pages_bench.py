"""Server time of every page a demo persona lands on from the navigation.

TIDE_LOCAL=1 TIDE_VAR_DIR=/tmp/var-demo python bench/pages_bench.py [--runs 5] [--load]

Uses the demo area in the configured database (``--load`` loads it first when it is missing), signs in as
each persona with the test client (no second factor: ``force_login``), and for every navigation entry of
that persona requests the page ``--runs`` times after one warm-up request. Prints the median and slowest
server time and the number of SQL queries of each, and flags any page whose median is over the target
(500 ms). Exits 1 when a page is over the target, so it can gate a release check.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TIDE_LOCAL", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TIDE_JOBS_MODE", "worker")  # time the pages, not background jobs they may queue

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tide.areas.models import User  # noqa: E402
from tide.core.navigation import items_for  # noqa: E402
from tide.simulate.demo import PERSONAS, demo_exists, demo_load  # noqa: E402

TARGET_MS = 500.0


def time_page(client: Client, url: str, runs: int) -> tuple[int, list[float], int]:
    response = client.get(url)  # warm-up: template loading, first-touch caches
    times = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return response.status_code, times, queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load", action="store_true", help="Load the demo area first if it is missing.")
    parser.add_argument("--persona", action="append", help="Only these personas (repeatable).")
    args = parser.parse_args()
    if not demo_exists():
        if not args.load:
            print("No demo area in this database: run `tide demo` or pass --load.")
            return 2
        demo_load(seed=42, preset="demo", say=print)
    print(f"{'persona':<9} {'page':<34} {'status':>6} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    slow = []
    for persona in PERSONAS:
        if args.persona and persona.username not in args.persona:
            continue
        user = User.objects.get(username=persona.username)
        client = Client()
        client.force_login(user)
        for item in items_for(user, ""):
            url = str(item["href"])
            status, times, queries = time_page(client, url, args.runs)
            median = statistics.median(times)
            flag = "  OVER 500 ms" if median > TARGET_MS else ""
            if flag or status != 200:
                slow.append((persona.username, url, median, status))
            print(f"{persona.username:<9} {url:<34} {status:>6} {median:>10.0f} {max(times):>8.0f} {queries:>8}{flag}")
    print(f"\n{len(slow)} page(s) over {TARGET_MS:.0f} ms or not 200" + (f": {slow}" if slow else ""))
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
