import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tide.areas.models import Role
from tide.coordination.models import SupportEpisode
from tide.finance.models import PoolScenario, UnitCost
from tide.testing.browser import axe_violations, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD, PersonFactory, ServiceEventFactory
from tide.testing.fixtures import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commissioner(area):
    call_command("finance_load_reference", verbosity=0)
    for _ in range(2):
        person = PersonFactory(area=area)
        SupportEpisode.objects.create(person=person, started_on=dt.date(2024, 1, 1))
        for month in (2, 5, 8):
            ServiceEventFactory(person=person, event_type="arrest", occurred_on=dt.date(2023, month, 1))
            ServiceEventFactory(person=person, event_type="prison_night", occurred_on=dt.date(2023, month, 2))
        ServiceEventFactory(person=person, event_type="hostel_night", occurred_on=dt.date(2024, 3, 1))
        ServiceEventFactory(person=person, event_type="dat_contact", occurred_on=dt.date(2024, 4, 1))
        ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2025, 2, 1))
    user = make_user(area, Role.COMMISSIONER, first_name="Cass", last_name="Commissioner")
    PoolScenario.objects.create(
        area=area,
        name="Equal thirds",
        method="fixed",
        budget=Decimal(90000),
        shares={"Police": "40", "Criminal Justice System – Prison": "30", "Local Authority – Housing Services": "30"},
    )
    PoolScenario.objects.create(area=area, name="Savers pay", method="savings", budget=Decimal(90000))
    return user


def test_commissioner_switches_price_year_and_compares_two_pooled_budget_scenarios(page, commissioner):
    sign_in(page, commissioner.username, TEST_PASSWORD)
    page.get_by_role("link", name="Finance").first.click()
    page.get_by_role("link", name="Cost report").first.click()
    expect(page.get_by_role("heading", name="Cost of service use before and during support")).to_be_visible()
    assert page.get_by_test_id("cohort").inner_text().find("2014/15") > 0
    before = page.get_by_test_id("total-reductions").inner_text()
    screenshot(page, "finance-01-cost-report")

    page.get_by_label("Price year").select_option("2006/07")
    page.get_by_role("button", name="Update").click()
    assert "2006/07" in page.get_by_test_id("cohort").inner_text()
    after = page.get_by_test_id("total-reductions").inner_text()
    assert after != before  # the same events, priced in older prices, cost less
    expect(page.get_by_role("row", name="Police").get_by_text("Saves")).to_be_visible()
    screenshot(page, "finance-02-cost-report-2006-07")

    page.get_by_role("link", name="Pooled budget").first.click()
    page.get_by_label("First scenario").select_option(label="Equal thirds")
    page.get_by_label("Second scenario").select_option(label="Savers pay")
    page.get_by_role("button", name="Compare").click()
    table = page.locator("#comparison")
    expect(table.get_by_role("columnheader", name="Equal thirds")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Savers pay")).to_be_visible()
    police = table.get_by_role("row", name="Police")
    assert "£36,000" in police.inner_text()  # 40% of £90,000 under fixed shares
    local = table.get_by_role("row", name="Local Authority – Housing Services")
    assert "£27,000" in local.inner_text()
    assert "£0" in local.inner_text()
    assert page.get_by_label("Price year").input_value() == "2006/07"  # the price year carries over
    assert "2006/07 prices" in page.get_by_role("main").inner_text()
    screenshot(page, "finance-03-pooled-compare")


def test_finance_pages_have_no_serious_accessibility_violations(page, commissioner):
    sign_in(page, commissioner.username, TEST_PASSWORD)
    for path in [
        "/finance/",
        "/finance/cost-report/",
        "/finance/pooled-budget/",
        "/finance/unit-costs/",
        "/finance/price-map/",
        "/finance/outcome-payments/",
        "/finance/reinvestment/",
        "/finance/board-report/",
        "/finance/business-case/",
        "/finance/business-case/costs/new",
        "/finance/business-case/assumptions",
        "/finance/pooled-budget/new",
        "/finance/unit-costs/new",
        "/finance/outcome-payments/rate-card/change",
        "/finance/price-map/new",
        "/finance/deflators/",
        f"/finance/unit-costs/{UnitCost.objects.filter(code='HE4.0').first().pk}/",
        "/finance/cost-report/?cohort=2023/24&price_year=2010/11",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert axe_violations(page) == [], path


def test_cost_report_fits_a_phone_and_works_without_javascript(browser, live_server, commissioner):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 812}
    )
    page = context.new_page()
    sign_in(page, commissioner.username, TEST_PASSWORD)
    page.goto("/finance/cost-report/")
    page.get_by_label("Price year").select_option("2010/11")
    page.get_by_role("button", name="Update").click()
    assert "2010/11" in page.get_by_test_id("cohort").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "finance-04-cost-report-phone")
    context.close()
