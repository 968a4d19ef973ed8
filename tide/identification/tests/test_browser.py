"""A coordinator sees an alert for a new arrest of someone on the list and opens them to see why."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tide.coordination.models import SupportEpisode
from tide.identification.services import screening_run
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_record
from tide.testing.browser import axe_violations, fill_date, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD, AgencyFactory, PersonFactory, ServiceEventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def on_the_list(coordinator):
    police = AgencyFactory(area=coordinator.area, name="Tideford Police", code="police", sector="police")
    outreach = AgencyFactory(area=coordinator.area, name="Street Outreach", code="outreach", sector="housing")
    person = PersonFactory(area=coordinator.area, given_name="Morgan", family_name="Reyes")
    ServiceEventFactory(person=person, agency=outreach, event_type="rough_sleeping_contact", occurred_on=days_ago(12))
    ServiceEventFactory(person=person, agency=police, event_type="arrest", occurred_on=days_ago(40))
    screening_run()
    return person, police


def test_coordinator_sees_an_arrest_alert_and_why_the_person_is_on_the_list(page, coordinator, on_the_list):
    person, police = on_the_list
    events_record(
        events=[ServiceEvent(person=person, agency=police, event_type="arrest", occurred_on=days_ago(0))],
        actor=None,
        reason="police extract",
    )
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.get_by_role("link", name="Alerts").first.click()
    expect(page.get_by_text("Arrest on")).to_be_visible()
    expect(page.get_by_text("Morgan Reyes, who meets Turning the Tide pattern")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "identification-01-alerts")
    page.get_by_role("button", name="Open Morgan Reyes").click()
    expect(page.get_by_role("heading", name="Morgan Reyes")).to_be_visible()
    section = page.locator("section", has=page.get_by_role("heading", name="Turning the Tide pattern"))
    expect(section.get_by_text("Meets").first).to_be_visible()
    expect(section.get_by_text("Two or more arrests")).to_be_visible()
    expect(section.get_by_text(f"Arrest, {days_ago(0):%-d %B %Y}")).to_be_visible()
    expect(section.get_by_text(f"Seen sleeping rough, {days_ago(12):%-d %B %Y}")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "identification-02-why")
    page.get_by_role("link", name="Alerts").first.click()
    assert page.get_by_text("New", exact=True).count() == 0


def test_list_pages_are_accessible_and_fit_a_phone(page, phone_page, coordinator, on_the_list):
    person, _ = on_the_list
    SupportEpisode.objects.create(person=person, coordinator=coordinator, started_on=days_ago(3))
    sign_in(page, coordinator.username, TEST_PASSWORD)
    for path in [
        "/identification/list/",
        "/identification/least-helped",
        "/identification/equity",
        f"/identification/people/{person.pk}/ndt",
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path
    page.goto("/identification/list/")
    expect(page.get_by_role("link", name="Morgan Reyes")).to_be_visible()
    screenshot(page, "identification-03-list")
    sign_in(phone_page, coordinator.username, TEST_PASSWORD)
    phone_page.goto("/identification/list/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_administrator_pages_are_accessible(page, area, on_the_list):
    from tide.areas.models import Role
    from tide.testing.fixtures import make_user

    admin = make_user(area, Role.ADMINISTRATOR)
    sign_in(page, admin.username, TEST_PASSWORD)
    for path in [
        "/identification/definitions/",
        "/identification/definitions/turning_the_tide/edit",
        "/identification/ndt-wording",
        "/identification/triggers/",
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path
    page.goto("/identification/definitions/turning_the_tide/edit")
    page.get_by_label("Criteria a person must meet").fill("9")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "identification-04-definition-error")


def test_coordinator_records_an_ndt_without_javascript(browser, live_server, coordinator, on_the_list):
    person, _ = on_the_list
    SupportEpisode.objects.create(person=person, coordinator=coordinator, started_on=days_ago(3))  # their coordinator
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.goto(f"/identification/people/{person.pk}/ndt")
    expect(page.get_by_text("South West London and St George's Mental Health NHS Trust").first).to_be_visible()
    fill_date(page, "Date of the assessment", ("", "", ""))
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the date of the assessment")).to_be_visible()
    fill_date(page, "Date of the assessment", days_ago(1))
    for label, value in [
        ("Engagement with frontline services", "3"),
        ("Intentional self-harm", "1"),
        ("Unintentional self-harm", "2"),
        ("Risk to others", "4"),
        ("Risk from others", "6"),
        ("Stress and anxiety", "3"),
        ("Social effectiveness", "2"),
        ("Alcohol and drug use", "4"),
        ("Impulse control", "2"),
        ("Housing", "4"),
    ]:
        page.get_by_label(label, exact=True).select_option(value)
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("NDT assessment recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="31", exact=True)).to_be_visible()
    screenshot(page, "identification-05-ndt-history")
    context.close()
