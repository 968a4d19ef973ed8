"""The cost–benefit analysis maths (tide/finance/cba.py): hand-worked sums and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tide.finance.cba import (
    ECONOMIC,
    FISCAL,
    OPTIMISM_BIAS_BY_GRADE,
    SOCIAL,
    TOTAL,
    AnalysisError,
    Assumptions,
    BenefitLine,
    CostLine,
    adjusted_annual,
    analyse,
    default_grade,
    discount_factor,
    present_value,
    profile,
    sensitivity,
    totals_by_kind,
)

D = Decimal
money = st.decimals(min_value=-1_000_000, max_value=1_000_000, places=2)
share = st.decimals(min_value=0, max_value=1, places=2)
grades = st.integers(min_value=1, max_value=6)


def test_green_book_discount_factors_at_their_published_rounding():
    """Green Book discounting at 3.5%, year 0 undiscounted.

    Source found with the search tool: "The recommended discount rate, in accordance with the HMT Green
    Book ... is currently 3.5% (real) for the first 30 years of the appraisal period" — HM Treasury's
    Green Book discount factor table publishes 0.9662, 0.9335, 0.9019, 0.8714, 0.8420 for years 1–5.
    """
    published = [D("1.0000"), D("0.9662"), D("0.9335"), D("0.9019"), D("0.8714"), D("0.8420")]
    assert [discount_factor(t).quantize(D("0.0001")) for t in range(6)] == published


def test_one_line_worked_by_hand():
    # £10,000 a year of A&E savings, 20% deadweight, 50% attribution, grade 3 (10% optimism bias):
    # 10000 × 0.8 × 0.5 × 0.9 = 3600 a year; over 3 years at 3.5%:
    # 3600 + 3600/1.035 + 3600/1.071225 = 3600 + 3478.26 + 3360.64 = 10438.90
    # The service costs the NHS £5,000 in year 0 (grade 1): ROI 10438.90 / 5000 = 2.0878.
    line = BenefitLine("NHS", FISCAL, D(10000), deadweight=D("0.2"), attribution=D("0.5"), grade=3)
    result = analyse([line], [CostLine(0, "NHS", D(5000))], Assumptions(years=3))
    nhs = result.fiscal[0]
    assert adjusted_annual(line) == D(3600)
    assert nhs.benefits_pv.quantize(D("0.01")) == D("10438.90")
    assert nhs.net_present_budget_impact.quantize(D("0.01")) == D("5438.90")
    assert nhs.roi.quantize(D("0.0001")) == D("2.0878")
    # Year 0: 3600 − 5000 = −1400; year 1 adds 3478.26 → paid back in year 1 (0-based).
    assert nhs.payback_year == 1
    assert result.total.agency == TOTAL


def test_ramp_up_and_drop_off_profile():
    a = Assumptions(years=5, ramp_up=(D("0.25"), D("0.5")), drop_off=D("0.1"))
    assert [profile(t, a) for t in range(5)] == [D("0.25"), D("0.5"), D(1), D("0.9"), D("0.81")]


def test_an_agency_that_pays_nothing_has_no_roi_and_one_that_never_pays_back_has_no_payback():
    lines = [BenefitLine("Police", FISCAL, D(100)), BenefitLine("NHS", FISCAL, D(10))]
    result = analyse(lines, [CostLine(0, "NHS", D(1000))], Assumptions(years=2))
    by_agency = {r.agency: r for r in result.fiscal}
    assert by_agency["Police"].roi is None
    assert by_agency["NHS"].payback_year is None


def test_extra_spending_is_corrected_upwards_for_optimism():
    line = BenefitLine("Local Authority", FISCAL, D(-1000), grade=6)
    assert adjusted_annual(line) == D(-1400)


@pytest.mark.parametrize(
    "bad",
    [
        {"deadweight": D("1.5")},
        {"attribution": D("-0.1")},
        {"grade": 7},
        {"kind": "public value"},
    ],
)
def test_bad_inputs_are_refused(bad):
    line = BenefitLine(**({"agency": "NHS", "kind": FISCAL, "gross_annual": D(1)} | bad))
    with pytest.raises(AnalysisError):
        analyse([line], [], Assumptions())


def test_bad_assumptions_are_refused():
    with pytest.raises(AnalysisError):
        analyse([], [], Assumptions(years=0))
    with pytest.raises(AnalysisError):
        analyse([], [], Assumptions(drop_off=D(2)))


def test_default_grade_from_the_unit_cost_database_rating():
    assert [default_grade(r) for r in ("G", "A", "R", "")] == [2, 4, 6, 6]
    assert OPTIMISM_BIAS_BY_GRADE[1] == 0


def test_sensitivity_puts_the_largest_swing_first():
    lines = [BenefitLine("NHS", FISCAL, D(10000), deadweight=D("0.3"), attribution=D("0.6"), grade=3)]
    rows = sensitivity(lines, [CostLine(0, "NHS", D(8000))], Assumptions(years=3))
    assert {r.assumption for r in rows} == {
        "Deadweight",
        "Attribution",
        "Optimism bias grade",
        "Drop-off",
        "Discount rate",
        "Cost of the service",
    }
    assert [r.swing for r in rows] == sorted((r.swing for r in rows), reverse=True)
    deadweight = next(r for r in rows if r.assumption == "Deadweight")
    assert deadweight.low_roi > deadweight.base_roi > deadweight.high_roi


@given(fiscal=money, economic=money, social=money, cost=money.map(abs))
def test_fiscal_economic_and_social_values_are_never_summed(fiscal, economic, social, cost):
    lines = [
        BenefitLine("NHS", FISCAL, fiscal),
        BenefitLine("NHS", ECONOMIC, economic),
        BenefitLine("NHS", SOCIAL, social),
    ]
    costs = [CostLine(0, "NHS", cost)]
    a = Assumptions(years=3)
    full = analyse(lines, costs, a)
    fiscal_only = analyse(lines[:1], costs, a)
    # The fiscal results do not move when economic or social values are added…
    assert full.fiscal == fiscal_only.fiscal
    # …and each kind keeps its own total, equal to that kind analysed alone.
    kinds = totals_by_kind(full)
    assert kinds[ECONOMIC] == totals_by_kind(analyse(lines[1:2], [], a))[ECONOMIC]
    assert kinds[SOCIAL] == totals_by_kind(analyse(lines[2:], [], a))[SOCIAL]
    assert kinds[FISCAL] == fiscal_only.total.benefits_pv


@given(
    gross=money,
    deadweight=share,
    attribution=share,
    lower=grades,
    higher=grades,
    cost=st.decimals(min_value=1, max_value=1_000_000, places=2),
)
def test_a_higher_optimism_bias_never_raises_the_return(gross, deadweight, attribution, lower, higher, cost):
    lower, higher = sorted((lower, higher))
    a = Assumptions(years=4, drop_off=D("0.1"))

    def roi(grade):
        line = BenefitLine("NHS", FISCAL, gross, deadweight=deadweight, attribution=attribution, grade=grade)
        return analyse([line], [CostLine(0, "NHS", cost, grade=grade)], a).total.roi

    assert roi(higher) <= roi(lower)


@given(amount=money.map(abs), year=st.integers(min_value=0, max_value=29), rate=share.map(lambda r: r / 2))
def test_discounting_a_later_year_never_raises_its_value(amount, year, rate):
    assert present_value(amount, year + 1, rate) <= present_value(amount, year, rate)
