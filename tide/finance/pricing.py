"""Pricing the ledger: each event type maps to one or more unit cost lines with a stated derivation.

Pure Python. A rule says "an event of this type costs ``multiplier ÷ divisor`` of this cost line"
(a night in prison is the annual prison cost ÷ 365; a crisis contact is 2 hours of the hourly cost).
An event type may map to several lines when its cost falls on several agencies (a domestic abuse
incident costs the police, the NHS, the criminal justice system and the council). Only fiscal costs
price the ledger: economic and social values are different things and are never added to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tide.finance.budgets import bearer_label, current_agency, funder_of
from tide.finance.uprating import DeflatorSeries


class PricingError(ValueError):
    pass


@dataclass(frozen=True)
class CostLine:
    code: str
    detail: str
    unit: str
    agency_level_1: str
    agency_level_2: str
    amount: Decimal  # fiscal cost in its price year
    price_year: str

    @property
    def bearer(self) -> str:
        return bearer_label(self.agency_level_1, self.agency_level_2)

    @property
    def label(self) -> str:
        return f"{self.code} {self.detail}".strip()


@dataclass(frozen=True)
class PriceRule:
    event_type: str
    line: CostLine
    multiplier: Decimal = Decimal(1)
    divisor: Decimal = Decimal(1)
    note: str = ""  # why this line and this fraction
    # Who bears the cost locally when it is not the cost line's agency (blank: the line's agency).
    bearer_level_1: str = ""
    bearer_level_2: str = ""

    @property
    def level_1(self) -> str:
        return self.bearer_level_1 or self.line.agency_level_1

    @property
    def bearer(self) -> str:
        """The agency bearing the cost today: a replaced agency (a CCG) shows as its successor (an ICB)."""
        if self.bearer_level_1:
            return current_agency(bearer_label(self.bearer_level_1, self.bearer_level_2))
        return current_agency(self.line.bearer)

    def __post_init__(self) -> None:
        if self.multiplier < 0:
            raise PricingError("The multiplier cannot be negative.")
        if self.divisor <= 0:
            raise PricingError("The divisor must be above zero.")


@dataclass(frozen=True)
class PricedRule:
    rule: PriceRule
    unit_cost: Decimal  # per event, target-year prices, unrounded
    target_year: str
    derivation: str

    @property
    def bearer(self) -> str:
        return self.rule.bearer

    @property
    def funder(self) -> str:
        return funder_of(self.rule.level_1).name

    @property
    def national(self) -> bool:
        return funder_of(self.rule.level_1).national


def _fraction_text(rule: PriceRule) -> str:
    parts = []
    if rule.multiplier != 1:
        parts.append(f"× {rule.multiplier.normalize():f}")
    if rule.divisor != 1:
        parts.append(f"÷ {rule.divisor.normalize():f}")
    return " ".join(parts)


def price_rule(rule: PriceRule, *, series: DeflatorSeries, target_year: str) -> PricedRule:
    line = rule.line
    per_event = line.amount * rule.multiplier / rule.divisor
    uprated = series.uprate(per_event, price_year=line.price_year, target_year=target_year)
    fraction = _fraction_text(rule)
    base = f"{line.label}: £{line.amount:,.2f} {line.unit.lower()} ({line.price_year})"
    if fraction:
        base += f" {fraction} = £{per_event:,.2f} per event"
    if uprated.price_year != uprated.target_year:
        base += f"; uprated × {uprated.index_to} ÷ {uprated.index_from} = £{uprated.value:,.2f} ({uprated.target_year} prices)"
    else:
        base += f" = £{uprated.value:,.2f} ({uprated.target_year} prices)"
    if rule.bearer_level_1:
        base += f". Borne locally by {rule.bearer}, not {line.bearer}"
    if rule.note:
        base += f". {rule.note}"
    return PricedRule(rule, uprated.value, uprated.target_year, base)


def price_list(rules: Iterable[PriceRule], *, series: DeflatorSeries, target_year: str) -> dict[str, list[PricedRule]]:
    """Event type -> its priced rules, in the target year's prices."""
    result: dict[str, list[PricedRule]] = {}
    for rule in rules:
        result.setdefault(rule.event_type, []).append(price_rule(rule, series=series, target_year=target_year))
    return result


def unit_cost(priced: list[PricedRule]) -> Decimal:
    """The whole cost of one event of a type (all bearers): used per service, never across agencies."""
    return sum((p.unit_cost for p in priced), Decimal(0))
