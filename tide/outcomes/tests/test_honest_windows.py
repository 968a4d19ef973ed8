"""Honest windows (issue 20): the outcomes before/during comparison stops at the last quarter for which
every feed's data are complete, and says which agency stops it."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tide.intake.models import FeedSetting
from tide.outcomes import cohort
from tide.outcomes.selectors import cohort_table, framework_current
from tide.service_use.models import ServiceEvent

TODAY = dt.date(2026, 12, 7)


def _hospital_feed_complete_to_november_2025(area):
    hospital = area.agencies.get(code="acute")
    FeedSetting.objects.create(agency=hospital)
    arrived = timezone.make_aware(dt.datetime(2025, 12, 5, 9))
    ServiceEvent.objects.filter(agency=hospital).update(recorded_at=arrived)


def test_outcomes_compare_only_quarters_every_feed_covers(area, supported_cohort, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    cache.clear()
    before = cohort_table(area=area, spec=framework_current(area=area))
    assert before.last_q == cohort.quarter_of(dt.date(2026, 9, 30))  # no feed set up: time alone limits it
    assert before.limited_by == ()
    _hospital_feed_complete_to_november_2025(area)
    cache.clear()
    table = cohort_table(area=area, spec=framework_current(area=area))
    assert table.last_q == cohort.quarter_of(dt.date(2025, 9, 30))
    assert table.limited_by == ("Tideford Hospital",)
    report = cohort.cohort_report(table, n_boot=0)
    ae = report.figure("ae_attendance", 2)  # Oct–Dec 2025: the hospital's December is not in yet
    assert ae.change.n == 0
    assert ae.excluded == {cohort.NOT_REACHED: 12}
    assert report.figure("ae_attendance", 1).change.n == 12


def test_the_outcomes_page_names_the_agency_whose_data_stop_the_comparison(
    area, supported_cohort, commissioner_client, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    _hospital_feed_complete_to_november_2025(area)
    cache.clear()
    page = commissioner_client.get(reverse("outcomes:report"), {"quarter": "1"}).content.decode()
    assert "Quarters are compared up to Jul–Sep 2025 only: the data of Tideford Hospital are complete to" in page
    assert "30 November 2025" in page
