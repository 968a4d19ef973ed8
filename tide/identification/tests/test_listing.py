"""By-name list status, support gap and equity rules, without a database."""

import datetime as dt

from tide.identification import listing
from tide.identification.listing import Settings, Status, StatusInput, status_of

TODAY = dt.date(2026, 6, 30)


def status(**kw):
    base = {
        "today": TODAY,
        "first_identified_on": TODAY - dt.timedelta(days=100),
        "last_event_on": TODAY,
        "previous": Status.ACTIVE,
        "returned_on": None,
        "meets_now": True,
        "on_caseload": False,
        "last_exit": "",
        "last_exit_on": None,
        "died_on": None,
    }
    return status_of(StatusInput(**(base | kw)), Settings(inactive_after_days=90, new_for_days=30))[0]


def test_statuses():
    assert status() == Status.ACTIVE
    assert status(first_identified_on=TODAY, previous=None) == Status.NEW
    assert status(on_caseload=True) == Status.CASELOAD
    assert status(last_event_on=TODAY - dt.timedelta(days=91)) == Status.INACTIVE
    assert status(last_event_on=TODAY - dt.timedelta(days=90)) == Status.ACTIVE
    assert status(meets_now=False) == Status.INACTIVE
    assert status(previous=Status.INACTIVE) == Status.RETURNED
    assert status(died_on=TODAY - dt.timedelta(days=1), on_caseload=True) == Status.DIED
    moved = {
        "last_exit": "no_longer_needs",
        "last_exit_on": TODAY - dt.timedelta(days=5),
        "last_event_on": TODAY - dt.timedelta(days=6),
    }
    assert status(**moved) == Status.MOVED_ON
    assert status(**(moved | {"last_event_on": TODAY})) == Status.ACTIVE  # new events after the exit


def test_returned_lasts_for_the_configured_days():
    s = Settings(returned_for_days=30)
    base = StatusInput(
        TODAY,
        TODAY - dt.timedelta(days=300),
        TODAY,
        Status.RETURNED,
        TODAY - dt.timedelta(days=31),
        True,
        False,
        "",
        None,
        None,
    )
    assert status_of(base, s)[0] == Status.ACTIVE


def test_inflow_and_outflow():
    assert listing.flows(
        [(None, "new"), ("inactive", "returned"), ("active", "inactive"), ("new", "active"), ("active", "died")]
    ) == {"inflow": 2, "outflow": 2}


def test_support_gap_is_higher_for_more_need_and_crisis_and_lower_with_services():
    low = listing.support_gap(domains_met=1, ndt_total=None, crisis_events=0, planned_agencies=2)
    high = listing.support_gap(domains_met=4, ndt_total=None, crisis_events=12, planned_agencies=0)
    helped = listing.support_gap(domains_met=4, ndt_total=None, crisis_events=12, planned_agencies=3)
    declined = listing.support_gap(domains_met=4, ndt_total=None, crisis_events=12, planned_agencies=0, declines=3)
    assert low.score < helped.score < high.score < declined.score <= 100
    assert listing.support_gap(domains_met=0, ndt_total=48, crisis_events=0, planned_agencies=0).need == 1


def test_equity_rows_and_small_number_suppression():
    rows, overall = listing.equity_rows(
        [("F", True, True), ("F", False, False), ("M", True, False), ("M", True, True)], order=["F", "M", "U"]
    )
    assert [(r.group, r.population, r.identified, r.caseload) for r in rows] == [
        ("F", 2, 1, 1),
        ("M", 2, 2, 1),
        ("U", 0, 0, 0),
    ]
    assert overall.identified_rate == 0.75
    assert listing.relative_rate(rows[1].identified_rate, overall.identified_rate) == 1 / 0.75
    assert listing.suppress(3) == "*"
    assert listing.suppress(0) == "0"
    assert listing.suppress(8) == "8"
    assert listing.age_band(17) == "Under 18"
    assert listing.age_band(44) == "35-44"
    assert listing.age_band(None) == "Not known"
