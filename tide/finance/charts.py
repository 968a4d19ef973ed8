"""Finance charts drawn on the server as SVG, as the outcomes room's are: no JavaScript, a title and a
description for screen readers, and always a data table beside them in the page. Pure Python.

* :func:`diverging_bars` — one horizontal bar per agency around zero (savings one side, extra spending
  the other), never netted;
* :func:`tornado` — the sensitivity chart: for each assumption, the return at its low and high end
  around the base return, largest swing first.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import Any

from tide.outcomes.charts import BLACK, BLUE, GREY

WIDTH = 640
ROW = 28
LABEL_W = 230
RIGHT = 16
TOP = 8
ORANGE = "#f47738"


def _money(value: float) -> str:
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def _open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="tide-chart" role="img" '
        f'font-family="GDS Transport, arial, sans-serif" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _label(text: str) -> str:
    return escape(text if len(text) <= 34 else text[:33] + "…")


def diverging_bars(*, chart_id: str, title: str, rows: Sequence[tuple[str, Decimal]], good_when_negative: bool) -> str:
    """Bars left of zero and right of zero; ``good_when_negative``: a fall in cost is a saving (blue)."""
    values = [float(v) for _, v in rows]
    span = max([abs(v) for v in values] + [1.0])
    height = TOP * 2 + ROW * max(len(rows), 1) + 20
    inner = WIDTH - LABEL_W - RIGHT
    zero = LABEL_W + inner / 2

    def x(v: float) -> float:
        return zero + (inner / 2) * (v / span)

    described = "; ".join(f"{name}: {_money(float(v))}" for name, v in rows) or "no agencies"
    parts = _open(chart_id, title, described, height)
    for i, (name, value) in enumerate(rows):
        v = float(value)
        y = TOP + ROW * i
        good = (v < 0) == good_when_negative
        colour = BLUE if good else ORANGE
        left, right = sorted((x(0), x(v)))
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 18}" text-anchor="end" font-size="12" fill="{BLACK}">{_label(name)}</text>'
            f'<rect x="{left:.1f}" y="{y + 5}" width="{max(right - left, 1):.1f}" height="{ROW - 10}" fill="{colour}"/>'
        )
    parts.append(
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{TOP}" y2="{height - 20}" stroke="{BLACK}" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{LABEL_W}" y="{height - 4}" font-size="12" fill="{GREY}">{_money(-span)}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{height - 4}" text-anchor="end" font-size="12" fill="{GREY}">{_money(span)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def tornado(*, chart_id: str, title: str, rows: Sequence[Any], base: Decimal | None) -> str:
    """``rows`` are ``cba.Sensitivity``: a bar from the low end's return to the high end's."""
    ends = [float(v) for r in rows for v in (r.low_roi, r.high_roi) if v is not None]
    if base is not None:
        ends.append(float(base))
    lo, hi = (min(ends), max(ends)) if ends else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    height = TOP * 2 + ROW * max(len(rows), 1) + 20
    inner = WIDTH - LABEL_W - RIGHT

    def x(v: float) -> float:
        return LABEL_W + inner * (v - lo) / (hi - lo)

    described = "; ".join(
        f"{r.assumption}: {_ratio(r.low_roi)} ({r.low_label}) to {_ratio(r.high_roi)} ({r.high_label})" for r in rows
    )
    parts = _open(chart_id, title, described or "no assumptions", height)
    for i, r in enumerate(rows):
        y = TOP + ROW * i
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 18}" text-anchor="end" font-size="12" fill="{BLACK}">{_label(r.assumption)}</text>'
        )
        if r.low_roi is None or r.high_roi is None:
            continue
        left, right = sorted((x(float(r.low_roi)), x(float(r.high_roi))))
        parts.append(
            f'<rect x="{left:.1f}" y="{y + 5}" width="{max(right - left, 1):.1f}" height="{ROW - 10}" fill="{BLUE}"/>'
        )
    if base is not None:
        bx = x(float(base))
        parts.append(
            f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{TOP}" y2="{height - 20}" stroke="{BLACK}" stroke-width="2"/>'
        )
    parts.append(
        f'<text x="{LABEL_W}" y="{height - 4}" font-size="12" fill="{GREY}">{_ratio(Decimal(str(lo)))}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{height - 4}" text-anchor="end" font-size="12" fill="{GREY}">'
        f"{_ratio(Decimal(str(hi)))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _ratio(value: Decimal | None) -> str:
    return f"£{value:.2f}" if value is not None else "n/a"


def business_case_charts(result: Any) -> dict[str, str]:
    fiscal = list(result.analysis.fiscal[:-1])
    return {
        "impact": diverging_bars(
            chart_id="npbi",
            title="Net present budget impact by agency",
            rows=[(r.agency, r.net_present_budget_impact) for r in fiscal],
            good_when_negative=False,
        ),
        "sensitivity": tornado(
            chart_id="sensitivity",
            title="Which assumptions move the return on investment",
            rows=result.sensitivity,
            base=result.analysis.total.roi,
        ),
    }


def agency_change_chart(tables: Any, chart_id: str = "agency-change") -> str:
    """Cost report and board report: each agency's change in cost, savings in blue, never netted."""
    return diverging_bars(
        chart_id=chart_id,
        title="Change in the cost of service use by bearing agency",
        rows=[(a.bearer, a.change) for a in tables.agencies],
        good_when_negative=True,
    )
