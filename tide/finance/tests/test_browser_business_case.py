"""A commissioner builds the business case in the browser and checks the ODS download (issue 25)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from playwright.sync_api import expect

from tide.areas.models import Role
from tide.coordination.models import SupportEpisode
from tide.finance import selectors
from tide.finance.models import BusinessCase
from tide.testing.browser import screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD, PersonFactory, ServiceEventFactory
from tide.testing.fixtures import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owen(area):
    call_command("finance_load_reference", verbosity=0)
    for _ in range(3):
        person = PersonFactory(area=area)
        SupportEpisode.objects.create(person=person, started_on=dt.date(2024, 1, 1))
        for month in (2, 5, 8):
            ServiceEventFactory(person=person, event_type="arrest", occurred_on=dt.date(2023, month, 1))
            ServiceEventFactory(person=person, event_type="prison_night", occurred_on=dt.date(2023, month, 2))
            ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2023, month, 3))
        ServiceEventFactory(person=person, event_type="hostel_night", occurred_on=dt.date(2024, 3, 1))
        ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2025, 2, 1))
    return make_user(area, Role.COMMISSIONER, first_name="Owen", last_name="Price")


def _ods_total(content: bytes) -> list[str]:
    doc = load(io.BytesIO(content))
    results = next(t for t in doc.getElementsByType(Table) if t.getAttribute("name") == "Results")
    rows = [[str(c) for c in r.getElementsByType(TableCell)] for r in results.getElementsByType(TableRow)]
    return next(r for r in rows if r and r[0] == "Total")


def _fill_assumptions(page, deadweight: str) -> None:
    page.get_by_label("First year of the appraisal").fill("2024/25")
    page.get_by_label("Appraisal period in years").fill("5")
    page.get_by_label("Drop-off each year after the full effect (%)").fill("10")
    for field in page.locator("input[name^='deadweight_']").all():
        name = field.get_attribute("name")
        if name.startswith("deadweight_source_"):
            field.fill("MEAM evaluation comparison areas")
        else:
            field.fill(deadweight)
    for field in page.locator("input[name^='attribution_']").all():
        name = field.get_attribute("name")
        field.fill("Operational group judgement" if name.startswith("attribution_source_") else "80")
    page.get_by_role("button", name="Save as a new version").click()


def test_owen_enters_costs_adjusts_deadweight_reads_roi_and_checks_the_ods(page, browser, live_server, owen, area):
    sign_in(page, owen.username, TEST_PASSWORD)
    page.goto("/finance/business-case/")
    page.get_by_role("link", name="Record a cost of the service").click()
    page.get_by_label("Financial year").fill("2024/25")
    page.get_by_label("Staff").check()
    page.get_by_label("Agency paying").fill("Police")
    page.get_by_label("Amount in pounds").fill("2000")
    page.get_by_label("Source").fill("Link Service budget line 4410")
    page.get_by_role("button", name="Record the cost").click()
    expect(page.get_by_text("Link Service budget line 4410")).to_be_visible()

    page.get_by_role("link", name="Set the assumptions").click()
    _fill_assumptions(page, deadweight="10")
    police = page.locator("#fiscal-results").get_by_role("row", name="Police")
    expect(police).to_be_visible()
    roi_low_deadweight = police.locator("[data-roi]").inner_text()
    assert roi_low_deadweight.startswith("£")
    assert police.locator("[data-payback]").inner_text()
    screenshot(page, "bizcase-01-desktop")

    page.get_by_role("link", name="Change the assumptions").click()
    _fill_assumptions(page, deadweight="60")
    police = page.locator("#fiscal-results").get_by_role("row", name="Police")
    roi_high_deadweight = police.locator("[data-roi]").inner_text()
    assert float(roi_high_deadweight[1:].replace(",", "")) < float(roi_low_deadweight[1:].replace(",", ""))
    assert BusinessCase.objects.count() == 2

    with page.expect_download() as download:
        page.get_by_role("link", name="Business case (ODS, OpenDocument spreadsheet)").click()
    content = Path(download.value.path()).read_bytes()
    total = _ods_total(content)
    expected = selectors.analyse_case(area=area, case=BusinessCase.objects.get(version=2)).analysis.total
    assert float(total[1]) == pytest.approx(float(round(expected.benefits_pv, 2)))
    assert float(total[2]) == pytest.approx(float(round(expected.costs_pv, 2)))
    assert float(total[4]) == pytest.approx(float(round(expected.roi, 4)))

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    small = phone.new_page()
    sign_in(small, owen.username, TEST_PASSWORD)
    small.goto("/finance/business-case/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(small, "bizcase-02-phone")
    phone.close()
