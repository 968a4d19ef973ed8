"""Pricing, per-agency tables, pooled budgets, outcome payments and SIB cash flow, with hand sums."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tide.finance.budgets import bearer_label, funder_of
from tide.finance.costing import Counts, cost_tables, count_events, windows_for
from tide.finance.payments import ACCOMMODATION, ROUGH_SLEEPING, TREATMENT, evidence_for, ndt_weight, payable
from tide.finance.pooling import FIXED, SAVINGS, ScenarioError, scenario_evaluate
from tide.finance.pricing import CostLine, PriceRule, PricingError, price_list, price_rule
from tide.finance.reference import read_vendored
from tide.finance.sib import SibError, sib_cashflow
from tide.finance.uprating import DeflatorSeries, parse_deflator_csv

D = Decimal


@pytest.fixture(scope="module")
def series():
    return DeflatorSeries(parse_deflator_csv(read_vendored("gdp-deflators-budget-2015.csv")[0]))


PRISON = CostLine(
    "CR3.0", "Prison, average cost", "Per person per year", "Criminal Justice System", "Prison", D(33785), "2013/14"
)
ARREST = CostLine("CR7.0", "Arrest - detained", "Per incident", "Police", "", D(593), "2006/07")
AE = CostLine("HE4.0", "A&E attendance", "Per incident", "NHS", "Clinical Commissioning Group", D(109), "2011/12")
HOSTEL = CostLine("HO4.0", "Hostel", "Per week", "Local authority", "", D("107.45"), "2010/11")


def test_a_prison_night_is_the_annual_cost_over_365_uprated(series):
    priced = price_rule(PriceRule("prison_night", PRISON, divisor=D(365)), series=series, target_year="2019/20")
    # 33785 ÷ 365 × 211.074733 ÷ 190.033434 = 102.8105 (worked with bc)
    assert priced.unit_cost.quantize(D("0.0001")) == D("102.8105")
    assert "÷ 365 = £92.56 per event" in priced.derivation
    assert "× 211.074733 ÷ 190.033434 = £102.81 (2019/20 prices)" in priced.derivation
    assert priced.bearer == "Criminal Justice System – Prison"
    assert priced.funder == "Ministry of Justice"
    assert priced.national


def test_a_zero_multiplier_rule_prices_at_nothing_and_bad_fractions_are_refused(series):
    assert (
        price_rule(PriceRule("custody_night", ARREST, multiplier=D(0)), series=series, target_year="2014/15").unit_cost
        == 0
    )
    with pytest.raises(PricingError):
        PriceRule("x", ARREST, divisor=D(0))
    with pytest.raises(PricingError):
        PriceRule("x", ARREST, multiplier=D(-1))


def test_bearer_labels_merge_spellings_and_know_the_budget():
    assert bearer_label("Local authority", "") == bearer_label("Local Authority", "") == "Local Authority"
    assert funder_of("Police").name == "Home Office (police)"
    assert not funder_of("Local authority").national


def test_events_fall_into_equal_before_and_during_windows():
    w = windows_for(dt.date(2025, 1, 1), window_days=365, as_of=dt.date(2026, 1, 1))
    assert w is not None
    assert w.before_from == dt.date(2024, 1, 2)
    counts = count_events(
        [
            ("arrest", dt.date(2024, 1, 1)),
            ("arrest", dt.date(2024, 1, 2)),
            ("arrest", dt.date(2025, 1, 1)),
            ("arrest", dt.date(2026, 1, 1)),
        ],
        w,
    )
    assert counts.before == Counter({"arrest": 1})
    assert counts.during == Counter({"arrest": 1})
    assert windows_for(dt.date(2025, 6, 1), window_days=365, as_of=dt.date(2026, 1, 1)) is None


def test_agency_table_keeps_each_agency_apart_and_never_nets(series):
    prices = price_list(
        [PriceRule("arrest", ARREST), PriceRule("ae_attendance", AE), PriceRule("hostel_night", HOSTEL, divisor=D(7))],
        series=series,
        target_year="2014/15",
    )
    counts = Counts(
        Counter({"arrest": 10, "ae_attendance": 20, "hostel_night": 7}),
        Counter({"arrest": 4, "ae_attendance": 20, "hostel_night": 70}),
    )
    tables = cost_tables(counts, prices, people=5, window_days=365, target_year="2014/15")
    by = {a.bearer: a for a in tables.agencies}
    arrest = D(593) * D("193.264003") / D("161.738978")
    hostel = D("107.45") / 7 * D("193.264003") / D("179.906888")
    assert by["Police"].change == -6 * arrest
    assert by["Police"].verdict == "saves"
    assert by["Local Authority"].change == 63 * hostel
    assert by["Local Authority"].verdict == "spends more"
    assert by["NHS – Integrated Care Board"].verdict == "no change"
    # reductions and increases are reported apart: neither is the net of the other
    assert tables.total_reductions == 6 * arrest
    assert tables.total_increases == 63 * hostel
    assert tables.national_savings_total == 6 * arrest  # police savings fall to the Home Office
    service = {s.event_type: s for s in tables.services}
    assert service["arrest"].difference == -6
    assert service["arrest"].cost_change == -6 * arrest


def test_unpriced_event_types_are_listed_not_hidden(series):
    tables = cost_tables(
        Counts(Counter({"eviction": 2}), Counter()), {}, people=1, window_days=365, target_year="2014/15"
    )
    assert tables.unpriced == ["eviction"]
    assert tables.agencies == []


CHANGES = {"Police": D(-6000), "NHS": D(-2000), "Housing": D(3000), "Drug treatment": D(1000)}


def test_fixed_share_contributions():
    result = scenario_evaluate(
        name="Equal", method=FIXED, budget=D(100000), changes=CHANGES, shares={"Police": 50, "NHS": 25, "Housing": 25}
    )
    pos = {p.agency: p for p in result.positions}
    assert pos["Police"].contribution == 50000
    assert pos["Housing"].contribution == 25000
    assert pos["Drug treatment"].contribution == 0


def test_savings_based_contributions_fall_on_savers_only():
    result = scenario_evaluate(name="Payback", method=SAVINGS, budget=D(80000), changes=CHANGES)
    pos = {p.agency: p for p in result.positions}
    assert pos["Police"].contribution == 60000  # 6000 of 8000 saved
    assert pos["NHS"].contribution == 20000
    assert pos["Housing"].contribution == 0


def test_in_year_transfers_reimburse_extra_spend_from_savers_in_proportion():
    result = scenario_evaluate(name="Payback", method=SAVINGS, budget=D(0), changes=CHANGES)
    paid = {(t.payer, t.payee): t.amount for t in result.transfers}
    assert result.coverage == 1
    assert paid[("Police", "Housing")] == 2250
    assert paid[("NHS", "Housing")] == 750
    assert paid[("Police", "Drug treatment")] == 750
    assert paid[("NHS", "Drug treatment")] == 250
    pos = {p.agency: p for p in result.positions}
    assert pos["Housing"].transfers_in == 3000
    assert pos["Police"].transfers_out == 3000


def test_transfers_are_scaled_down_when_savings_do_not_cover_extra_spend():
    result = scenario_evaluate(name="Short", method=SAVINGS, budget=D(0), changes={"A": D(-1000), "B": D(4000)})
    assert result.coverage == D("0.25")
    assert [(t.payer, t.payee, t.amount) for t in result.transfers] == [("A", "B", D(1000))]


@pytest.mark.parametrize(
    ("method", "shares", "message"),
    [
        (FIXED, {"Police": 60, "NHS": 30}, "add up to 100"),
        ("lottery", None, "Unknown method"),
        (FIXED, {"Police": 120, "NHS": -20}, "negative"),
    ],
)
def test_bad_scenarios_are_refused(method, shares, message):
    with pytest.raises(ScenarioError, match=message):
        scenario_evaluate(name="x", method=method, budget=D(1), changes=CHANGES, shares=shares)


def test_savings_method_needs_a_saver():
    with pytest.raises(ScenarioError, match="No agency is expected to save"):
        scenario_evaluate(name="x", method=SAVINGS, budget=D(1), changes={"Housing": D(10)})


START = dt.date(2025, 1, 1)


def test_accommodation_sustained_six_months_after_a_last_hostel_night():
    events = [("hostel_night", dt.date(2025, 2, 1)), ("ae_attendance", dt.date(2025, 3, 1))]
    ev = evidence_for(ACCOMMODATION, events=events, support_start=START, as_of=dt.date(2026, 1, 1), months=6)
    # run from 2 Feb 2025 for round(6 × 30.4375) = 183 days: last day 3 Aug 2025
    assert ev.met
    assert ev.achieved_on == dt.date(2025, 8, 3)
    not_yet = evidence_for(ACCOMMODATION, events=events, support_start=START, as_of=dt.date(2025, 8, 1), months=6)
    assert not not_yet.met


def test_accommodation_is_not_paid_for_someone_who_was_never_homeless():
    events = [("ae_attendance", dt.date(2024, 6, 1))]
    ev = evidence_for(ACCOMMODATION, events=events, support_start=START, as_of=dt.date(2026, 1, 1), months=3)
    assert not ev.met
    assert "nothing to sustain" in ev.summary


def test_accommodation_broken_by_rough_sleeping_is_not_met():
    events = [("rough_sleeping_contact", dt.date(2025, 1, 1) + dt.timedelta(days=60 * k)) for k in range(8)]
    assert not evidence_for(ACCOMMODATION, events=events, support_start=START, as_of=dt.date(2026, 3, 1), months=3).met


def test_rough_sleeping_reduced_compares_the_year_before_and_the_first_year():
    events = [("rough_sleeping_contact", dt.date(2024, 6, d)) for d in range(1, 11)] + [
        ("rough_sleeping_contact", dt.date(2025, 6, 1))
    ]
    ev = evidence_for(ROUGH_SLEEPING, events=events, support_start=START, as_of=dt.date(2026, 2, 1))
    assert ev.met
    assert "10 in the 12 months before support, 1 in the first 12 months" in ev.summary


def test_treatment_engagement_needs_four_contacts_in_twelve_weeks():
    events = [("dat_treatment_start", dt.date(2025, 3, 1))] + [
        ("dat_contact", dt.date(2025, 3, 1) + dt.timedelta(weeks=w)) for w in (1, 2, 3)
    ]
    assert not evidence_for(TREATMENT, events=events, support_start=START, as_of=dt.date(2026, 1, 1)).met
    events.append(("dat_contact", dt.date(2025, 5, 1)))
    ev = evidence_for(TREATMENT, events=events, support_start=START, as_of=dt.date(2026, 1, 1))
    assert ev.met
    assert ev.achieved_on == dt.date(2025, 5, 1)


def test_ndt_weight_and_cap_per_person():
    assert ndt_weight(36, reference=30) == D("1.2")
    assert ndt_weight(6, reference=30) == D("0.5")  # floor
    assert ndt_weight(None, reference=30) == 1
    with pytest.raises(ValueError, match="between 0 and 48"):
        ndt_weight(49, reference=30)
    p = payable(tariff=D(5000), weight=D("1.2"), cap=D(15000), already_paid=[D(12000)])
    assert p.weighted == 6000
    assert p.amount == 3000
    assert p.capped
    assert "cap of £15,000.00 per person" in p.derivation


def test_sib_cash_flow_runs_out_then_repays_within_the_cap():
    result = sib_cashflow(
        investment=D(100),
        delivery_cost_per_quarter=D(60),
        outcome_payments=[D(0), D(0), D(100), D(200)],
        return_cap=D("1.5"),
    )
    assert [q.closing for q in result.quarters] == [D(40), D(-20), D(20), D(160)]
    assert result.capital_runs_out_in == 2
    assert result.peak_shortfall == 20
    assert result.to_investors == 150
    assert result.to_commissioner == 10
    assert result.money_multiple == D("1.5")
    with pytest.raises(SibError):
        sib_cashflow(investment=D(0), delivery_cost_per_quarter=D(1), outcome_payments=[D(1)])


DAT = CostLine(
    "HE2.5",
    "Drug services, adult, outpatient",
    "Per attendance",
    "NHS",
    "Clinical Commissioning Group",
    D(104),
    "2013/14",
)


def test_a_local_bearer_override_moves_the_cost_to_the_agency_that_pays_here(series):
    rule = PriceRule("dat_contact", DAT, bearer_level_1="Local authority", bearer_level_2="Public Health")
    priced = price_rule(rule, series=series, target_year="2013/14")
    assert priced.bearer == "Local Authority – Public Health"
    assert not priced.national
    assert (
        "Borne locally by Local Authority – Public Health, not NHS – Clinical Commissioning Group" in priced.derivation
    )
    counts = Counts(Counter({"ae_attendance": 2}), Counter({"ae_attendance": 1, "dat_contact": 3}))
    prices = {
        "dat_contact": [priced],
        "ae_attendance": [price_rule(PriceRule("ae_attendance", AE), series=series, target_year="2013/14")],
    }
    tables = cost_tables(counts, prices, people=1, window_days=365, target_year="2013/14")
    verdicts = {a.bearer: a.verdict for a in tables.agencies}
    # the NHS saves on A&E while the council's drug treatment spends more: two lines, not one net figure
    assert verdicts == {"NHS – Integrated Care Board": "saves", "Local Authority – Public Health": "spends more"}
    assert tables.total_increases == 3 * 104


@pytest.mark.parametrize(
    ("day", "year"),
    [(dt.date(2024, 3, 31), "2023/24"), (dt.date(2024, 4, 1), "2024/25"), (dt.date(1999, 12, 1), "1999/00")],
)
def test_financial_year_runs_from_april(day, year):
    from tide.finance.costing import financial_year_of

    assert financial_year_of(day) == year


LINES = {
    "arrest": ARREST,
    "ae_attendance": AE,
    "hostel_night": HOSTEL,
    "prison_night": PRISON,
    "dat_contact": DAT,
}


@given(
    before=st.dictionaries(st.sampled_from(sorted(LINES)), st.integers(0, 500)),
    during=st.dictionaries(st.sampled_from(sorted(LINES)), st.integers(0, 500)),
)
def test_every_agency_keeps_its_own_line_whatever_the_counts(before, during):
    series = DeflatorSeries.from_mapping({"2006/07": 90, "2010/11": 95, "2011/12": 97, "2013/14": 100, "2014/15": 101})
    prices = price_list([PriceRule(code, line) for code, line in LINES.items()], series=series, target_year="2014/15")
    tables = cost_tables(
        Counts(Counter(before), Counter(during)), prices, people=1, window_days=365, target_year="2014/15"
    )
    bearers = [a.bearer for a in tables.agencies]
    assert len(bearers) == len(set(bearers))  # one line per agency
    for agency in tables.agencies:
        own = [s for s in tables.services if s.event_type in agency.services]
        # only its own services (equal to 20 places: the sums are taken in a different order)
        assert abs(agency.change - sum((s.cost_change for s in own), D(0))) < D("1e-20")
    assert tables.total_reductions == sum((-a.change for a in tables.agencies if a.change < 0), D(0))
    assert tables.total_increases == sum((a.change for a in tables.agencies if a.change > 0), D(0))
    assert tables.total_reductions >= 0
    assert tables.total_increases >= 0


def test_referral_gap_counts_people_referred_but_never_supported():
    from tide.finance.payments import referral_gap

    gap = referral_gap(
        referrals={1: "accepted", 2: "not_accepted", 3: "withdrawn", 4: "not_accepted", 5: "pending"},
        supported={1, 9},
        baseline_ndt={1: 20, 2: 40, 4: 36},
    )
    assert gap.referred == 5
    assert gap.not_worked_with == 4
    assert gap.by_status == {"not_accepted": 2, "pending": 1, "withdrawn": 1}
    assert gap.mean_ndt_not_worked_with == 38
    assert gap.mean_ndt_worked_with == 20
