"""Pooled budget scenarios: who puts what into the pool, and the in-year transfers. Pure Python.

Two ways to set contributions (*Turning the Tide*: "pooled budgets with variable contributions or
payback between agencies"):

* ``fixed`` — each agency pays an agreed share (percentages that add up to 100) of the pool;
* ``savings`` — each agency pays in proportion to the saving it is expected to make, so agencies
  that do not save pay nothing and the budget falls on those that gain.

In-year transfers move money from agencies that save to agencies that spend more: each agency that
spends more is reimbursed its extra spending, paid by the savers in proportion to their savings; if
the savings do not cover the extra spending, every agency is reimbursed the same fraction of it.
Nothing is netted across agencies: each transfer is a named payment from one agency to another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class ScenarioError(ValueError):
    pass


FIXED = "fixed"
SAVINGS = "savings"
METHODS = {FIXED: "Fixed shares", SAVINGS: "In proportion to expected savings"}


@dataclass(frozen=True)
class Transfer:
    payer: str
    payee: str
    amount: Decimal


@dataclass(frozen=True)
class AgencyPosition:
    agency: str
    expected_change: Decimal  # negative = saves
    share: Decimal  # percentage of the pool
    contribution: Decimal
    transfers_out: Decimal
    transfers_in: Decimal


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    method: str
    budget: Decimal
    positions: list[AgencyPosition]
    transfers: list[Transfer]
    coverage: Decimal  # fraction of the extra spending reimbursed (0–1)

    @property
    def method_label(self) -> str:
        return METHODS[self.method]


def contributions(
    *, method: str, budget: Decimal, changes: Mapping[str, Decimal], shares: Mapping[str, Decimal] | None = None
) -> dict[str, tuple[Decimal, Decimal]]:
    """Agency -> (share %, contribution)."""
    if budget < 0:
        raise ScenarioError("The pooled budget cannot be negative.")
    if method == FIXED:
        shares = {k: Decimal(v) for k, v in (shares or {}).items() if Decimal(v) != 0}
        if any(v < 0 for v in shares.values()):
            raise ScenarioError("A share cannot be negative.")
        total = sum(shares.values(), ZERO)
        if total != HUNDRED:
            raise ScenarioError(f"Fixed shares must add up to 100%; these add up to {total.normalize():f}%.")
        return {agency: (share, budget * share / HUNDRED) for agency, share in shares.items()}
    if method == SAVINGS:
        savings = {agency: -change for agency, change in changes.items() if change < 0}
        total = sum(savings.values(), ZERO)
        if total == 0:
            raise ScenarioError("No agency is expected to save, so contributions cannot follow savings.")
        return {agency: (HUNDRED * s / total, budget * s / total) for agency, s in savings.items()}
    raise ScenarioError(f"Unknown method {method!r}: use one of {', '.join(METHODS)}.")


def in_year_transfers(changes: Mapping[str, Decimal]) -> tuple[list[Transfer], Decimal]:
    savings = {a: -c for a, c in changes.items() if c < 0}
    extra = {a: c for a, c in changes.items() if c > 0}
    total_savings = sum(savings.values(), ZERO)
    total_extra = sum(extra.values(), ZERO)
    if not savings or not extra:
        return [], Decimal(1) if not extra else ZERO
    coverage = min(Decimal(1), total_savings / total_extra)
    transfers = []
    for payee, amount in sorted(extra.items()):
        reimbursed = amount * coverage
        for payer, saving in sorted(savings.items()):
            transfers.append(Transfer(payer, payee, reimbursed * saving / total_savings))
    return transfers, coverage


def scenario_evaluate(
    *,
    name: str,
    method: str,
    budget: Decimal,
    changes: Mapping[str, Decimal],
    shares: Mapping[str, Decimal] | None = None,
) -> ScenarioResult:
    paid = contributions(method=method, budget=budget, changes=changes, shares=shares)
    transfers, coverage = in_year_transfers(changes)
    agencies = sorted(set(changes) | set(paid))
    positions = [
        AgencyPosition(
            agency=agency,
            expected_change=changes.get(agency, ZERO),
            share=paid.get(agency, (ZERO, ZERO))[0],
            contribution=paid.get(agency, (ZERO, ZERO))[1],
            transfers_out=sum((t.amount for t in transfers if t.payer == agency), ZERO),
            transfers_in=sum((t.amount for t in transfers if t.payee == agency), ZERO),
        )
        for agency in agencies
    ]
    return ScenarioResult(name, method, budget, positions, transfers, coverage)
