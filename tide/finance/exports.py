"""Every CSV the finance pages offer, written through :func:`tide.core.exports.csv_response`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from tide.core.exports import csv_response
from tide.finance.models import OutcomeClaim
from tide.finance.selectors import person_ref

GMCA_ATTRIBUTION = "Unit Cost Database v1.4, New Economy (GMCA), CC BY 4.0"


def cost_report_csv(kind: str, context: dict[str, Any]) -> HttpResponse:
    """One table of the cost report (``services``, ``agencies`` or ``people``) with its provenance line."""
    tables, year = context["tables"], context["price_year"]
    rows: list[list[Any]] = []
    rows.append(
        [
            f"# {tables.people} people; {tables.window_days} days before and after support started; {year} prices; {GMCA_ATTRIBUTION}"
        ]
    )
    if kind == "services":
        rows.append(["event_type", "events_before", "events_during", "difference", "unit_cost_gbp", "cost_change_gbp"])
        for s in tables.services:
            rows.append([s.event_type, s.before, s.during, s.difference, f"{s.unit_cost:.2f}", f"{s.cost_change:.2f}"])
    elif kind == "agencies":
        rows.append(
            ["bearing_agency", "budget", "national", "cost_before_gbp", "cost_during_gbp", "change_gbp", "verdict"]
        )
        for a in tables.agencies:
            rows.append(
                [
                    a.bearer,
                    a.funder,
                    "yes" if a.national else "no",
                    f"{a.cost_before:.2f}",
                    f"{a.cost_during:.2f}",
                    f"{a.change:.2f}",
                    a.verdict,
                ]
            )
    else:
        rows.append(["person_ref", "support_started", "cost_before_gbp", "cost_during_gbp", "change_gbp"])
        for p in context["report"].people:
            rows.append(
                [p.ref, p.support_from.isoformat(), f"{p.cost_before:.2f}", f"{p.cost_during:.2f}", f"{p.change:.2f}"]
            )
    return csv_response(f"tide-cost-{kind}-{year.replace('/', '-')}.csv", rows)


def pooled_csv(context: dict[str, Any]) -> HttpResponse:
    """The pooled-budget comparison: each bearing agency's contribution under each scenario, then transfers."""
    rows: list[list[Any]] = []
    tables = context["tables"]
    rows.append([f"# {tables.people} people; {tables.window_days} days; {context['price_year']} prices"])
    header = ["bearing_agency", "expected_change_gbp"]
    for item in context["results"]:
        header += [f"{item['scenario'].name}: contribution_gbp", f"{item['scenario'].name}: share_pct"]
    rows.append(header)
    for row in context["rows"]:
        line = [row["agency"], f"{row['change']:.2f}"]
        for pos in row["cells"]:
            line += [f"{pos.contribution:.2f}", f"{pos.share:.2f}"] if pos else ["", ""]
        rows.append(line)
    rows.append([])
    rows.append(["transfer_from", "transfer_to", "amount_gbp"])
    for t in context["transfers"]:
        rows.append([t.payer, t.payee, f"{t.amount:.2f}"])
    return csv_response("tide-pooled-budget.csv", rows)


def claims_csv(claims: Iterable[OutcomeClaim]) -> HttpResponse:
    """Every outcome claim with its evidence and derivation."""
    rows: list[list[Any]] = []
    rows.append(
        [
            "claim",
            "person_ref",
            "outcome",
            "achieved_on",
            "baseline_ndt",
            "weight",
            "amount_gbp",
            "status",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "evidence",
            "derivation",
        ]
    )
    for c in claims:
        rows.append(
            [
                c.pk,
                person_ref(c.person_id),
                c.rate.code,
                c.achieved_on.isoformat(),
                c.baseline_ndt if c.baseline_ndt is not None else "",
                f"{c.weight:.4f}",
                f"{c.amount:.2f}",
                c.status,
                c.submitted_by.get_username(),
                c.submitted_at.isoformat(),
                c.decided_by.get_username() if c.decided_by else "",
                c.decided_at.isoformat() if c.decided_at else "",
                c.decision_note,
                c.evidence,
                c.derivation,
            ]
        )
    return csv_response("tide-outcome-claims.csv", rows)
