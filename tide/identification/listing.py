"""By-name list status, the support-gap score and equity rates: pure rules, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from tide.service_use import event_types


class Status(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    CASELOAD = "caseload"
    INACTIVE = "inactive"
    RETURNED = "returned"
    MOVED_ON = "moved_on"
    DIED = "died"


STATUS_LABELS: dict[str, str] = {
    Status.NEW: "Newly identified",
    Status.ACTIVE: "Active",
    Status.CASELOAD: "On the coordinated caseload",
    Status.INACTIVE: "Inactive",
    Status.RETURNED: "Returned",
    Status.MOVED_ON: "Moved on",
    Status.DIED: "Died",
}
ON_LIST = frozenset({Status.NEW, Status.ACTIVE, Status.CASELOAD, Status.RETURNED})
OFF_LIST = frozenset({Status.INACTIVE, Status.MOVED_ON, Status.DIED})
MOVED_ON_EXITS = frozenset({"moved_on_support", "no_longer_needs", "moved_out"})


@dataclass(frozen=True)
class StatusInput:
    today: dt.date
    first_identified_on: dt.date
    last_event_on: dt.date | None
    previous: str | None  # the status before this refresh (None: first time on the list)
    returned_on: dt.date | None  # when they last came back from an off-list status
    meets_now: bool
    on_caseload: bool
    last_exit: str  # exit destination of the latest ended support episode, "" if none
    last_exit_on: dt.date | None
    died_on: dt.date | None


@dataclass(frozen=True)
class Settings:
    inactive_after_days: int = 90
    new_for_days: int = 30
    returned_for_days: int = 30


def status_of(i: StatusInput, s: Settings) -> tuple[Status, dt.date | None]:
    """The person's status and the date they returned (kept or set). Order: died, caseload, off, on."""
    if i.died_on is not None and i.died_on <= i.today:
        return Status.DIED, i.returned_on
    if i.on_caseload:
        return Status.CASELOAD, i.returned_on
    quiet = i.last_event_on is None or (i.today - i.last_event_on).days > s.inactive_after_days
    moved_on = bool(
        i.last_exit in MOVED_ON_EXITS
        and i.last_exit_on
        and (i.last_event_on is None or i.last_event_on <= i.last_exit_on)
    )
    if moved_on:
        return Status.MOVED_ON, i.returned_on
    if quiet or not i.meets_now:
        return Status.INACTIVE, i.returned_on
    returned_on = i.returned_on
    if i.previous in OFF_LIST:
        returned_on = i.today
    if returned_on is not None and (i.today - returned_on).days < s.returned_for_days:
        return Status.RETURNED, returned_on
    if (i.today - i.first_identified_on).days < s.new_for_days:
        return Status.NEW, returned_on
    return Status.ACTIVE, returned_on


def is_inflow(before: str | None, after: str) -> bool:
    return after in ON_LIST and (before is None or before in OFF_LIST)


def is_outflow(before: str | None, after: str) -> bool:
    return before in ON_LIST and after in OFF_LIST


# --- Support gap ------------------------------------------------------------------------------------------

CRISIS = event_types.CRISIS  # one definition of crisis use, with the event types
PLANNED = frozenset({"mh_community_contact", "dat_treatment_start", "dat_contact", "probation_start", "hostel_night"})


@dataclass(frozen=True)
class Gap:
    score: float
    need: float  # 0-1
    crises: int
    services_engaged: int
    declines: int

    def describe(self) -> str:
        return (
            f"need {self.need:.0%}, {self.crises} crisis events, "
            f"{self.services_engaged} services engaged, {self.declines} declines or no-shows"
        )


def support_gap(
    *, domains_met: int, ndt_total: int | None, crisis_events: int, planned_agencies: int, declines: int = 0
) -> Gap:
    """High need, much crisis use, few services engaged and many declines give a high score (0-100).

    Need is the latest NDT total out of 48 when there is one, else the share of the five need domains
    with evidence. Crisis use saturates (1 - 1/(1+n/4)); each engaged service halves what is left of the
    gap; each decline or no-show adds a tenth. Advisory only: it sorts the list, people decide.
    """
    need = ndt_total / 48 if ndt_total is not None else min(domains_met, 5) / 5
    crisis = 1 - 1 / (1 + crisis_events / 4)
    engaged = 0.5 ** max(planned_agencies, 0)
    refused = min(1.0, 0.5 + 0.1 * max(declines, 0))
    score = 100 * need * (0.5 + 0.5 * crisis) * (0.4 + 0.6 * engaged) * (0.5 + refused) / 1.5
    return Gap(round(min(score, 100.0), 1), need, crisis_events, planned_agencies, declines)


# --- Equity -------------------------------------------------------------------------------------------------

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, 200),
)


def age_band(age: int | None) -> str:
    if age is None:
        return "Not known"
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return "Under 18"


@dataclass(frozen=True)
class EquityRow:
    group: str
    population: int
    identified: int
    caseload: int

    @property
    def identified_rate(self) -> float | None:
        return self.identified / self.population if self.population else None

    @property
    def caseload_rate(self) -> float | None:
        """Of those identified, the share who reached the caseload."""
        return self.caseload / self.identified if self.identified else None


def equity_rows(
    records: Iterable[tuple[str, bool, bool]], *, order: Iterable[str] = ()
) -> tuple[list[EquityRow], EquityRow]:
    """Rows (group, identified?, on caseload?) -> per-group counts and the overall row."""
    counts: dict[str, list[int]] = {g: [0, 0, 0] for g in order}
    for group, identified, caseload in records:
        c = counts.setdefault(group, [0, 0, 0])
        c[0] += 1
        c[1] += identified
        c[2] += caseload and identified
    rows = [EquityRow(g, *c) for g, c in counts.items()]
    overall = EquityRow(
        "All", sum(r.population for r in rows), sum(r.identified for r in rows), sum(r.caseload for r in rows)
    )
    return rows, overall


def relative_rate(row_rate: float | None, overall_rate: float | None) -> float | None:
    """A group's rate over the overall rate (1.0 = the same; unrounded)."""
    if row_rate is None or not overall_rate:
        return None
    return row_rate / overall_rate


def suppress(count: int, *, threshold: int = 7) -> str:
    """Small counts (1 to threshold) shown as '*' so a report cannot point at a few people."""
    return "*" if 0 < count <= threshold else str(count)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return start, nxt - dt.timedelta(days=1)


def flows(changes: Iterable[tuple[str | None, str]]) -> Mapping[str, int]:
    """Inflow and outflow counts from (status before, status after) pairs."""
    inflow = outflow = 0
    for before, after in changes:
        inflow += is_inflow(before, after)
        outflow += is_outflow(before, after)
    return {"inflow": inflow, "outflow": outflow}
