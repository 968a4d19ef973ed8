"""The person's own record page: who looked, grouped by day and service in plain words; one question per service."""

import datetime as dt
import re

import pytest

from tide.accountability.models import PersonAccount, SharingChoice
from tide.areas.models import InformationSharingAgreement, Role
from tide.core.access import NeedToKnowRefused
from tide.people.selectors import person_get_for
from tide.testing.factories import ServiceEventFactory
from tide.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_client(client, area, tina):
    person_user = make_user(area, Role.PERSON)
    PersonAccount.objects.create(user=person_user, person=tina)
    client.force_login(person_user)
    return client


def test_five_views_in_a_minute_are_one_plain_line_per_service_and_day(own_client, coordinator, practitioner, tina):
    ServiceEventFactory(person=tina, agency=practitioner.agency, event_type="arrest")
    for _ in range(5):
        person_get_for(user=coordinator, pk=tina.pk, reason="planning meeting")
    colleague = make_user(tina.area, Role.COORDINATOR, agency=coordinator.agency, first_name="Sam", last_name="Second")
    from tide.coordination.models import SupportEpisode

    SupportEpisode.objects.filter(person=tina).delete()
    SupportEpisode.objects.create(person=tina, coordinator=colleague, started_on=dt.date(2026, 1, 5))
    person_get_for(user=colleague, pk=tina.pk)
    page = own_client.get("/my-record/").content.decode()
    agency = coordinator.agency.name
    assert f"2 people from {agency} looked at your record (6 times)" in page
    assert len(re.findall(r"(person|people) from .* looked at your record", page)) == 1  # one line, not six rows
    assert "Jane Coordinator" in page
    assert "planning meeting" in page
    assert "<table" not in page


def test_emergency_access_is_named_with_its_reason(own_client, practitioner, tina):
    from tide.accountability import services

    services.break_glass_open(person=tina, reason="Found collapsed, need her GP and allergies.", actor=practitioner)
    page = own_client.get("/my-record/").content.decode()
    assert "Pat Constable, Tideford Police looked at your record in an emergency" in page
    assert "Found collapsed, need her GP and allergies." in page


def test_sharing_is_one_plain_line_per_service_with_a_change_link(own_client, practitioner, coordinator):
    page = own_client.get("/my-record/").content.decode()
    assert '<dt class="govuk-summary-list__key">Tideford Police</dt>' in page
    assert "You have not chosen" in page
    assert f'href="/my-record/sharing/{practitioner.agency_id}"' in page
    assert 'type="radio"' not in page
    question = own_client.get(f"/my-record/sharing/{practitioner.agency_id}").content.decode()
    assert "Can Tideford Police see your record?" in question
    assert len(re.findall(r'type="radio"', question)) == 2


def test_saying_no_refuses_that_service_and_yes_gives_consent_as_before(own_client, area, practitioner, tina):
    ServiceEventFactory(person=tina, agency=practitioner.agency, event_type="arrest")
    isa = InformationSharingAgreement.objects.create(
        area=area, name="ISA", purpose="Coordinated support", lawful_basis="Art. 6(1)(e)", starts_on=dt.date(2025, 1, 1)
    )
    isa.agencies.add(practitioner.agency)
    assert "agreement" in person_get_for(user=practitioner, pk=tina.pk).access.relationship
    assert own_client.post(f"/my-record/sharing/{practitioner.agency_id}", {"share": "no"}).status_code == 302
    with pytest.raises(NeedToKnowRefused):
        person_get_for(user=practitioner, pk=tina.pk)
    assert "No, they cannot" in own_client.get("/my-record/").content.decode()
    own_client.post(f"/my-record/sharing/{practitioner.agency_id}", {"share": "yes"})
    assert "consent" in person_get_for(user=practitioner, pk=tina.pk).access.relationship
    assert SharingChoice.objects.get().share is True


def test_no_answer_or_another_areas_service_changes_nothing(own_client, practitioner):
    from tide.testing.factories import AgencyFactory, AreaFactory

    empty = own_client.post(f"/my-record/sharing/{practitioner.agency_id}", {})
    assert "Choose yes or no." in empty.content.decode()
    elsewhere = AgencyFactory(area=AreaFactory(code="elsewhere"), code="x")
    assert own_client.post(f"/my-record/sharing/{elsewhere.pk}", {"share": "no"}).status_code == 404
    assert not SharingChoice.objects.exists()
