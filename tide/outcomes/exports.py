"""Every CSV the outcomes pages offer, written through :func:`tide.core.exports.csv_response`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from tide.core.exports import csv_response
from tide.outcomes import cohort, present


def cohort_csv(result: cohort.CohortReport) -> HttpResponse:
    rows = [present.figure_csv_row(result.figure(m.code, q)) for m in result.measures for q in result.quarters()]
    return csv_response("outcomes-cohort.csv", [present.CSV_HEADER, *rows])


def measure_csv(code: str, figures: Iterable[cohort.Figure]) -> HttpResponse:
    return csv_response(f"outcomes-{code}.csv", [present.CSV_HEADER, *[present.figure_csv_row(f) for f in figures]])


def equity_csv(group: str, figures: Sequence[tuple[str, cohort.Figure]]) -> HttpResponse:
    header = ["group_by", "group", *present.CSV_HEADER]
    return csv_response("outcomes-equity.csv", [header, *[[group, v, *present.figure_csv_row(f)] for v, f in figures]])


FRAMEWORK_HEADER = [
    "version",
    "agreed_on",
    "agreed_by",
    "measures",
    "baseline_quarters",
    "follow_up_quarters",
    "change_summary",
    "recorded_by",
]


def framework_csv(history: Iterable[Any]) -> HttpResponse:
    rows = [
        [
            v.number,
            v.agreed_on.isoformat(),
            v.agreed_by,
            " ".join(v.measures),
            v.baseline_quarters,
            v.follow_up_quarters,
            v.change_summary,
            v.recorded_by.get_username(),
        ]
        for v in history
    ]
    return csv_response("outcomes-framework-versions.csv", [FRAMEWORK_HEADER, *rows])


def person_csv(pk: int, table_name: str | None, picture: Any, service_use: present.ServiceUse) -> HttpResponse:
    """One of the three tables on a person's outcomes page: ``ndt``, ``statuses`` or (otherwise) service use."""
    if table_name == "ndt":
        rows: list[list[Any]] = [[a.assessed_on.isoformat(), a.total] for a in picture.ndt]
        return csv_response(f"person-{pk}-ndt.csv", [["assessed_on", "total"], *rows])
    if table_name == "statuses":
        rows = [
            [s.kind, s.value, s.recorded_on.isoformat(), s.in_their_words]
            for items in picture.statuses.values()
            for s in items
        ]
        return csv_response(f"person-{pk}-statuses.csv", [["kind", "value", "recorded_on", "in_their_words"], *rows])
    header = ["measure", "baseline_mean", *[h.replace("|", " ") for h in service_use.headers]]
    rows = [[r["label"], r["baseline"], *r["values"]] for r in service_use.rows]
    return csv_response(f"person-{pk}-service-use.csv", [header, *rows])
