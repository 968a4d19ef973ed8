"""Cost–benefit analysis as *Supporting public service transformation: cost benefit analysis guidance
for local partnerships* (HM Treasury with New Economy, April 2014) sets it out. Pure Python, no Django.

A benefit line is one bearing agency's measured change in the cost of service use (from the cost
report's agency table) of one *kind*: fiscal, economic or social. The three kinds are kept apart
everywhere: there is no function here that adds one kind to another, and every output is per kind.

For each line and appraisal year ``t`` (0 = the first year, undiscounted, as in the Green Book):

    adjusted  = gross × (1 − deadweight) × attribution × optimism × profile[t]
    optimism  = (1 − bias) for a saving, (1 + bias) for an increase (the pessimistic direction)
    profile   = the ramp-up fraction in the years before the full effect; then (1 − drop-off) ** (years
                since the first full year)
    present   = adjusted ÷ (1 + rate) ** t

Costs of the service are uplifted by their own optimism bias (× (1 + bias)) and discounted the same
way. Outputs, per agency and in total, for the fiscal kind only:

* fiscal return on investment = present fiscal benefits ÷ present costs;
* net present budget impact = present fiscal benefits − present costs;
* payback period = the first year in which the cumulative discounted net reaches zero (None if never).

Economic and social values are reported on their own lines, as present values, never summed with
fiscal values or with each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
FISCAL, ECONOMIC, SOCIAL = "fiscal", "economic", "social"
KINDS = (FISCAL, ECONOMIC, SOCIAL)
GREEN_BOOK_RATE = Decimal("0.035")  # Green Book social time preference rate, years 0–30
TOTAL = "Total"
ROI_PLACES = Decimal("0.000001")  # returns are shown to 2 places; kept to 6 so rounding never reorders them

# The guidance's confidence grades and the optimism bias correction each carries (its table of
# corrections by data source and age): grade 1 is the best evidence, grade 6 the weakest.
OPTIMISM_BIAS_BY_GRADE: dict[int, Decimal] = {
    1: Decimal("0.00"),
    2: Decimal("0.05"),
    3: Decimal("0.10"),
    4: Decimal("0.15"),
    5: Decimal("0.25"),
    6: Decimal("0.40"),
}
OPTIMISM_BIAS_SOURCE = (
    "Supporting public service transformation: cost benefit analysis guidance for local partnerships "
    "(HM Treasury / New Economy, 2014), table of optimism bias corrections by confidence grade"
)
# Tide's default grade from the Unit Cost Database's own RAG rating of a cost line (an assumption,
# shown as such on the page and changeable per benefit line).
GRADE_FROM_RAG = {"G": 2, "A": 4, "R": 6}


class AnalysisError(ValueError):
    pass


@dataclass(frozen=True)
class Assumptions:
    years: int = 5
    rate: Decimal = GREEN_BOOK_RATE
    ramp_up: tuple[Decimal, ...] = ()  # fraction of the full effect in each year before it is reached
    drop_off: Decimal = ZERO  # share of the effect lost each year after the ramp-up

    def check(self) -> None:
        if not 1 <= self.years <= 30:
            raise AnalysisError("The appraisal period must be between 1 and 30 years.")
        if not ZERO <= self.rate < ONE:
            raise AnalysisError("The discount rate must be at least 0% and below 100%.")
        if any(not ZERO <= f <= ONE for f in self.ramp_up):
            raise AnalysisError("Each ramp-up fraction must be between 0% and 100%.")
        if not ZERO <= self.drop_off <= ONE:
            raise AnalysisError("Drop-off must be between 0% and 100%.")


@dataclass(frozen=True)
class BenefitLine:
    agency: str
    kind: str
    gross_annual: Decimal  # positive = a saving (benefit) to the agency; negative = extra spending
    deadweight: Decimal = ZERO
    attribution: Decimal = ONE
    grade: int = 1
    source: str = ""

    def check(self) -> None:
        if self.kind not in KINDS:
            raise AnalysisError(f"Unknown kind of value: {self.kind}.")
        if not ZERO <= self.deadweight <= ONE:
            raise AnalysisError("Deadweight must be between 0% and 100%.")
        if not ZERO <= self.attribution <= ONE:
            raise AnalysisError("Attribution must be between 0% and 100%.")
        if self.grade not in OPTIMISM_BIAS_BY_GRADE:
            raise AnalysisError("The confidence grade must be 1 to 6.")

    @property
    def optimism_bias(self) -> Decimal:
        return OPTIMISM_BIAS_BY_GRADE[self.grade]


@dataclass(frozen=True)
class CostLine:
    year: int  # appraisal year, 0-based
    funder: str
    amount: Decimal
    grade: int = 1
    label: str = ""


def discount_factor(year: int, rate: Decimal = GREEN_BOOK_RATE) -> Decimal:
    if year < 0:
        raise AnalysisError("Years are counted from 0.")
    return ONE / (ONE + rate) ** year


def present_value(amount: Decimal, year: int, rate: Decimal = GREEN_BOOK_RATE) -> Decimal:
    return amount * discount_factor(year, rate)


def profile(year: int, assumptions: Assumptions) -> Decimal:
    """Share of the full annual effect realised in ``year`` after ramp-up and drop-off."""
    ramp = assumptions.ramp_up
    if year < len(ramp):
        return ramp[year]
    return (ONE - assumptions.drop_off) ** (year - len(ramp))


def adjusted_annual(line: BenefitLine) -> Decimal:
    """Gross change net of deadweight and attribution, corrected for optimism in the pessimistic way."""
    net = line.gross_annual * (ONE - line.deadweight) * line.attribution
    bias = line.optimism_bias
    return net * (ONE - bias) if net >= 0 else net * (ONE + bias)


def benefit_by_year(line: BenefitLine, assumptions: Assumptions) -> list[Decimal]:
    base = adjusted_annual(line)
    return [base * profile(t, assumptions) for t in range(assumptions.years)]


def cost_with_bias(line: CostLine) -> Decimal:
    return line.amount * (ONE + OPTIMISM_BIAS_BY_GRADE[line.grade])


@dataclass(frozen=True)
class FiscalResult:
    agency: str
    benefits_pv: Decimal
    costs_pv: Decimal
    yearly_net_pv: tuple[Decimal, ...]

    @property
    def net_present_budget_impact(self) -> Decimal:
        return self.benefits_pv - self.costs_pv

    @property
    def roi(self) -> Decimal | None:
        """Present fiscal benefits per £1 of present cost; None when the agency pays nothing."""
        if self.costs_pv <= 0:
            return None
        return (self.benefits_pv / self.costs_pv).quantize(ROI_PLACES)

    @property
    def payback_year(self) -> int | None:
        """First year (0-based) the cumulative discounted net reaches zero; None for an agency paying nothing."""
        if self.costs_pv <= 0:
            return None
        running = ZERO
        for year, net in enumerate(self.yearly_net_pv):
            running += net
            if running >= 0:
                return year
        return None


@dataclass(frozen=True)
class ValueLine:
    """Present value of one agency's economic or social benefits: its own line, never added to fiscal."""

    agency: str
    kind: str
    present_value: Decimal


@dataclass(frozen=True)
class Analysis:
    assumptions: Assumptions
    fiscal: list[FiscalResult]  # one per agency, then the total last
    economic: list[ValueLine] = field(default_factory=list)
    social: list[ValueLine] = field(default_factory=list)

    @property
    def total(self) -> FiscalResult:
        return self.fiscal[-1]


def _fiscal_for(agency: str, benefits: list[BenefitLine], costs: list[CostLine], a: Assumptions) -> FiscalResult:
    yearly = [ZERO] * a.years
    for line in benefits:
        for t, amount in enumerate(benefit_by_year(line, a)):
            yearly[t] += amount
    cost_yearly = [ZERO] * a.years
    for cost in costs:
        if cost.year < a.years:
            cost_yearly[cost.year] += cost_with_bias(cost)
    net_pv = tuple(present_value(yearly[t] - cost_yearly[t], t, a.rate) for t in range(a.years))
    benefits_pv = sum((present_value(v, t, a.rate) for t, v in enumerate(yearly)), ZERO)
    costs_pv = sum((present_value(v, t, a.rate) for t, v in enumerate(cost_yearly)), ZERO)
    return FiscalResult(agency, benefits_pv, costs_pv, net_pv)


def _value_lines(kind: str, lines: Iterable[BenefitLine], a: Assumptions) -> list[ValueLine]:
    by_agency: dict[str, Decimal] = {}
    for line in lines:
        if line.kind != kind:
            continue
        pv = sum((present_value(v, t, a.rate) for t, v in enumerate(benefit_by_year(line, a))), ZERO)
        by_agency[line.agency] = by_agency.get(line.agency, ZERO) + pv
    return [ValueLine(agency, kind, value) for agency, value in sorted(by_agency.items())]


def analyse(benefits: Sequence[BenefitLine], costs: Sequence[CostLine], assumptions: Assumptions) -> Analysis:
    assumptions.check()
    for line in benefits:
        line.check()
    for cost in costs:
        if cost.grade not in OPTIMISM_BIAS_BY_GRADE or cost.year < 0:
            raise AnalysisError("Each cost needs a year from 0 and a confidence grade 1 to 6.")
    fiscal_lines = [b for b in benefits if b.kind == FISCAL]
    agencies = sorted({b.agency for b in fiscal_lines} | {c.funder for c in costs})
    results = [
        _fiscal_for(
            agency,
            [b for b in fiscal_lines if b.agency == agency],
            [c for c in costs if c.funder == agency],
            assumptions,
        )
        for agency in agencies
    ]
    results.append(_fiscal_for(TOTAL, fiscal_lines, list(costs), assumptions))
    return Analysis(
        assumptions,
        results,
        economic=_value_lines(ECONOMIC, benefits, assumptions),
        social=_value_lines(SOCIAL, benefits, assumptions),
    )


# --- Sensitivity ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sensitivity:
    assumption: str
    low_label: str
    high_label: str
    low_roi: Decimal | None
    base_roi: Decimal | None
    high_roi: Decimal | None

    @property
    def swing(self) -> Decimal:
        values = [v for v in (self.low_roi, self.high_roi) if v is not None]
        return max(values) - min(values) if len(values) == 2 else ZERO


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, ZERO), ONE)


def _shift_lines(benefits: Sequence[BenefitLine], **changes: object) -> list[BenefitLine]:
    return [replace(b, **changes) for b in benefits]  # type: ignore[arg-type]


def _variants(
    benefits: Sequence[BenefitLine], costs: Sequence[CostLine], a: Assumptions, step: Decimal
) -> Iterable[tuple[str, str, str, tuple, tuple]]:
    def lines(fn):  # type: ignore[no-untyped-def]
        return [fn(b) for b in benefits]

    yield (
        "Deadweight",
        f"{step:.0%} less",
        f"{step:.0%} more",
        (lines(lambda b: replace(b, deadweight=_clamp(b.deadweight - step))), costs, a),
        (lines(lambda b: replace(b, deadweight=_clamp(b.deadweight + step))), costs, a),
    )
    yield (
        "Attribution",
        f"{step:.0%} less",
        f"{step:.0%} more",
        (lines(lambda b: replace(b, attribution=_clamp(b.attribution - step))), costs, a),
        (lines(lambda b: replace(b, attribution=_clamp(b.attribution + step))), costs, a),
    )
    yield (
        "Optimism bias grade",
        "one grade better",
        "one grade worse",
        (lines(lambda b: replace(b, grade=max(b.grade - 1, 1))), costs, a),
        (lines(lambda b: replace(b, grade=min(b.grade + 1, 6))), costs, a),
    )
    yield (
        "Drop-off",
        f"{step:.0%} less",
        f"{step:.0%} more",
        (benefits, costs, replace(a, drop_off=_clamp(a.drop_off - step))),
        (benefits, costs, replace(a, drop_off=_clamp(a.drop_off + step))),
    )
    yield (
        "Discount rate",
        "1.5%",
        "5.5%",
        (benefits, costs, replace(a, rate=Decimal("0.015"))),
        (benefits, costs, replace(a, rate=Decimal("0.055"))),
    )
    yield (
        "Cost of the service",
        f"{step:.0%} less",
        f"{step:.0%} more",
        (benefits, [replace(c, amount=c.amount * (ONE - step)) for c in costs], a),
        (benefits, [replace(c, amount=c.amount * (ONE + step)) for c in costs], a),
    )


def sensitivity(
    benefits: Sequence[BenefitLine], costs: Sequence[CostLine], a: Assumptions, step: Decimal = Decimal("0.10")
) -> list[Sensitivity]:
    """Total fiscal ROI when each assumption moves one step each way, largest swing first."""
    base = analyse(benefits, costs, a).total.roi
    rows = []
    for name, low_label, high_label, low, high in _variants(benefits, costs, a, step):
        rows.append(Sensitivity(name, low_label, high_label, analyse(*low).total.roi, base, analyse(*high).total.roi))
    rows.sort(key=lambda r: (-r.swing, r.assumption))
    return rows


def default_grade(rag: str) -> int:
    return GRADE_FROM_RAG.get((rag or "").strip().upper()[:1], 6)


def totals_by_kind(analysis: Analysis) -> Mapping[str, Decimal]:
    """Each kind's present value on its own: a mapping, never a sum across kinds."""
    return {
        FISCAL: analysis.total.benefits_pv,
        ECONOMIC: sum((v.present_value for v in analysis.economic), ZERO),
        SOCIAL: sum((v.present_value for v in analysis.social), ZERO),
    }
