import datetime as dt

import pytest

from tide.areas.models import Role
from tide.coordination.models import SupportEpisode
from tide.service_use.models import ServiceEvent
from tide.testing.factories import AgencyFactory, PersonFactory, ndt_assessment
from tide.testing.fixtures import make_user


@pytest.fixture
def commissioner(area):
    return make_user(area, Role.COMMISSIONER, first_name="Cam", last_name="Commissioner")


@pytest.fixture
def commissioner_client(client, commissioner):
    client.force_login(commissioner)
    return client


@pytest.fixture
def supported_cohort(area, coordinator):
    """Twelve people supported from May 2025: A&E falls from 2 a quarter to 1 for most of them."""
    hospital = AgencyFactory(area=area, name="Tideford Hospital", code="acute")
    people = []
    events = []
    for i in range(12):
        person = PersonFactory(area=area, sex="F" if i % 2 else "M", ethnicity="A1" if i < 8 else "D1")
        people.append(person)
        SupportEpisode.objects.create(person=person, coordinator=coordinator, started_on=dt.date(2025, 5, 10))
        # ledger from Jan 2024: two A&E visits in each baseline quarter (Q2 2024 - Q1 2025), one after
        for month in (4, 7, 10):
            events += [
                ServiceEvent(
                    person=person, event_type="ae_attendance", occurred_on=dt.date(2024, month, d), agency=hospital
                )
                for d in (3, 9)
            ]
        events += [
            ServiceEvent(person=person, event_type="ae_attendance", occurred_on=dt.date(2025, 2, d), agency=hospital)
            for d in (3, 9)
        ]
        after = 2 if i == 0 else 1  # one person did not get better
        for month in (8, 11):
            events += [
                ServiceEvent(
                    person=person, event_type="ae_attendance", occurred_on=dt.date(2025, month, 1 + d), agency=hospital
                )
                for d in range(after)
            ]
        if i < 6:
            events.append(
                ServiceEvent(
                    person=person, event_type="rough_sleeping_contact", occurred_on=dt.date(2025, 1, 5), agency=hospital
                )
            )
        ndt_assessment(person=person, assessed_on=dt.date(2025, 5, 10), total=32)
        ndt_assessment(person=person, assessed_on=dt.date(2025, 8, 10), total=26)
    events.append(ServiceEvent(person=people[0], event_type="arrest", occurred_on=dt.date(2024, 1, 2), agency=hospital))
    ServiceEvent.objects.bulk_create(events)
    return people
