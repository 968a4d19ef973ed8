import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tide.areas.models import Role
from tide.coordination.models import SupportEpisode
from tide.core.models import AuditEvent
from tide.finance import selectors, services
from tide.finance.models import ClaimStatus, CostEdition, OutcomeRate, PriceRule, UnitCost
from tide.testing.factories import PersonFactory, ServiceEventFactory, ndt_assessment
from tide.testing.fixtures import make_user


@pytest.fixture
def loaded(area):
    call_command("finance_load_reference", verbosity=0)
    return area


@pytest.fixture
def commissioner(area):
    return make_user(area, Role.COMMISSIONER, first_name="Cass", last_name="Commissioner")


def test_loader_imports_every_row_and_is_idempotent(loaded):
    call_command("finance_load_reference", verbosity=0)
    edition = CostEdition.objects.get()
    assert edition.costs.count() == 684
    assert edition.attribution == "Unit Cost Database v1.4, New Economy (GMCA), CC BY 4.0"
    arrest = UnitCost.objects.get(code="CR7.0")
    assert arrest.fiscal_cost == 593
    assert arrest.fiscal_price_year == "2006/07"
    assert arrest.rag == "A"
    assert PriceRule.objects.filter(area=loaded).count() == 21  # 25 event lines less the 4 the database cannot price
    assert OutcomeRate.objects.filter(area=loaded).count() == 6


def test_every_event_type_in_the_ledger_vocabulary_has_a_price(loaded):
    from tide.service_use.event_types import BY_CODE

    prices = selectors.price_list(area=loaded, target_year="2014/15")
    missing = selectors.missing_prices()
    # Priced from the database, or listed as a price the area must set: never silently £0.
    assert set(prices) | set(missing) == set(BY_CODE)
    assert not set(prices) & set(missing)
    assert all(p.unit_cost > 0 for rules in prices.values() for p in rules)
    night = prices["prison_night"][0]
    assert "÷ 365" in night.derivation
    assert night.bearer == "Criminal Justice System – Prison"


def test_a_bad_unit_cost_file_is_refused_whole(loaded, commissioner):
    header = "theme,outcome_category,outcome_detail,code,detail,unit,agency_level_1,agency_level_2,fiscal_cost_gbp,fiscal_price_year,economic_value_gbp,economic_price_year,social_value_gbp,social_price_year,source,rag\n"
    text = (
        header + "T,C,D,X1,Good row,Each,NHS,,10,2016/17,,,,,src,G\nT,C,D,X2,Bad row,Each,NHS,,ten,2016/17,,,,,src,G\n"
    )
    with pytest.raises(ValidationError, match="Line 3"):
        services.cost_edition_import(name="v2", text=text, licence="x", attribution="x", source="x", actor=commissioner)
    assert CostEdition.objects.count() == 1
    assert not UnitCost.objects.filter(code="X1").exists()


def test_a_newer_deflator_series_replaces_the_active_one(loaded, commissioner):
    series = services.deflator_series_import(
        name="Newer",
        text="financial_year,index,forecast\n"
        + "".join(f"{y}/{(y + 1) % 100:02d},{100 + y - 1989},no\n" for y in range(1989, 2021)),
        source="s",
        attribution="a",
        actor=commissioner,
    )
    assert selectors.active_series().name == "Newer"
    assert selectors.active_series().index("2020/21") == 131
    assert series.active
    assert AuditEvent.objects.filter(action="finance.deflators_imported").count() == 1


def test_local_cost_with_a_bad_year_writes_nothing(loaded, commissioner):
    with pytest.raises(ValidationError):
        services.unit_cost_create_local(
            area=loaded,
            code="L1",
            detail="Outreach night",
            unit="Per night",
            agency_level_1="Local authority",
            agency_level_2="",
            fiscal_cost=Decimal(40),
            fiscal_price_year="2019",
            source="local",
            actor=commissioner,
        )
    assert not UnitCost.objects.filter(code="L1").exists()


def _supported_person(area, start=dt.date(2024, 1, 1)):
    person = PersonFactory(area=area)
    SupportEpisode.objects.create(person=person, started_on=start)
    return person


def test_cost_report_compares_equal_windows_and_keeps_agencies_apart(loaded):
    person = _supported_person(loaded)
    for on in (dt.date(2023, 3, 1), dt.date(2023, 6, 1), dt.date(2023, 9, 1)):
        ServiceEventFactory(person=person, event_type="arrest", occurred_on=on)
    ServiceEventFactory(person=person, event_type="dat_contact", occurred_on=dt.date(2024, 2, 1))
    ServiceEventFactory(person=person, event_type="arrest", occurred_on=dt.date(2025, 6, 1))  # sets data end
    report = selectors.cost_report(area=loaded, target_year="2006/07")
    by = {a.bearer: a for a in report.tables.agencies}
    assert report.tables.people == 1
    assert by["Police"].change == -3 * Decimal(593)
    assert (
        by["Local Authority – Public Health (drug and alcohol treatment)"].change > 0
    )  # the council pays for treatment
    assert report.tables.total_reductions == 3 * 593
    assert report.people[0].ref == f"P-{person.pk:06d}"


def test_people_without_a_full_support_window_are_left_out_and_counted(loaded):
    _supported_person(loaded, start=dt.date(2025, 1, 1))
    other = PersonFactory(area=loaded)
    ServiceEventFactory(person=other, event_type="arrest", occurred_on=dt.date(2025, 6, 1))
    report = selectors.cost_report(area=loaded, target_year="2014/15")
    assert report.tables.people == 0
    assert report.not_yet_complete == 1


def test_claim_is_weighted_by_baseline_ndt_and_needs_a_second_person_to_verify(loaded, commissioner, area):
    person = _supported_person(loaded)
    ndt_assessment(person=person, assessed_on=dt.date(2024, 1, 1), total=36)
    ServiceEventFactory(person=person, event_type="hostel_night", occurred_on=dt.date(2024, 1, 10))
    rate = OutcomeRate.objects.get(area=loaded, code="accommodation-3m")
    claim = services.outcome_claim_create(person=person, rate=rate, as_of=dt.date(2025, 1, 1), actor=commissioner)
    assert claim.weight == Decimal("1.2")
    assert claim.amount == Decimal("1800.00")
    assert "11 Jan 2024" in claim.evidence
    with pytest.raises(ValidationError, match="already been claimed"):
        services.outcome_claim_create(person=person, rate=rate, as_of=dt.date(2025, 1, 1), actor=commissioner)
    with pytest.raises(ValidationError, match="Someone other"):
        services.outcome_claim_decide(claim=claim, approve=True, note="", actor=commissioner)
    verifier = make_user(area, Role.COMMISSIONER)
    claim = services.outcome_claim_decide(claim=claim, approve=True, note="Checked", actor=verifier)
    assert claim.status == ClaimStatus.VERIFIED
    assert AuditEvent.objects.filter(action="finance.claim_verified", person_id=person.pk).exists()


def test_claim_without_evidence_is_refused_and_writes_nothing(loaded, commissioner):
    person = _supported_person(loaded)
    rate = OutcomeRate.objects.get(area=loaded, code="treatment-engagement")
    with pytest.raises(ValidationError, match="does not show"):
        services.outcome_claim_create(person=person, rate=rate, as_of=dt.date(2025, 1, 1), actor=commissioner)
    assert not person.outcome_claims.exists()


def test_cap_per_person_limits_later_claims(loaded, commissioner):
    terms = selectors.payment_terms(area=loaded)
    terms.cap_per_person = Decimal(2000)
    terms.save()
    person = _supported_person(loaded)
    ServiceEventFactory(person=person, event_type="rough_sleeping_contact", occurred_on=dt.date(2023, 12, 1))
    first = services.outcome_claim_create(
        person=person,
        rate=OutcomeRate.objects.get(area=loaded, code="accommodation-3m"),
        as_of=dt.date(2025, 6, 1),
        actor=commissioner,
    )
    second = services.outcome_claim_create(
        person=person,
        rate=OutcomeRate.objects.get(area=loaded, code="accommodation-6m"),
        as_of=dt.date(2025, 6, 1),
        actor=commissioner,
    )
    assert first.amount == 1500
    assert second.amount == 500
    assert "cap" in second.derivation


def test_selection_report_counts_identified_people_never_supported(loaded):
    supported = _supported_person(loaded)
    ndt_assessment(person=supported, assessed_on=dt.date(2024, 1, 1), total=20)
    left_out = PersonFactory(area=loaded)
    ndt_assessment(person=left_out, assessed_on=dt.date(2024, 1, 1), total=40)
    report = selectors.selection_report(area=loaded)
    assert (report.identified, report.supported, report.not_supported, report.not_supported_high_need) == (2, 1, 1, 1)
    assert report.not_supported_mean_ndt == 40


def test_reference_data_ships_with_the_database_and_areas_start_on_the_standard_map(area):
    # loaded by migration: no command needed for a new deployment
    assert UnitCost.objects.filter(code="HE4.0", fiscal_cost=109).exists()
    assert selectors.uses_standard_price_map(area=area)
    prices = selectors.price_list(area=area, target_year="2011/12")
    assert prices["ae_attendance"][0].unit_cost == 109
    assert not PriceRule.objects.exists()


def test_adding_a_rule_to_the_standard_map_keeps_the_standard_lines(area, commissioner):
    local = services.unit_cost_create_local(
        area=area,
        code="L1",
        detail="Night shelter bed",
        unit="Per night",
        agency_level_1="Local authority",
        agency_level_2="",
        fiscal_cost=Decimal(30),
        fiscal_price_year="2014-15",
        source="Council budget",
        actor=commissioner,
    )
    services.price_rule_create(
        area=area,
        event_type="hostel_night",
        unit_cost=local,
        multiplier=Decimal(1),
        divisor=Decimal(1),
        note="Local shelter",
        actor=commissioner,
    )
    assert PriceRule.objects.filter(area=area).count() == 22
    hostel = selectors.price_list(area=area, target_year="2014/15")["hostel_night"]
    assert sorted(p.unit_cost for p in hostel)[-1] == 30


def test_expected_outcome_payments_follow_the_record_weighted_and_capped(loaded):
    terms = selectors.payment_terms(area=loaded)
    terms.cap_per_person = Decimal(4000)
    terms.save()
    person = _supported_person(loaded)  # support from 1 Jan 2024
    ndt_assessment(person=person, assessed_on=dt.date(2023, 12, 20), total=45)  # weight 1.5
    ServiceEventFactory(person=person, event_type="hostel_night", occurred_on=dt.date(2023, 12, 1))
    ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2025, 6, 1))
    totals = selectors.expected_outcome_payments(
        area=loaded, start=dt.date(2024, 1, 1), quarters=8, as_of=dt.date(2025, 6, 1)
    )
    # 3 months = 91 days, achieved 31 Mar 2024 (first quarter): 1500 × 1.5 = 2250;
    # 6 months = 183 days, achieved 1 Jul 2024 (third quarter): 2250 more would pass the £4,000 cap,
    # so 1750; later outcomes are capped at nothing
    assert totals[0] == Decimal(2250)
    assert totals[2] == Decimal(1750)
    assert sum(totals) == Decimal(4000)


def test_claims_appear_on_the_person_timeline(loaded, commissioner):
    from tide.core.timeline import timeline_for

    person = _supported_person(loaded)
    ServiceEventFactory(person=person, event_type="hostel_night", occurred_on=dt.date(2023, 12, 1))
    rate = OutcomeRate.objects.get(area=loaded, code="accommodation-3m")
    services.outcome_claim_create(person=person, rate=rate, as_of=dt.date(2025, 1, 1), actor=commissioner)
    titles = [e.title for e in timeline_for(person, commissioner)]
    assert "Outcome achieved: Accommodation sustained 3 months" in titles


def test_a_deflator_series_that_cannot_uprate_the_library_is_refused(loaded, commissioner):
    with pytest.raises(ValidationError, match="has no index for 2000/01"):
        services.deflator_series_import(
            name="Short",
            text="financial_year,index\n2014/15,100\n2015/16,101\n",
            source="s",
            attribution="a",
            actor=commissioner,
        )
    assert selectors.active_series().name == "HM Treasury GDP deflators (Budget 2015)"


def test_a_cost_in_a_year_the_deflators_do_not_cover_is_refused(loaded, commissioner):
    with pytest.raises(ValidationError) as error:
        services.unit_cost_create_local(
            area=loaded,
            code="L2",
            detail="Future cost",
            unit="Each",
            agency_level_1="NHS",
            agency_level_2="",
            fiscal_cost=Decimal(10),
            fiscal_price_year="2030/31",
            source="x",
            actor=commissioner,
        )
    assert "no index for 2030/31" in str(error.value)


def test_an_event_type_that_cannot_be_uprated_is_reported_unpriced_not_half_priced(loaded, commissioner):
    from tide.finance.models import DeflatorYear

    DeflatorYear.objects.filter(financial_year="2008/09").delete()  # CR2.0.x domestic abuse lines
    prices = selectors.price_list(area=loaded, target_year="2014/15")
    assert "da_incident" not in prices
    assert "arrest" in prices


def test_an_area_event_type_with_a_unit_cost_is_priced_and_uprated(loaded, commissioner):
    from tide.service_use.services import event_type_save

    event_type_save(
        area=loaded,
        actor=commissioner,
        code="benefit_sanction",
        label="Benefit sanction",
        domain="homelessness",
        unit="event",
        crisis=False,
        bearing_agency=None,
        unit_cost=Decimal("100.00"),
        unit_cost_year="2010/11",
    )
    event_type_save(
        area=loaded,
        actor=commissioner,
        code="asb_warning",
        label="Anti-social behaviour warning",
        domain="offending",
        unit="event",
        crisis=False,
        bearing_agency=None,
    )
    prices = selectors.price_list(area=loaded, target_year="2014/15")
    assert "asb_warning" not in prices  # no unit cost, no line in the price map: not priced
    priced = prices["benefit_sanction"][0]
    assert "Benefit sanction" in priced.derivation
    assert priced.unit_cost > Decimal("100.00")  # uprated from 2010/11 prices
