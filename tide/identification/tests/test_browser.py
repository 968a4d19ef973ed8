"""A coordinator sees an alert for a new arrest of someone on the list and opens them to see why."""

import datetime as dt

import pytest
from django.utils import timezone

from tide.identification.services import screening_run
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_record
from tide.testing.browser import axe_violations, screenshot, sign_in
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
    assert page.get_by_text("Arrest on").is_visible()
    assert page.get_by_text("Morgan Reyes, who meets Turning the Tide pattern").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "identification-01-alerts")
    page.get_by_role("button", name="Open Morgan Reyes").click()
    assert page.get_by_role("heading", name="Morgan Reyes").is_visible()
    section = page.locator("section", has=page.get_by_role("heading", name="Turning the Tide pattern"))
    assert section.get_by_text("Meets").first.is_visible()
    assert section.get_by_text("Two or more arrests").is_visible()
    assert section.get_by_text(f"Arrest, {days_ago(0):%-d %b %Y}").is_visible()
    assert section.get_by_text(f"Seen sleeping rough, {days_ago(12):%-d %b %Y}").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "identification-02-why")
    page.get_by_role("link", name="Alerts").first.click()
    assert page.get_by_text("New", exact=True).count() == 0


def test_list_pages_are_accessible_and_fit_a_phone(page, phone_page, coordinator, on_the_list):
    person, _ = on_the_list
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
    assert page.get_by_role("link", name="Morgan Reyes").is_visible()
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
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path
    page.goto("/identification/definitions/turning_the_tide/edit")
    page.get_by_label("Criteria a person must meet").fill("9")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "identification-04-definition-error")
