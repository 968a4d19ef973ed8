"""The business case as a spreadsheet: ODS (the government's open standard, via odfpy) and XLSX (openpyxl).

Sheets follow the guidance's model so a reader of it can follow them:

* ``Costs`` — year, cost type, agency paying, amount, optimism bias, cost with optimism bias;
* ``Benefits`` — one row per benefit line: agency, value type (fiscal / economic / social), gross
  annual change, deadweight, attribution, confidence grade, optimism bias, adjusted annual benefit,
  source;
* ``Results`` — per agency and in total: present value of benefits, of costs, net present budget
  impact, financial return on investment, payback period; then economic and social values on their
  own lines, never added to the fiscal figures;
* ``Sensitivity`` — each assumption moved each way, the return at each end.

Cells hold numbers, not text, so the reader can recompute them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tide.finance import cba

Row = Sequence[Any]


def _money(value: Decimal) -> float:
    return float(round(value, 2))


def _ratio(value: Decimal | None) -> float | str:
    return float(round(value, 4)) if value is not None else "n/a"


def sheets(result: Any) -> dict[str, list[Row]]:
    """The business case's tables; ``result`` is a ``selectors.CaseResult``."""
    case, analysis = result.case, result.analysis
    head = [
        f"Business case version {case.version}; appraisal from {case.first_year}, {case.years} years; "
        f"{case.price_year} prices; discount rate {case.discount_rate:.1%} (Green Book)"
    ]
    costs: list[Row] = [
        head,
        ["Year", "Cost type", "Agency paying", "Cost (£)", "Optimism bias", "Cost with optimism bias (£)"],
    ]
    for c in result.costs:
        bias = cba.OPTIMISM_BIAS_BY_GRADE[c.grade]
        costs.append([c.year, c.label, c.funder, _money(c.amount), float(bias), _money(cba.cost_with_bias(c))])
    benefits: list[Row] = [
        head,
        [
            "Agency",
            "Value type",
            "Gross annual change (£)",
            "Deadweight",
            "Attribution",
            "Confidence grade",
            "Optimism bias",
            "Adjusted annual benefit (£)",
            "Source",
        ],
    ]
    for b in result.benefits:
        benefits.append(
            [
                b.agency,
                b.kind,
                _money(b.gross_annual),
                float(b.deadweight),
                float(b.attribution),
                b.grade,
                float(b.optimism_bias),
                _money(cba.adjusted_annual(b)),
                b.source,
            ]
        )
    results: list[Row] = [
        head,
        [
            "Agency",
            "Present value of fiscal benefits (£)",
            "Present value of costs (£)",
            "Net present budget impact (£)",
            "Financial return on investment",
            "Payback period (years)",
        ],
    ]
    for r in analysis.fiscal:
        payback = r.payback_year + 1 if r.payback_year is not None else "not within the period"
        results.append(
            [
                r.agency,
                _money(r.benefits_pv),
                _money(r.costs_pv),
                _money(r.net_present_budget_impact),
                _ratio(r.roi),
                payback,
            ]
        )
    results.append([])
    results.append(["Economic and social values (present value, £) — on their own lines, never added to fiscal"])
    results.append(["Agency", "Value type", "Present value (£)"])
    for v in analysis.economic + analysis.social:
        results.append([v.agency, v.kind, _money(v.present_value)])
    sensitivity: list[Row] = [head, ["Assumption", "Low", "Return (low)", "Base return", "High", "Return (high)"]]
    for s in result.sensitivity:
        sensitivity.append(
            [s.assumption, s.low_label, _ratio(s.low_roi), _ratio(s.base_roi), s.high_label, _ratio(s.high_roi)]
        )
    return {"Costs": costs, "Benefits": benefits, "Results": results, "Sensitivity": sensitivity}


def to_xlsx(tables: dict[str, list[Row]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_ods(tables: dict[str, list[Row]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in tables.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                value = _safe(value)
                if isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
