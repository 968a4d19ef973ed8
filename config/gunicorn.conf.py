"""Gunicorn's configuration for Tide (ADR 0083). `tide serve` starts gunicorn with it; so do the image,
compose.yaml and deploy/systemd/tide-web.service. Every figure can be changed from the environment.

- Workers: sync workers, 2 x CPUs + 1 (the cores this process may use), at most 12: a request is
  CPU-bound (pandas, templates) or waits on PostgreSQL, and each worker holds its own copy of the
  libraries (about 200 MB). TIDE_WEB_WORKERS overrides.
- Timeout 120 s (TIDE_WEB_TIMEOUT): the slowest request Tide answers inline is the outcomes cohort report
  for up to TIDE_OUTCOMES_INLINE_LIMIT people (1,000; larger cohorts are prepared by a job first), with a
  1,000-resample bootstrap: seconds on one core. 120 s leaves room for it on a busy or slow machine
  and kills only a worker that is truly stuck. The TLS proxy's read timeout should be at least this.
- Graceful timeout (TIDE_WORKER_GRACE_SECONDS + 10, 30 s by default): on SIGTERM a worker finishes the
  request it has, as `tide worker` gives its job TIDE_WORKER_GRACE_SECONDS before handing it back; the
  service manager's stop timeout (compose stop_grace_period, systemd TimeoutStopSec) is 40 s, above both.
- Workers are recycled after about 1,000 requests, so memory a large report took is given back.
- Logs: JSON lines on standard error/output (tide.core.gunicorn_logging), access lines with the route
  name, status, duration, request id and the signed-in user's id, never the query string.
- Metrics: each worker writes its request timings to PROMETHEUS_MULTIPROC_DIR, emptied at start, so a
  scrape of /metrics on any worker sums them all (tide.core.metrics).
"""

import os
import shutil
import tempfile
from pathlib import Path


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = os.environ.get("TIDE_BIND", "0.0.0.0:8000").split(",")
workers = int(os.environ.get("TIDE_WEB_WORKERS") or min(2 * _cpus() + 1, 12))
worker_class = "sync"
timeout = int(os.environ.get("TIDE_WEB_TIMEOUT", "120"))
graceful_timeout = int(float(os.environ.get("TIDE_WORKER_GRACE_SECONDS", "20")) + 10)
keepalive = 5
max_requests = 1000
max_requests_jitter = 100
# Uploads of up to TIDE_API_MAX_BYTES are streamed to disk by Django; headers stay within gunicorn's limits.
limit_request_line = 8190

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("TIDE_LOG_LEVEL", "info").lower()
logger_class = "tide.core.gunicorn_logging.GunicornLogger"
# Django decides the scheme and the client address from TIDE_TRUST_X_FORWARDED_PROTO and
# TIDE_TRUSTED_PROXIES; gunicorn is told to believe nobody's forwarded headers itself.
forwarded_allow_ips = ""

_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="tide-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def on_starting(server):
    """Start with no figures left from a previous run of the server."""
    path = Path(_metrics_dir)
    if path.is_dir():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
