"""Accessible SVG charts drawn on the server: no JavaScript, a title and description for screen
readers, and always a data table beside them in the page. Pure Python; returns SVG markup."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 300
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 64
BLUE = "#1d70b8"
GREY = "#505a5f"
LIGHT = "#b1b4b6"
BLACK = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no value (drawn as a gap, said in the description)
    low: float | None = None
    high: float | None = None
    muted: bool = False  # e.g. the baseline or a quarter with too few people


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:.0f}"


def bar_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar], unit: str = "") -> str:
    """Vertical bars with optional confidence-interval whiskers."""
    tops = [b.high if b.high is not None else b.value for b in bars if b.value is not None]
    top = nice_max(max([t for t in tops if t is not None] + [0.0]))
    inner_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    inner_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = inner_w / max(len(bars), 1)
    bar_w = slot * 0.6

    def y(v: float) -> float:
        return MARGIN_TOP + inner_h * (1 - max(0.0, min(v, top)) / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="tide-chart" role="img" font-family="GDS Transport, arial, sans-serif" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i in range(5):
        v = top * i / 4
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{LIGHT}" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12" fill="{GREY}">{_fmt(v)}</text>'
        )
    for i, bar in enumerate(bars):
        x = MARGIN_LEFT + slot * i + (slot - bar_w) / 2
        cx = x + bar_w / 2
        if bar.value is not None:
            colour = LIGHT if bar.muted else BLUE
            parts.append(
                f'<rect x="{x:.1f}" y="{y(bar.value):.1f}" width="{bar_w:.1f}" height="{y(0) - y(bar.value):.1f}" fill="{colour}"/>'
            )
            if bar.low is not None and bar.high is not None:
                parts.append(
                    f'<path d="M{cx:.1f} {y(bar.low):.1f}V{y(bar.high):.1f}M{cx - 6:.1f} {y(bar.low):.1f}h12M{cx - 6:.1f} {y(bar.high):.1f}h12" '
                    f'stroke="{BLACK}" stroke-width="2" fill="none"/>'
                )
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 18}" text-anchor="middle" font-size="12" fill="{BLACK}">{escape(bar.label)}</text>'
        )
    if unit:
        parts.append(f'<text x="{MARGIN_LEFT}" y="{HEIGHT - 12}" font-size="12" fill="{GREY}">{escape(unit)}</text>')
    parts.append(
        f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{BLACK}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    *, chart_id: str, title: str, description: str, points: Sequence[tuple[str, float]], y_max: float, unit: str = ""
) -> str:
    """A line through dated points (for example NDT totals over time) with a fixed axis."""
    inner_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    inner_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    n = len(points)

    def x(i: int) -> float:
        return MARGIN_LEFT + (inner_w * (i + 0.5) / n if n else 0)

    def y(v: float) -> float:
        return MARGIN_TOP + inner_h * (1 - max(0.0, min(v, y_max)) / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="tide-chart" role="img" font-family="GDS Transport, arial, sans-serif" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i in range(5):
        v = y_max * i / 4
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{LIGHT}" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12" fill="{GREY}">{_fmt(v)}</text>'
        )
    if n:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f} {y(v):.1f}" for i, (_, v) in enumerate(points))
        parts.append(f'<path d="{path}" stroke="{BLUE}" stroke-width="3" fill="none"/>')
        every = max(1, math.ceil(n / 8))
        for i, (label, v) in enumerate(points):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="5" fill="{BLUE}"/>')
            if i % every == 0 or i == n - 1:
                parts.append(
                    f'<text x="{x(i):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 18}" text-anchor="middle" font-size="12" fill="{BLACK}">{escape(label)}</text>'
                )
    if unit:
        parts.append(f'<text x="{MARGIN_LEFT}" y="{HEIGHT - 12}" font-size="12" fill="{GREY}">{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)
