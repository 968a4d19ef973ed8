"""Load bench (issue 21): Tide on PostgreSQL behind gunicorn (4 sync workers), driven by locust.

Prints, with a bare endpoint (``/healthz``) measured in the same runs:

1. p50/p95/p99 and errors at 50 signed-in users (coordinator, practitioner, chair, officer; reads and
   writes; 1–3 s think time);
2. the saturation point: the user count is stepped up with no think time, and the requests per second
   at which p95 passes 500 ms are reported, for Tide's mix and for the bare endpoint alone;
3. person-page latency while a 1,000,000-row extract is imported (``tide import``) into the same database.

Needs the demo area loaded into a PostgreSQL database (``DATABASE_URL=... tide migrate && tide demo``)
and locust (the dev extra). Run from the repository root, e.g.

    .venv/bin/python bench/load_bench.py --database-url postgres://postgres:postgres@127.0.0.1:5432/tide_load

The machine's load average is printed beside the figures: the bench shares its cores with the server.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import requests

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
PASSWORD = os.environ.get("TIDE_DEMO_PASSWORD", "tide-demo-2026")
PERSONAS = {"coordinator": "charles", "practitioner": "priya", "chair": "morgan", "officer": "helen"}
CODE = re.compile(r"the current code is <strong>(\d{6})</strong>")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
P95_LIMIT_MS = 500.0
PERSON = r"/coordination/people/(\d+)/"


def load_average() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=args.database_url, TIDE_LOCAL="1", TIDE_VAR_DIR=args.var_dir, TIDE_LOG_LEVEL="WARNING")
    env.setdefault("TIDE_JOBS_MODE", "worker")  # jobs a write may queue wait for a worker, as in production
    return env


def gunicorn_start(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application"]
    conf = ROOT / "config" / "gunicorn.conf.py"
    if conf.exists():  # the shipped configuration, with the bench's address
        command += ["-c", str(conf)]
    command += ["--workers", "4", "--worker-class", "sync", "--bind", f"127.0.0.1:{args.port}", "--timeout", "120"]
    command += ["--preload"]  # Django loads once, before the fork: no worker starts cold inside a measurement
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(args))
    for _ in range(120):
        try:
            if requests.get(f"{args.host}/healthz", timeout=30).status_code in {200, 503}:
                return server
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(1)
    server.terminate()
    server.wait(timeout=60)
    raise SystemExit("gunicorn did not answer on /healthz within two minutes")


def sign_in(host: str, username: str) -> requests.Session:
    """Password, then the second-factor code the demo shows (TIDE_SHOW_SIGN_IN_CODES, on with TIDE_LOCAL)."""
    session = requests.Session()
    page = session.get(f"{host}/sign-in")
    token = CSRF.search(page.text).group(1)
    form = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    page = session.post(f"{host}/sign-in", data=form, headers={"Referer": f"{host}/sign-in"})
    code = CODE.search(page.text)
    if code is None:
        raise SystemExit(f"{username}: no demo code on {page.url} — is TIDE_SHOW_SIGN_IN_CODES on?")
    form = {"csrfmiddlewaretoken": CSRF.search(page.text).group(1), "code": code.group(1)}
    page = session.post(page.url, data=form, headers={"Referer": page.url})
    if "/sign-in" in page.url:
        raise SystemExit(f"{username}: sign-in refused at {page.url}")
    return session


def warm_up(args: argparse.Namespace) -> None:
    """A short run first, so every worker has its connections and caches before anything is measured."""
    locust_run(args, users=8, seconds=15, classes=["Coordinator", "Chair", "Officer", "Bare"], think="0")


def ids(session: requests.Session, url: str, pattern: str) -> list[int]:
    return sorted({int(x) for x in re.findall(pattern, session.get(url).text)})


def sessions_write(host: str, path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for persona, username in PERSONAS.items():
        session = sign_in(host, username)
        people = sorted(
            {
                pk
                for page in ("/", "/coordination/", "/coordination/requests")
                for pk in ids(session, host + page, PERSON)
            }
        )
        out[persona] = {"cookies": session.cookies.get_dict(), "people": people}
    chair = requests.Session()
    chair.cookies.update(out["chair"]["cookies"])
    out["chair"]["meetings"] = ids(chair, f"{host}/coordination/meetings/", r"/coordination/meetings/(\d+)/")
    path.write_text(json.dumps(out), encoding="utf-8")
    return out


def locust_run(args: argparse.Namespace, *, users: int, seconds: int, classes: list[str], think: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "times.json"
        env = dict(os.environ, TIDE_LOAD_SESSIONS=str(args.sessions), TIDE_LOAD_THINK=think, TIDE_LOAD_OUT=str(out))
        command = [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--only-summary",
            "--host",
            args.host,
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
            *classes,
        ]
        result = subprocess.run(command, env=env, cwd=ROOT, check=False, capture_output=True, text=True)
        if not out.exists():
            raise SystemExit(f"locust wrote no figures: {result.stderr.strip()[-800:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def group(result: dict[str, Any], prefix: str) -> dict[str, float]:
    times = [t for name, ts in result["times"].items() if name.startswith(prefix) for t in ts]
    failures = sum(n for name, n in result["failures"].items() if name.startswith(prefix))
    if not times:
        return {"n": 0, "failures": failures, "p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    p50, p95, p99 = np.percentile(times, [50, 95, 99])
    return {"n": len(times), "failures": failures, "p50": p50, "p95": p95, "p99": p99}


def line(label: str, g: dict[str, float], seconds: float | None = None) -> str:
    rate = f", {g['n'] / seconds:6.1f} req/s" if seconds else ""
    return (
        f"  {label:<26} n={g['n']:6d}  errors={g['failures']:3d}  "
        f"p50/p95/p99 = {g['p50']:6.0f} / {g['p95']:6.0f} / {g['p99']:6.0f} ms{rate}"
    )


def fifty_users(args: argparse.Namespace) -> None:
    print(f"\n1. {args.users} users, 1-3 s think time, {args.seconds} s ({load_average()})", flush=True)
    result = locust_run(
        args,
        users=args.users,
        seconds=args.seconds,
        classes=["Coordinator", "Practitioner", "Chair", "Officer", "Bare"],
        think="1-3",
    )
    for label, prefix in (("reads", "read:"), ("writes", "write:"), ("reads and writes", ("read:", "write:"))):
        print(line(label, group(result, prefix)))  # type: ignore[arg-type]
    print(line("bare /healthz", group(result, "bare:")))
    for name in sorted(result["times"]):
        print(line("  " + name, group(result, name)))
    print(f"  after: {load_average()}")


def saturation(args: argparse.Namespace, classes: list[str], prefix: str | tuple[str, ...], label: str) -> float:
    """Step the users up with no think time; return the req/s at which p95 passes 500 ms (interpolated)."""
    print(f"\n2. Saturation, {label}: no think time, {args.step_seconds} s a step ({load_average()})", flush=True)
    previous: tuple[float, float] | None = None
    best = 0.0
    for users in args.steps:
        result = locust_run(args, users=users, seconds=args.step_seconds, classes=classes, think="0")
        g = group(result, prefix)  # type: ignore[arg-type]
        rate = g["n"] / args.step_seconds
        print(line(f"{users:4d} users", g, args.step_seconds), flush=True)
        if g["p95"] > P95_LIMIT_MS:
            if previous is None:
                return rate
            (r0, p0), (r1, p1) = previous, (rate, g["p95"])
            crossing = r0 + (r1 - r0) * (P95_LIMIT_MS - p0) / (p1 - p0) if p1 != p0 else r0
            return max(min(crossing, max(r0, r1)), min(r0, r1))
        previous = (rate, g["p95"])
        best = max(best, rate)
    print(f"  p95 stayed under {P95_LIMIT_MS:.0f} ms up to {args.steps[-1]} users")
    return best


def extract_write(path: Path, rows: int) -> None:
    """A synthetic acute-trust extract of ``rows`` events for the demo area's own acute records (new
    event ids of a series the generator never uses), from the shipped example extract."""
    example = ROOT / "docs" / "examples" / "tidemouth-2026-10" / "acute.csv"
    with example.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        base = list(reader)
    rng = np.random.default_rng(21)
    days = np.datetime64("2026-11-01") + rng.integers(0, 30, rows)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        for i in range(rows):
            row = list(base[i % len(base)])
            row[0] = f"AE95{i:09d}"
            row[header.index("event_date")] = str(days[i])
            writer.writerow(row)


def during_import(args: argparse.Namespace) -> None:
    path = Path(args.var_dir) / f"acute-{args.import_rows}.csv"
    if not path.exists():
        started = time.perf_counter()
        extract_write(path, args.import_rows)
        print(f"\n   wrote {path} ({args.import_rows:,} rows) in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"\n3. Person page, {args.import_users} users (1-3 s think), baseline {args.seconds} s ({load_average()})")
    print(
        line(
            "person page, no import",
            group(
                locust_run(args, users=args.import_users, seconds=args.seconds, classes=["PersonPage"], think="1-3"),
                "read:",
            ),
        )
    )
    command = [str(ROOT / ".venv" / "bin" / "tide"), "import", "--agency", "acute", str(path)]
    started = time.perf_counter()
    importer = subprocess.Popen(
        command, cwd=ROOT, env=server_env(args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    merged: dict[str, Any] = {"times": {}, "failures": {}}
    while importer.poll() is None:
        result = locust_run(args, users=args.import_users, seconds=30, classes=["PersonPage"], think="1-3")
        for key in ("times", "failures"):
            for name, value in result[key].items():
                merged[key][name] = merged[key].get(name, 0 if key == "failures" else []) + value
    took = time.perf_counter() - started
    output = (importer.stdout.read() if importer.stdout else b"").decode().strip()
    print(f"   import of {args.import_rows:,} rows: exit {importer.returncode} in {took:.0f} s: {output[:160]}")
    print(line("person page, during import", group(merged, "read:")))
    print(f"  after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", ""), required=not os.environ.get("DATABASE_URL")
    )
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "load"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--steps", default="5,10,20,40,80", help="user counts for the saturation steps")
    parser.add_argument("--step-seconds", type=int, default=20)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--import-users", type=int, default=10)
    parser.add_argument("--parts", default="users,saturation,import")
    args = parser.parse_args()
    args.steps = [int(s) for s in args.steps.split(",")]
    args.host = f"http://127.0.0.1:{args.port}"
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    args.sessions = Path(args.var_dir) / "sessions.json"
    parts = set(args.parts.split(","))
    print(f"Tide load bench: gunicorn 4 sync workers on PostgreSQL, {args.host} ({load_average()})", flush=True)
    server = gunicorn_start(args)
    try:
        sessions_write(args.host, args.sessions)
        warm_up(args)
        if "users" in parts:
            fifty_users(args)
        if "saturation" in parts:
            app = saturation(
                args, ["Coordinator", "Practitioner", "Chair", "Officer"], ("read:", "write:"), "Tide's mix"
            )
            bare = saturation(args, ["Bare"], "bare:", "bare /healthz")
            share = app / bare if bare else float("nan")
            print(f"\n   saturation: Tide {app:.1f} req/s, bare {bare:.1f} req/s: {share:.0%} of the bare endpoint's")
        if "import" in parts:
            during_import(args)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
