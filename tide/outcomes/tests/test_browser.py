import pytest
from playwright.sync_api import expect

from tide.testing.browser import axe_violations, fill_date, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_reads_the_cohort_report_and_a_persons_picture(page, coordinator, supported_cohort):
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.get_by_role("link", name="Outcomes").first.click()
    expect(page.get_by_role("heading", name="Cohort report")).to_be_visible()
    page.get_by_label("Quarter of support", exact=True).select_option("1")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_text("11 better, 1 same, 0 worse").first).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    screenshot(page, "outcomes-01-cohort-report")
    page.get_by_role("link", name="A&E attendances", exact=True).click()
    expect(page.get_by_role("heading", name="A&E attendances")).to_be_visible()
    screenshot(page, "outcomes-02-measure")
    page.goto(f"/outcomes/people/{supported_cohort[0].pk}/")
    expect(page.get_by_role("heading", name="How things have changed")).to_be_visible()
    page.get_by_role("link", name="Record a status").click()
    page.get_by_label("What is this about?").select_option("housing")
    page.get_by_label("Status").select_option("housing:own_tenancy")
    fill_date(page, "As of", ("1", "10", "2025"))
    page.get_by_role("button", name="Record status").click()
    expect(page.get_by_text("Status recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="Own tenancy")).to_be_visible()
    screenshot(page, "outcomes-03-person-picture")


def test_outcomes_pages_have_no_serious_accessibility_violations(page, commissioner, supported_cohort):
    sign_in(page, commissioner.username, TEST_PASSWORD)
    for path in [
        "/outcomes/",
        "/outcomes/?print=1",
        "/outcomes/measures/rough_sleeping/",
        "/outcomes/equity/?measure=ae_attendance&quarter=1&group=sex",
        "/outcomes/framework/",
        "/outcomes/framework/new",
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_person_picture_is_accessible_and_fits_a_phone(phone_page, page, coordinator, supported_cohort):
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.goto(f"/outcomes/people/{supported_cohort[0].pk}/")
    assert axe_violations(page) == []
    sign_in(phone_page, coordinator.username, TEST_PASSWORD)
    for path in ["/outcomes/", f"/outcomes/people/{supported_cohort[0].pk}/"]:
        phone_page.goto(path)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, path
    screenshot(phone_page, "outcomes-04-person-picture-phone")


def test_framework_errors_are_summarised_without_javascript(browser, live_server, commissioner):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, commissioner.username, TEST_PASSWORD)
    page.goto("/outcomes/framework/new")
    page.get_by_role("button", name="Record version").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Say who agreed this version.")).to_be_visible()
    context.close()
