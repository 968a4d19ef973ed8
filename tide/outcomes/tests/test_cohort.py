"""The per-person-per-quarter table and its exclusions, on small worked examples."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tide.outcomes import cohort
from tide.outcomes.catalogue import BY_CODE

Q = cohort.quarter_of


def test_calendar_quarters():
    assert Q(dt.date(2025, 1, 1)) == Q(dt.date(2025, 3, 31)) == 2025 * 4
    assert Q(dt.date(2025, 4, 1)) == 2025 * 4 + 1
    assert cohort.quarter_start(2025 * 4 + 3) == dt.date(2025, 10, 1)
    assert cohort.quarter_end(2025 * 4 + 3) == dt.date(2025, 12, 31)
    assert cohort.quarter_label(2025 * 4) == "Jan–Mar 2025"
    assert cohort.last_complete_quarter(dt.date(2026, 6, 30)) == Q(dt.date(2026, 4, 1))
    assert cohort.last_complete_quarter(dt.date(2026, 7, 1)) == Q(dt.date(2026, 4, 1))


def test_window_is_bounded():
    with pytest.raises(ValueError, match="baseline"):
        cohort.Window(baseline_quarters=0)
    with pytest.raises(ValueError, match="Follow-up"):
        cohort.Window(follow_up_quarters=40)


def counts(rows):
    return pd.DataFrame(rows, columns=["person", "event_type", "q", "n"])


@pytest.fixture
def table():
    # Ledger covers Jan 2024 to Sep 2026. Baseline 2 quarters, follow-up 2 quarters.
    people = pd.DataFrame(
        {
            "person": [1, 2, 3, 4],
            # 1: start Q2 2025 -> baseline Q4 2024, Q1 2025; support quarters Q3 2025, Q4 2025
            # 2: start Q3 2026 -> support quarter 1 (Q4 2026) not reached yet
            # 3: start Q2 2025, died in Q4 2025 -> quarter 2 excluded as died
            # 4: start Q1 2024 -> baseline quarters before the ledger starts
            "started_on": [dt.date(2025, 5, 10), dt.date(2026, 7, 1), dt.date(2025, 4, 2), dt.date(2024, 2, 1)],
            "died_on": [None, None, dt.date(2025, 11, 3), None],
        }
    )
    ledger = counts(
        [
            (1, "ae_attendance", Q(dt.date(2025, 2, 1)), 2),  # baseline quarter 2
            (1, "ae_attendance", Q(dt.date(2025, 5, 20)), 5),  # the start quarter: not compared
            (1, "ae_attendance", Q(dt.date(2025, 8, 1)), 1),  # support quarter 1
            (1, "rough_sleeping_contact", Q(dt.date(2024, 11, 1)), 3),
            (3, "ae_attendance", Q(dt.date(2024, 12, 1)), 4),
            (3, "ae_attendance", Q(dt.date(2025, 1, 5)), 2),
            (3, "ae_attendance", Q(dt.date(2025, 8, 5)), 6),
            (9, "ae_attendance", Q(dt.date(2025, 8, 5)), 6),  # someone not in the cohort
        ]
    )
    return cohort.build_person_quarters(
        people=people,
        counts=ledger,
        measures=[BY_CODE["ae_attendance"], BY_CODE["rough_sleeping"]],
        window=cohort.Window(baseline_quarters=2, follow_up_quarters=2),
        first_q=Q(dt.date(2024, 1, 1)),
        last_q=Q(dt.date(2026, 9, 30)),
    )


def test_baseline_is_the_mean_per_quarter_over_the_window(table):
    assert table.baseline[0, 0] == pytest.approx(1.0)  # (0 + 2) / 2
    assert table.baseline[0, 1] == pytest.approx(0.5)  # slept rough in one of two quarters
    assert table.baseline[2, 0] == pytest.approx(3.0)  # (4 + 2) / 2


def test_support_quarters_skip_the_start_quarter(table):
    assert table.follow[0, 0, 0] == 1.0
    assert table.follow[0, 0, 1] == 0.0
    start = table.window.baseline_quarters
    assert table.quarterly[0, 0, start] == 5.0  # shown in the picture, not compared


def test_exclusions_are_counted_with_their_reasons(table):
    assert list(table.reason[:, 0]) == ["", cohort.NOT_REACHED, "", cohort.BASELINE_UNCOVERED]
    assert list(table.reason[:, 1]) == ["", cohort.NOT_REACHED, cohort.DIED, cohort.BASELINE_UNCOVERED]
    assert np.isnan(table.follow[2, 0, 1])


def test_cohort_report_counts_people_and_exclusions(table):
    report = cohort.cohort_report(table, n_boot=50)
    q1 = report.figure("ae_attendance", 1)
    assert q1.change.n == 2
    assert q1.change.mean_before == pytest.approx(2.0)  # (1 + 3) / 2
    assert q1.change.mean_after == pytest.approx(3.5)  # (1 + 6) / 2
    assert q1.excluded == {cohort.NOT_REACHED: 1, cohort.BASELINE_UNCOVERED: 1}
    q2 = report.figure("ae_attendance", 2)
    assert q2.change.n == 1
    assert q2.excluded == {cohort.NOT_REACHED: 1, cohort.DIED: 1, cohort.BASELINE_UNCOVERED: 1}
    assert q2.change.n + sum(q2.excluded.values()) == report.people


def test_moving_out_of_the_area_ends_observation():
    people = pd.DataFrame({"person": [1], "started_on": [dt.date(2025, 1, 15)], "moved_out_on": [dt.date(2025, 7, 20)]})
    table = cohort.build_person_quarters(
        people=people,
        counts=counts([]),
        measures=[BY_CODE["arrest"]],
        window=cohort.Window(1, 3),
        first_q=Q(dt.date(2024, 1, 1)),
        last_q=Q(dt.date(2026, 9, 30)),
    )
    assert list(table.reason[0]) == ["", cohort.MOVED_OUT, cohort.MOVED_OUT]
    assert table.follow[0, 0, 0] == 0.0


def test_ndt_baseline_is_the_assessment_nearest_the_start_and_quarters_take_the_last():
    people = pd.DataFrame({"person": [1], "started_on": [dt.date(2025, 5, 10)]})
    ndt = pd.DataFrame(
        {
            "person": [1, 1, 1, 1, 1],
            "assessed_on": [
                dt.date(2024, 12, 1),  # more than 91 days before: not the baseline
                dt.date(2025, 5, 1),  # 9 days before
                dt.date(2025, 5, 25),  # 15 days after: further, so not chosen
                dt.date(2025, 7, 10),
                dt.date(2025, 9, 10),  # last in support quarter 1
            ],
            "total": [40, 34, 30, 28, 24],
        }
    )
    table = cohort.build_person_quarters(
        people=people,
        counts=counts([]),
        measures=[BY_CODE["ndt_total"]],
        window=cohort.Window(2, 2),
        first_q=Q(dt.date(2024, 1, 1)),
        last_q=Q(dt.date(2026, 9, 30)),
        ndt=ndt,
    )
    assert table.baseline[0, 0] == 34
    assert table.follow[0, 0, 0] == 24
    assert np.isnan(table.follow[0, 0, 1])
    report = cohort.cohort_report(table, n_boot=0)
    assert report.figure("ndt_total", 2).excluded == {cohort.NO_VALUE: 1}


def test_status_holds_until_the_next_one():
    people = pd.DataFrame({"person": [1], "started_on": [dt.date(2025, 5, 10)]})
    statuses = pd.DataFrame(
        {
            "person": [1, 1],
            "kind": ["housing", "housing"],
            "value": ["rough_sleeping", "own_tenancy"],
            "recorded_on": [dt.date(2025, 5, 10), dt.date(2025, 11, 2)],
        }
    )
    table = cohort.build_person_quarters(
        people=people,
        counts=counts([]),
        measures=[BY_CODE["settled_accommodation"]],
        window=cohort.Window(1, 3),
        first_q=Q(dt.date(2024, 1, 1)),
        last_q=Q(dt.date(2026, 9, 30)),
        statuses=statuses,
    )
    assert table.baseline[0, 0] == 0.0
    assert list(table.follow[0, 0]) == [0.0, 1.0, 1.0]


def test_long_form_round_trips_the_values(table):
    frame = table.to_frame()
    row = frame[(frame.person == 1) & (frame.measure == "ae_attendance") & (frame.rel_quarter == 1)]
    assert float(row.value.iloc[0]) == 1.0


def test_age_bands():
    assert cohort.age_band(19) == "18–24"
    assert cohort.age_band(70) == "65 and over"
    assert cohort.age_band(None) == "Not known"
