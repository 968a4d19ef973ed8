"""Feed health (issue 20): rows per month against each agency's own usual, gaps, identity completeness,
the date its data are complete to, the expected cadence, and late or thin feed alerts raised once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role
from tide.core.models import AuditEvent
from tide.intake import feeds
from tide.intake.audit_actions import INTAKE_FEED_ALERT_RAISED, INTAKE_FEED_SETTING_SAVED
from tide.intake.models import ExtractFile, FeedAlert, FeedSetting
from tide.intake.selectors import data_complete_to, feed_health
from tide.intake.services import extract_import, feed_alerts_raise
from tide.intake.tests.extracts import police_csv
from tide.messages.models import Message, StaffChoice, Status
from tide.service_use.models import ServiceEvent
from tide.testing.factories import PersonFactory, ServiceEventFactory
from tide.testing.fixtures import make_user

TODAY = dt.date(2026, 12, 7)


def _arrived(agency, day: dt.date) -> None:
    """Say the agency's data (and files) reached Tide on ``day``."""
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    ServiceEvent.objects.filter(agency=agency).update(recorded_at=when)
    ExtractFile.objects.filter(agency=agency).update(received_at=when)


def _monthly(agency, person, counts: dict[tuple[int, int], int], event_type: str = "arrest") -> None:
    for (year, month), n in counts.items():
        for i in range(n):
            ServiceEventFactory(
                person=person, agency=agency, event_type=event_type, occurred_on=dt.date(year, month, 1 + i % 28)
            )


# --- pure rules ---------------------------------------------------------------------------------


def test_a_month_counts_as_complete_only_once_data_arrived_after_it_ended():
    assert feeds.complete_to(last_event_on=dt.date(2026, 10, 30), last_received_on=dt.date(2026, 11, 3)) == dt.date(
        2026, 10, 31
    )
    # data sent on 28 November holding events to 28 November: November is not over, October is complete
    assert feeds.complete_to(last_event_on=dt.date(2026, 11, 28), last_received_on=dt.date(2026, 11, 28)) == dt.date(
        2026, 10, 31
    )


def test_a_sharp_drop_and_a_gap_are_flagged_against_the_agencys_own_usual():
    m = feeds.month_of(dt.date(2026, 1, 1))
    counts = {m: 100, m + 1: 110, m + 2: 90, m + 3: 0, m + 4: 100, m + 5: 40}
    months = feeds.months_assessed(counts, first=m, last=m + 5)
    assert [x.gap for x in months] == [False, False, False, True, False, False]
    assert [x.thin for x in months] == [False, False, False, False, False, True]
    assert months[5].usual == 100.0  # the median of 100, 110, 90, 0 (the gap) and 100


def test_a_feed_is_late_only_past_its_cadence_and_grace():
    sent = dt.date(2026, 10, 1)
    assert not feeds.is_late(last_received_on=sent, today=dt.date(2026, 11, 8), every_days=31, grace_days=7)
    assert feeds.is_late(last_received_on=sent, today=dt.date(2026, 11, 9), every_days=31, grace_days=7)
    assert feeds.is_late(last_received_on=None, today=sent, every_days=31, grace_days=7)


# --- the feed health of an area -----------------------------------------------------------------


@pytest.fixture
def lead(area, agency):
    return make_user(
        area, Role.ADMINISTRATOR, agency=agency, first_name="Dee", last_name="Lead", email="dee@example.org"
    )


@pytest.fixture
def steady(police, acute, analyst):
    """Police send a monthly file; they sent nothing for July and their September is thin. The hospital's
    data stop in July."""
    extract_import(agency=police, content=police_csv(), filename="p.csv", channel="upload", actor=analyst)
    person = PersonFactory(area=police.area)
    _monthly(police, person, {(2026, month): 20 for month in (1, 2, 3, 4, 5, 6, 8)} | {(2026, 9): 6})
    _arrived(police, dt.date(2026, 11, 20))
    FeedSetting.objects.create(agency=acute)
    _monthly(acute, person, {(2026, month): 10 for month in range(1, 8)}, "ae_attendance")
    _arrived(acute, dt.date(2026, 8, 4))
    return police, acute


def test_feed_health_reports_last_file_complete_to_drop_and_identity_completeness(steady):
    police, _acute = steady
    by = {h.agency.code: h for h in feed_health(area=police.area, today=TODAY)}
    assert by["police"].last_received_on == dt.date(2026, 11, 20)
    assert by["police"].complete_to == dt.date(2026, 9, 30)
    assert not by["police"].late
    latest = by["police"].latest_month
    assert latest.label == "September 2026"
    assert latest.thin
    assert (latest.rows, latest.usual) == (6, 20.0)
    assert [(m.label, m.gap) for m in by["police"].flagged_months] == [("July 2026", True), ("September 2026", False)]
    filled = {column: share for column, share, _ in by["police"].completeness}
    assert filled["pnc_id"] == 0.75
    assert filled["address"] == 0.75
    assert filled["surname"] == 1.0
    assert by["acute"].complete_to == dt.date(2026, 7, 31)
    assert by["acute"].late
    assert by["acute"].last_file is None


def test_the_date_data_are_complete_to_is_the_earliest_feed_and_names_it(steady):
    police, _ = steady
    coverage = data_complete_to(area=police.area, today=TODAY)
    assert coverage.complete_to == dt.date(2026, 7, 31)
    assert coverage.limited_by == ["Tideford Hospital"]
    assert data_complete_to(area=police.area, event_types=["arrest"], today=TODAY).complete_to == dt.date(2026, 9, 30)


def test_a_late_or_thin_feed_raises_one_alert_per_lapse_and_messages_the_data_leads(steady, lead):
    police, _acute = steady
    manager = make_user(police.area, Role.TEAM_MANAGER, first_name="Mo", last_name="Manager", email="mo@example.org")
    StaffChoice.objects.create(user=manager, kind="feed_lapsed", by_email=False, set_at=timezone.now())
    raised = feed_alerts_raise(area=police.area, today=TODAY)
    assert sorted((a.agency.code, a.kind) for a in raised) == [("acute", "late"), ("police", "thin")]
    assert AuditEvent.objects.filter(action=INTAKE_FEED_ALERT_RAISED).count() == 2
    to_lead = Message.objects.filter(kind="feed_lapsed", to_user=lead)
    assert to_lead.count() == 2
    assert all(m.status != Status.WITHHELD for m in to_lead)
    assert {m.subject for m in to_lead} == {
        "Tide: a late feed from Tideford Hospital",
        "Tide: a thin feed from Tideford Police",
    }
    assert {m.status for m in Message.objects.filter(to_user=manager)} == {Status.WITHHELD}  # "in Tide only"
    assert "No file from Tideford Hospital since 4 August 2026" in FeedAlert.objects.get(kind="late").summary
    # the next day the same lapses are not raised again
    assert feed_alerts_raise(area=police.area, today=TODAY + dt.timedelta(days=1)) == []
    assert FeedAlert.objects.count() == 2
    assert Message.objects.filter(kind="feed_lapsed").count() == 6  # two alerts, three data leads (with the analyst)


def test_an_alert_closes_when_the_feed_is_healthy_again_and_a_new_lapse_is_raised_anew(steady, lead):
    police, acute = steady
    feed_alerts_raise(area=police.area, today=TODAY)
    _arrived(acute, dt.date(2026, 12, 1))  # a file at last
    feed_alerts_raise(area=police.area, today=TODAY)
    late = FeedAlert.objects.get(agency=acute, kind="late")
    assert late.closed_on == TODAY
    again = feed_alerts_raise(area=police.area, today=dt.date(2027, 2, 1))
    assert ("acute", "late") in {(a.agency.code, a.kind) for a in again}


# --- pages --------------------------------------------------------------------------------------


def test_the_feed_health_page_flags_the_late_feed_and_the_landing_panel_counts_it(client, steady, lead):
    client.force_login(lead)
    page = client.get(reverse("intake:feeds")).content.decode()
    assert "Late</strong>" in page
    assert "Tideford Hospital" in page
    assert "Figures that compare periods run to" in page
    home = client.get(reverse("home"), follow=True).content.decode()  # where the data lead lands
    assert 'data-testid="feeds-panel"' in home
    assert reverse("intake:feeds") in home


def test_feed_pages_are_for_data_leads_only(client, area, steady, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("intake:feeds")).status_code == 403
    assert 'data-testid="feeds-panel"' not in client.get(reverse("home"), follow=True).content.decode()


def test_the_cadence_is_set_by_the_data_lead_with_validation_and_audited(client, steady, lead):
    police, _ = steady
    client.force_login(lead)
    url = reverse("intake:feed-setting", args=[police.pk])
    bad = client.post(url, {"expected_every_days": "0", "grace_days": "seven"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "There is a problem" in body
    assert "Enter a number of days from 1 to 366." in body
    assert FeedSetting.objects.get(agency=police).expected_every_days == 31
    good = client.post(url, {"expected_every_days": "7", "grace_days": "2"})
    assert good.status_code == 302
    assert FeedSetting.objects.get(agency=police).expected_every_days == 7
    assert AuditEvent.objects.filter(action=INTAKE_FEED_SETTING_SAVED).count() == 1
    # weekly now: police's last file (20 November) is late on 7 December
    assert {h.agency.code: h.late for h in feed_health(area=police.area, today=TODAY)}["police"]
