import datetime as dt

import pytest
from playwright.sync_api import expect

from tide.people.models import IdentifierKind
from tide.people.services import PersonInput, person_create
from tide.testing.browser import axe_violations, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD, ServiceEventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def known_person(coordinator):
    person = person_create(
        area=coordinator.area,
        data=PersonInput(
            given_name="Christina",
            family_name="Okonkwo",
            known_as="Tina",
            date_of_birth=dt.date(1984, 6, 12),
            identifiers=[(IdentifierKind.NHS, "9434765919", None)],
        ),
        actor=coordinator,
    )
    ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2026, 3, 2))
    return person


def test_coordinator_finds_a_person_by_a_misspelt_name_and_opens_their_page(page, coordinator, known_person):
    sign_in(page, coordinator.username, TEST_PASSWORD)
    screenshot(page, "01-home")
    page.get_by_role("link", name="Find a person").first.click()
    page.get_by_label("Name or identifier").fill("Kristina Okonkow")
    page.get_by_role("button", name="Search").click()
    screenshot(page, "02-search-results")
    page.get_by_role("link", name="Christina Okonkwo (known as Tina)").click()
    expect(page.get_by_role("heading", name="Christina Okonkwo (known as Tina)")).to_be_visible()
    expect(page.get_by_text("A&E attendance")).to_be_visible()
    expect(page.get_by_text("9434765919")).to_be_visible()
    screenshot(page, "03-person-page")


def test_main_pages_have_no_serious_accessibility_violations(page, coordinator, known_person):
    page.goto("/sign-in")
    assert axe_violations(page) == []
    sign_in(page, coordinator.username, TEST_PASSWORD)
    for path in ["/", "/people/", "/people/?q=Okonkwo", f"/people/{known_person.pk}/", "/people/new", "/account"]:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_search_form_errors_are_summarised_and_work_without_javascript(browser, live_server, coordinator):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.goto("/people/?q=")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter a name or an identifier to search for.")).to_be_visible()
    context.close()


def test_pages_fit_a_phone_screen(phone_page, coordinator, known_person):
    sign_in(phone_page, coordinator.username, TEST_PASSWORD)
    phone_page.goto(f"/people/{known_person.pk}/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(phone_page, "04-person-page-phone")
