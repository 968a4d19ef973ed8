"""Intake's figures for ``/metrics`` (registered in IntakeConfig.ready; tide.core.metrics)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Sum
from prometheus_client.core import CounterMetricFamily, Metric

from tide.intake.models import ExtractFile


def import_metrics() -> Iterator[Metric]:
    rows = CounterMetricFamily("tide_import_rows", "Rows of the extracts taken in, by channel.", labels=["channel"])
    events = CounterMetricFamily("tide_import_events", "Events recorded from extracts, by channel.", labels=["channel"])
    files = CounterMetricFamily("tide_import_files", "Extracts taken in, by channel.", labels=["channel"])
    totals = ExtractFile.objects.values("channel").annotate(
        rows=Sum("row_count"), events=Sum("event_count"), n=Count("pk")
    )
    for row in totals.order_by("channel"):
        rows.add_metric([row["channel"]], row["rows"] or 0)
        events.add_metric([row["channel"]], row["events"] or 0)
        files.add_metric([row["channel"]], row["n"])
    yield from (rows, events, files)
