"""Cost of service use before and during support, by service and by bearing agency. Pure Python.

Each person contributes two windows of equal length: the ``window_days`` before their support
started and the first ``window_days`` of support. A person counts only when the whole support window
is observed (it ends on or before ``as_of``), so before and during compare like with like.

The agency table never nets one agency's saving against another's extra spending: each bearer keeps
its own line, and the totals are the sum of reductions and the sum of increases, shown apart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from tide.finance.pricing import PricedRule, unit_cost

ZERO = Decimal(0)


@dataclass(frozen=True)
class Windows:
    before_from: dt.date
    support_from: dt.date
    during_to: dt.date  # exclusive


def financial_year_of(day: dt.date) -> str:
    """The UK financial year (1 April to 31 March) a day falls in, as ``2024/25``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def windows_for(start: dt.date, *, window_days: int, as_of: dt.date) -> Windows | None:
    """The before and during windows, or None when the during window is not yet complete."""
    if window_days < 1:
        raise ValueError("The window must be at least one day.")
    during_to = start + dt.timedelta(days=window_days)
    if during_to > as_of + dt.timedelta(days=1):
        return None
    return Windows(start - dt.timedelta(days=window_days), start, during_to)


@dataclass
class Counts:
    before: Counter[str] = field(default_factory=Counter)
    during: Counter[str] = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        self.before.update(other.before)
        self.during.update(other.during)


def count_events(events: Iterable[tuple[str, dt.date]], windows: Windows) -> Counts:
    counts = Counts()
    for event_type, on in events:
        if windows.before_from <= on < windows.support_from:
            counts.before[event_type] += 1
        elif windows.support_from <= on < windows.during_to:
            counts.during[event_type] += 1
    return counts


@dataclass(frozen=True)
class ServiceRow:
    event_type: str
    before: int
    during: int
    unit_cost: Decimal
    priced: bool

    @property
    def difference(self) -> int:
        return self.during - self.before

    @property
    def cost_before(self) -> Decimal:
        return self.before * self.unit_cost

    @property
    def cost_during(self) -> Decimal:
        return self.during * self.unit_cost

    @property
    def cost_change(self) -> Decimal:
        return self.difference * self.unit_cost


@dataclass(frozen=True)
class AgencyRow:
    bearer: str
    funder: str
    national: bool
    cost_before: Decimal
    cost_during: Decimal
    services: tuple[str, ...]

    @property
    def change(self) -> Decimal:
        return self.cost_during - self.cost_before

    @property
    def verdict(self) -> str:
        if self.change < 0:
            return "saves"
        if self.change > 0:
            return "spends more"
        return "no change"


@dataclass(frozen=True)
class CostTables:
    people: int
    window_days: int
    target_year: str
    services: list[ServiceRow]
    agencies: list[AgencyRow]
    unpriced: list[str]

    @property
    def total_reductions(self) -> Decimal:
        """Sum of the agencies' savings (a positive number); never netted against increases."""
        return -sum((a.change for a in self.agencies if a.change < 0), ZERO)

    @property
    def total_increases(self) -> Decimal:
        return sum((a.change for a in self.agencies if a.change > 0), ZERO)

    @property
    def savers(self) -> list[AgencyRow]:
        return [a for a in self.agencies if a.change < 0]

    @property
    def spenders(self) -> list[AgencyRow]:
        return [a for a in self.agencies if a.change > 0]

    @property
    def national_savings(self) -> list[AgencyRow]:
        return [a for a in self.savers if a.national]

    @property
    def national_savings_total(self) -> Decimal:
        return -sum((a.change for a in self.national_savings), ZERO)

    def per_person(self, value: Decimal) -> Decimal:
        return value / self.people if self.people else ZERO


def cost_tables(
    counts: Counts,
    prices: Mapping[str, list[PricedRule]],
    *,
    people: int,
    window_days: int,
    target_year: str,
    order: Iterable[str] = (),
) -> CostTables:
    seen = set(counts.before) | set(counts.during)
    ordered = [code for code in order if code in seen] + sorted(seen - set(order))
    services = []
    unpriced = []
    bearer_before: dict[str, Decimal] = {}
    bearer_during: dict[str, Decimal] = {}
    bearer_meta: dict[str, PricedRule] = {}
    bearer_services: dict[str, list[str]] = {}
    for code in ordered:
        rules = prices.get(code, [])
        before, during = counts.before.get(code, 0), counts.during.get(code, 0)
        services.append(ServiceRow(code, before, during, unit_cost(rules), bool(rules)))
        if not rules:
            unpriced.append(code)
        for rule in rules:
            bearer = rule.bearer
            bearer_before[bearer] = bearer_before.get(bearer, ZERO) + before * rule.unit_cost
            bearer_during[bearer] = bearer_during.get(bearer, ZERO) + during * rule.unit_cost
            bearer_meta.setdefault(bearer, rule)
            if code not in bearer_services.setdefault(bearer, []):
                bearer_services[bearer].append(code)
    agencies = [
        AgencyRow(
            bearer=bearer,
            funder=bearer_meta[bearer].funder,
            national=bearer_meta[bearer].national,
            cost_before=bearer_before[bearer],
            cost_during=bearer_during[bearer],
            services=tuple(bearer_services[bearer]),
        )
        for bearer in bearer_before
    ]
    agencies.sort(key=lambda a: (a.change, a.bearer))
    return CostTables(people, window_days, target_year, services, agencies, unpriced)
