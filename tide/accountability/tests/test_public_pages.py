"""The accessibility statement, privacy notice and cookies page: public, linked from every page, filled from the area."""

import datetime as dt

import pytest
from django.conf import settings

from tide.areas.models import Partnership, Role
from tide.testing.factories import AgencyFactory
from tide.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_the_three_pages_are_readable_without_signing_in_and_linked_from_every_page(client, area):
    for path, heading in [
        ("/accessibility", "Accessibility statement for Tide"),
        ("/privacy", "Privacy notice"),
        ("/cookies", "Cookies"),
    ]:
        page = client.get(path)
        assert page.status_code == 200, path
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page.content.decode()
    sign_in_page = client.get("/sign-in").content.decode()
    for link in ('href="/accessibility"', 'href="/privacy"', 'href="/cookies"'):
        assert link in sign_in_page


def test_the_accessibility_statement_follows_the_model_and_is_honest_about_known_issues(client, area):
    page = client.get("/accessibility").content.decode()
    for section in [
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ]:
        assert section in page
    assert "partially compliant" in page


def test_the_privacy_notice_names_the_areas_own_controller_agencies_and_privacy_officer(client, area):
    Partnership.objects.update_or_create(area=area, defaults={"name": "Tidemouth Changing Futures Partnership"})
    AgencyFactory(area=area, name="Tidemouth Police")
    make_user(area, Role.PRIVACY_OFFICER, first_name="Ruth", last_name="Privacy", email="ruth@tidemouth.example")
    page = client.get(f"/privacy?area={area.code}").content.decode()
    assert "Tidemouth Changing Futures Partnership" in page
    assert "Tidemouth Police" in page
    assert "Ruth Privacy" in page
    assert 'href="mailto:ruth@tidemouth.example"' in page
    assert "lawful basis" in page.lower()
    assert "Information Commissioner" in page


def test_the_cookies_page_lists_the_cookies_tide_really_sets(client, area):
    page = client.get("/cookies").content.decode()
    assert settings.SESSION_COOKIE_NAME in page
    assert settings.CSRF_COOKIE_NAME in page
    assert "analytics" in page  # says there are none


def test_the_inquiry_sent_page_writes_the_due_date_the_one_way(client, area):
    session = client.session
    session["inquiry_sent"] = {"reference": "INQ-1", "due_on": dt.date(2027, 1, 8).isoformat()}
    session.save()
    page = client.get("/inquiries/sent").content.decode()
    assert "8 January 2027" in page
    assert "2027-01-08" not in page
