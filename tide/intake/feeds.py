"""Feed health, pure: months, an agency's usual rows per month, drops and gaps, the date its data
are complete to, and lateness against the area's expected cadence. No Django (ADR 0015).

Months are numbered ``year * 12 + month - 1``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping
from dataclasses import dataclass

THIN_SHARE = 0.5  # a month under half the agency's usual is a sharp drop
USUAL_MONTHS = 12  # the usual is the median of up to this many previous months
LOOK_BACK_MONTHS = 12  # gaps and drops are looked for in this many months up to the last complete one


def month_of(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(m: int) -> dt.date:
    return dt.date(m // 12, m % 12 + 1, 1)


def month_end(m: int) -> dt.date:
    return month_start(m + 1) - dt.timedelta(days=1)


def month_label(m: int) -> str:
    return f"{month_start(m):%B %Y}"


def complete_to(*, last_event_on: dt.date, last_received_on: dt.date) -> dt.date:
    """The last day an agency's data are complete to.

    The month of its latest event counts as complete only if data arrived after that month had ended
    (an extract sent after a month ends holds the whole month); otherwise the data are complete to
    the end of the month before. Never later than the day the data arrived."""
    last = month_of(last_event_on)
    day = month_end(last) if last_received_on > month_end(last) else month_end(last - 1)
    return min(day, last_received_on)


@dataclass(frozen=True)
class MonthRows:
    month: int
    rows: int
    usual: float | None  # median of the previous months that had data, None with none
    gap: bool  # no rows at all in a month inside the agency's data
    thin: bool  # fewer than THIN_SHARE of the usual

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def share_of_usual(self) -> float | None:
        return self.rows / self.usual if self.usual else None


def months_assessed(counts: Mapping[int, int], *, first: int, last: int) -> list[MonthRows]:
    """Each month from ``first`` to ``last`` (the agency's data, up to its last complete month),
    with its rows against the agency's own usual: the median of the previous :data:`USUAL_MONTHS`
    months (gap months count as 0, so a feed that keeps stopping has a low usual)."""
    result = []
    for m in range(first, last + 1):
        previous = [counts.get(p, 0) for p in range(max(first, m - USUAL_MONTHS), m)]
        usual = float(statistics.median(previous)) if previous else None
        rows = counts.get(m, 0)
        gap = rows == 0 and bool(usual)
        thin = not gap and usual is not None and usual > 0 and rows < THIN_SHARE * usual
        result.append(MonthRows(m, rows, usual, gap, thin))
    return result


def is_late(*, last_received_on: dt.date | None, today: dt.date, every_days: int, grace_days: int) -> bool:
    """No file within the expected cadence plus grace (a feed that never sent one is late too)."""
    if last_received_on is None:
        return True
    return (today - last_received_on).days > every_days + grace_days


def due_by(*, last_received_on: dt.date | None, every_days: int, grace_days: int) -> dt.date | None:
    if last_received_on is None:
        return None
    return last_received_on + dt.timedelta(days=every_days + grace_days)
