"""Honest windows (issue 20): the cost report compares periods only where every agency it draws on has
complete data, names the agencies that limit it, and counts the people it leaves out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role, Sector
from tide.coordination.models import SupportEpisode
from tide.finance import selectors
from tide.intake.models import FeedSetting
from tide.service_use.models import ServiceEvent
from tide.testing.factories import AgencyFactory, PersonFactory, ServiceEventFactory
from tide.testing.fixtures import make_user


def _feed(area, code: str, name: str, sector: str, *, event_type: str, days: list[dt.date], arrived: dt.date, person):
    agency = AgencyFactory(area=area, code=code, name=name, sector=sector)
    FeedSetting.objects.create(agency=agency)
    for day in days:
        ServiceEventFactory(person=person, agency=agency, event_type=event_type, occurred_on=day)
    when = timezone.make_aware(dt.datetime.combine(arrived, dt.time(9)))
    ServiceEvent.objects.filter(agency=agency).update(recorded_at=when)
    return agency


@pytest.fixture
def two_feeds(area):
    """Police data run to December 2025; the hospital's stop at the end of June 2025."""
    call_command("finance_load_reference", verbosity=0)
    early = PersonFactory(area=area)
    late = PersonFactory(area=area)
    SupportEpisode.objects.create(person=early, started_on=dt.date(2024, 1, 1))
    SupportEpisode.objects.create(person=late, started_on=dt.date(2024, 9, 1))
    _feed(
        area,
        "police",
        "Tideford Police",
        Sector.POLICE,
        event_type="arrest",
        days=[dt.date(2023, 5, 1), dt.date(2023, 9, 1), dt.date(2024, 3, 1), dt.date(2025, 12, 15)],
        arrived=dt.date(2026, 1, 5),
        person=early,
    )
    _feed(
        area,
        "acute",
        "Tideford Hospital",
        Sector.NHS_ACUTE,
        event_type="ae_attendance",
        days=[dt.date(2023, 6, 1), dt.date(2024, 10, 1), dt.date(2025, 6, 20)],
        arrived=dt.date(2025, 7, 10),
        person=late,
    )
    return early, late


def test_the_cost_report_window_stops_where_the_earlier_agencys_data_stop(two_feeds):
    early, _late = two_feeds
    area = early.area
    report = selectors.cost_report(area=area, target_year="2014/15")
    assert report.as_of == dt.date(2025, 6, 30)  # not 15 December 2025, the ledger's last event
    assert report.limited_by == ["Tideford Hospital"]
    assert report.tables.people == 1  # support from 1 Sep 2024 runs to 31 Aug 2025: not covered
    assert report.not_yet_complete == 1
    assert [p.person_id for p in report.people] == [early.pk]


def test_the_cost_report_page_names_the_agency_that_limits_it_and_counts_who_is_left_out(client, two_feeds):
    early, _ = two_feeds
    client.force_login(make_user(early.area, Role.COMMISSIONER))
    page = client.get(reverse("finance:cost-report"), {"price_year": "2014/15", "window": "365"}).content.decode()
    assert "The window stops at 30 June 2025" in page
    assert "the data of Tideford Hospital stop there" in page
    assert "1 person left out because their 365 days of support run past 30 June 2025." in page
    assert "Ledger complete to" not in page
    assert "Tideford Police: 31 December 2025" in page  # each agency's date, for the reader to check


def test_with_no_feed_set_up_the_report_says_it_runs_to_the_ledgers_last_event(area):
    call_command("finance_load_reference", verbosity=0)
    person = PersonFactory(area=area)
    ServiceEventFactory(person=person, event_type="arrest", occurred_on=dt.date(2025, 6, 1))
    report = selectors.cost_report(area=area, target_year="2014/15")
    assert report.as_of == dt.date(2025, 6, 1)
    assert report.coverage is None
