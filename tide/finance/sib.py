"""Social impact bond cash flow: investors fund delivery up front, outcome payments repay them. Pure.

Quarter by quarter the vehicle's balance starts with the investment, pays delivery costs and receives
outcome payments. At the end investors receive the balance up to ``return_cap`` times their capital;
anything above the cap goes back to the commissioner. The result says when (if ever) the capital
runs out, the investors' money multiple, and the commissioner's total outlay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


class SibError(ValueError):
    pass


@dataclass(frozen=True)
class SibQuarter:
    quarter: int
    opening: Decimal
    delivery_cost: Decimal
    outcome_payments: Decimal
    closing: Decimal


@dataclass(frozen=True)
class SibResult:
    investment: Decimal
    quarters: list[SibQuarter]
    to_investors: Decimal
    to_commissioner: Decimal
    capital_runs_out_in: int | None
    peak_shortfall: Decimal

    @property
    def total_outcome_payments(self) -> Decimal:
        return sum((q.outcome_payments for q in self.quarters), ZERO)

    @property
    def money_multiple(self) -> Decimal:
        return self.to_investors / self.investment if self.investment else ZERO


def sib_cashflow(
    *,
    investment: Decimal,
    delivery_cost_per_quarter: Decimal,
    outcome_payments: Sequence[Decimal],
    return_cap: Decimal = Decimal(2),
) -> SibResult:
    if investment <= 0:
        raise SibError("The investment must be above zero.")
    if delivery_cost_per_quarter < 0 or any(p < 0 for p in outcome_payments):
        raise SibError("Costs and payments cannot be negative.")
    if return_cap < 1:
        raise SibError("The return cap is a multiple of the capital, at least 1.")
    if not outcome_payments:
        raise SibError("The scenario needs at least one quarter.")
    balance = investment
    rows = []
    runs_out = None
    lowest = balance
    for number, payment in enumerate(outcome_payments, start=1):
        opening = balance
        balance = opening - delivery_cost_per_quarter + payment
        rows.append(SibQuarter(number, opening, delivery_cost_per_quarter, payment, balance))
        if balance < 0 and runs_out is None:
            runs_out = number
        lowest = min(lowest, balance)
    to_investors = max(ZERO, min(balance, investment * return_cap))
    to_commissioner = max(ZERO, balance - to_investors)
    return SibResult(investment, rows, to_investors, to_commissioner, runs_out, max(ZERO, -lowest))
