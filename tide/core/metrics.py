"""Prometheus metrics at ``/metrics`` (ADR 0082).

Two kinds, so that the figures hold across gunicorn's worker processes and the separate ``tide worker``:

- Request latency, measured in the web process by :class:`MetricsMiddleware`, labelled by the route's
  *name* (``people:person``), never the raw path. Under gunicorn each worker process writes its figures
  to ``PROMETHEUS_MULTIPROC_DIR`` (config/gunicorn.conf.py sets it) and a scrape adds them up.
- Figures read from the database at scrape time, so any web process answers for the whole service:
  jobs queued and running, the oldest queued job's age, the worker's last heartbeat, durations of the
  finished jobs kept (``TIDE_JOBS_KEEP_DAYS``), and what a room registers with :func:`collector`
  (intake: rows and files imported).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from tide.core.models import Job, Worker

CONTENT_TYPE = CONTENT_TYPE_LATEST
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
JOB_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 4 * 3600.0)

REQUEST_SECONDS = Histogram(
    "tide_http_request_duration_seconds",
    "Time to answer a request, by route name, method and status.",
    ["route", "method", "status"],
    buckets=REQUEST_BUCKETS,
)

_collectors: list[Callable[[], Iterable[Metric]]] = []


def collector(read: Callable[[], Iterable[Metric]]) -> Callable[[], Iterable[Metric]]:
    """Register a function that yields metric families read from the database at scrape time."""
    if read not in _collectors:
        _collectors.append(read)
    return read


def route_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class MetricsMiddleware:
    """Time every request Django answers (static files are served before it, by WhiteNoise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        REQUEST_SECONDS.labels(route_name(request), request.method or "", str(response.status_code)).observe(
            time.perf_counter() - start
        )
        return response


def _histogram(name: str, doc: str, labels: list[str], samples: dict[tuple[str, ...], list[float]]) -> Metric:
    family = HistogramMetricFamily(name, doc, labels=labels)
    for key, values in sorted(samples.items()):
        buckets = [(str(bound), float(sum(1 for v in values if v <= bound))) for bound in JOB_BUCKETS]
        buckets.append(("+Inf", float(len(values))))
        family.add_metric(list(key), buckets, sum_value=sum(values))
    return family


def job_metrics() -> Iterator[Metric]:
    now = timezone.now()
    by_state = GaugeMetricFamily("tide_jobs", "Jobs kept, by kind and status.", labels=["kind", "status"])
    for row in Job.objects.values("kind", "status").annotate(n=Count("pk")).order_by("kind", "status"):
        by_state.add_metric([row["kind"], row["status"]], row["n"])
    yield by_state
    queue = Job.objects.filter(status=Job.Status.QUEUED).aggregate(oldest=Min("created_at"), n=Count("pk"))
    yield GaugeMetricFamily("tide_jobs_queue_depth", "Jobs waiting for a worker.", value=queue["n"])
    oldest = (now - queue["oldest"]).total_seconds() if queue["oldest"] else 0.0
    yield GaugeMetricFamily("tide_jobs_oldest_queued_seconds", "Age of the oldest queued job (0: none).", value=oldest)
    last = Worker.objects.aggregate(last=Max("beat_at"))["last"]
    beat = (now - last).total_seconds() if last else float("nan")
    yield GaugeMetricFamily(
        "tide_worker_last_beat_seconds", "Seconds since a worker last beat (NaN: none).", value=beat
    )
    durations: dict[tuple[str, ...], list[float]] = defaultdict(list)
    finished = Job.objects.filter(started_at__isnull=False, finished_at__isnull=False)
    for kind, status, started, ended in finished.values_list("kind", "status", "started_at", "finished_at"):
        if started is not None and ended is not None:
            durations[(kind, status)].append(max((ended - started).total_seconds(), 0.0))
    yield _histogram(
        "tide_job_duration_seconds",
        "Run time of the finished jobs kept, by kind and outcome.",
        ["kind", "status"],
        durations,
    )


class _DatabaseCollector:
    def collect(self) -> Iterator[Metric]:
        yield from job_metrics()
        for read in _collectors:
            yield from read()


def exposition() -> bytes:
    """The metrics in Prometheus's text format."""
    registry = CollectorRegistry()
    registry.register(_DatabaseCollector())  # type: ignore[arg-type]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY) + generate_latest(registry)


def allowed(request: HttpRequest, *, token: str, networks: Any, address: str | None) -> tuple[bool, int]:
    """Whether a scrape may read the metrics, and the status to refuse it with."""
    import hmac
    import ipaddress

    if not token and not networks:
        return False, 404
    if token:
        sent = request.META.get("HTTP_AUTHORIZATION", "")
        if sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].strip().encode(), token.encode()):
            return True, 200
    if networks and address and any(ipaddress.ip_address(address) in net for net in networks):
        return True, 200
    return False, 401 if token else 403
