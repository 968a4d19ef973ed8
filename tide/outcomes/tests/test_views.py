import csv as csv_module
import datetime as dt
import io

import pytest
from django.core.cache import cache

from tide.areas.models import Role
from tide.core.models import AuditEvent
from tide.outcomes.models import FrameworkVersion, OutcomeStatus
from tide.outcomes.selectors import cohort_table, framework_current
from tide.testing.factories import AreaFactory, PersonFactory
from tide.testing.fixtures import make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_cohort_table_from_the_database_reads_the_ledger(area, supported_cohort):
    table = cohort_table(area=area, spec=framework_current(area=area))
    assert len(table.people) == 12
    m = [x.code for x in table.measures].index("ae_attendance")
    assert table.baseline[:, m].tolist() == [2.0] * 12
    assert table.follow[0, m, 0] == 2.0
    assert table.follow[1, m, 0] == 1.0


def test_cohort_report_shows_the_change_and_who_it_rests_on(coordinator_client, supported_cohort):
    response = coordinator_client.get("/outcomes/", {"quarter": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "12 people started coordinated support" in html
    # A&E: 2.00 -> (2 + 11 * 1) / 12 = 1.083: change -0.92 (-46%)
    assert "1.08" in html
    assert "\u22120.92 (\u221246%)" in html
    assert "11 better, 1 same, 0 worse" in html
    assert "<svg" in html
    assert 'role="img"' in html


def test_filters_narrow_the_cohort(coordinator_client, supported_cohort):
    response = coordinator_client.get("/outcomes/", {"sex": "Female", "quarter": 1})
    assert "6 people started coordinated support" in response.content.decode()


def test_a_filter_value_that_is_not_offered_is_a_clear_error_not_a_crash(coordinator_client, supported_cohort):
    response = coordinator_client.get("/outcomes/", {"sex": "Martian", "quarter": 99})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_cohort_csv_holds_unrounded_figures_for_every_quarter(coordinator_client, supported_cohort):
    response = coordinator_client.get("/outcomes/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("measure,label,domain,support_quarter,people")
    ae_q1 = next(line for line in lines if line.startswith("ae_attendance,") and ",1,12," in line)
    assert "1.0833333333333333" in ae_q1


def test_measure_page_and_unknown_measure(coordinator_client, supported_cohort):
    assert coordinator_client.get("/outcomes/measures/ae_attendance/").status_code == 200
    assert coordinator_client.get("/outcomes/measures/nonsense/").status_code == 404


def test_equity_compares_groups_with_their_numbers(coordinator_client, supported_cohort):
    response = coordinator_client.get(
        "/outcomes/equity/", {"measure": "ae_attendance", "quarter": 1, "group": "ethnic_group"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Black or Black British" in html
    assert "White" in html
    csv = coordinator_client.get(
        "/outcomes/equity/", {"measure": "ae_attendance", "quarter": 1, "group": "ethnic_group", "format": "csv"}
    ).content.decode()
    assert csv.count("\n") == 3  # header + two groups


def test_printable_report(coordinator_client, supported_cohort):
    html = coordinator_client.get("/outcomes/", {"print": 1}).content.decode()
    assert "Outcomes report for the board" in html


def test_new_framework_version_records_who_agreed(commissioner_client, commissioner, area):
    response = commissioner_client.post(
        "/outcomes/framework/new",
        {
            "measures": ["rough_sleeping", "ae_attendance"],
            "baseline_quarters": 2,
            "follow_up_quarters": 4,
            "change_summary": "Start with two measures the panel chose.",
            "agreed_by": "Strategic board and lived-experience panel",
            "agreed_on": "01/11/2026",
        },
    )
    assert response.status_code == 302
    version = FrameworkVersion.objects.get()
    assert version.number == 1
    assert version.agreed_by == "Strategic board and lived-experience panel"
    assert AuditEvent.objects.filter(action="outcomes.framework_version_created", actor=commissioner).exists()
    spec = framework_current(area=area)
    assert spec.measures == ("rough_sleeping", "ae_attendance")
    assert "Strategic board" in commissioner_client.get("/outcomes/framework/").content.decode()


def test_framework_version_without_who_agreed_is_refused(commissioner_client):
    response = commissioner_client.post(
        "/outcomes/framework/new",
        {
            "measures": ["arrest"],
            "baseline_quarters": 4,
            "follow_up_quarters": 8,
            "change_summary": "x",
            "agreed_by": "",
            "agreed_on": "31/02/2026",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say who agreed this version." in html
    assert "Date agreed must be a real date" in html
    assert not FrameworkVersion.objects.exists()


def test_coordinators_cannot_change_the_framework(coordinator_client):
    assert coordinator_client.get("/outcomes/framework/new").status_code == 403


def test_person_supported_cannot_see_cohort_figures(client, area):
    client.force_login(make_user(area, Role.PERSON))
    assert client.get("/outcomes/").status_code == 403


def test_person_picture_shows_service_use_ndt_and_statuses(coordinator_client, coordinator, supported_cohort):
    person = supported_cohort[0]
    OutcomeStatus.objects.create(
        person=person, kind="housing", value="hostel", recorded_on=dt.date(2025, 5, 10), recorded_by=coordinator
    )
    response = coordinator_client.get(f"/outcomes/people/{person.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Support with a coordinator started on 10 May 2025" in html
    # baseline: 2 A&E a quarter (and one arrest in Jan 2024, outside the baseline year); latest
    # finished quarter of support with a record: Jul–Sep 2026, nothing recorded
    assert "In Jul–Sep 2026 there were 0 crisis contacts, against an average of 2.0 a quarter" in html
    assert "Hostel or emergency accommodation" in html
    assert "NDT assessment totals over time" in html
    assert AuditEvent.objects.filter(action="person.viewed", person_id=person.pk, reason="outcomes picture").exists()
    csv = coordinator_client.get(f"/outcomes/people/{person.pk}/", {"format": "csv", "table": "ndt"}).content.decode()
    assert "2025-05-10,32" in csv


def test_person_picture_of_someone_in_another_area_is_not_found(coordinator_client):
    stranger = PersonFactory(area=AreaFactory(name="Elsewhere", code="elsewhere"))
    assert coordinator_client.get(f"/outcomes/people/{stranger.pk}/").status_code == 404
    assert coordinator_client.get("/outcomes/people/999999/").status_code == 404


def test_recording_a_status_writes_it_with_an_audit_row(coordinator_client, coordinator, supported_cohort):
    person = supported_cohort[1]
    response = coordinator_client.post(
        f"/outcomes/people/{person.pk}/statuses/new",
        {
            "kind": "housing",
            "value": "housing:own_tenancy",
            "recorded_on": "02/10/2025",
            "in_their_words": "My own place",
        },
    )
    assert response.status_code == 302
    status = OutcomeStatus.objects.get(person=person)
    assert (status.kind, status.value) == ("housing", "own_tenancy")
    assert AuditEvent.objects.filter(action="outcomes.status_recorded", person_id=person.pk).exists()


def test_a_status_that_does_not_fit_its_kind_is_refused(coordinator_client, supported_cohort):
    person = supported_cohort[1]
    response = coordinator_client.post(
        f"/outcomes/people/{person.pk}/statuses/new",
        {"kind": "housing", "value": "treatment:in_treatment", "recorded_on": "02/10/2025"},
    )
    assert response.status_code == 200
    assert "Choose a status under" in response.content.decode()
    assert not OutcomeStatus.objects.exists()


def test_report_runs_in_bounded_queries(coordinator_client, supported_cohort, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert coordinator_client.get("/outcomes/").status_code == 200


def test_pages_work_for_an_area_with_nobody_supported_yet(commissioner_client, area):
    html = commissioner_client.get("/outcomes/").content.decode()
    assert "0 people started coordinated support" in html
    assert commissioner_client.get("/outcomes/equity/").status_code == 200
    assert commissioner_client.get("/outcomes/measures/arrest/").status_code == 200
    assert commissioner_client.get("/outcomes/?format=csv").status_code == 200


@pytest.fixture
def related_to_everyone(monkeypatch):
    """A relationship for every user and person in the area (as a referral or an agreement would give)."""
    from tide.core import relationships

    monkeypatch.setitem(relationships._providers, "test-everyone", lambda user, person: "test relationship")


def test_person_without_support_or_events_has_a_plain_picture(coordinator_client, area, related_to_everyone):
    person = PersonFactory(area=area)
    html = coordinator_client.get(f"/outcomes/people/{person.pk}/").content.decode()
    assert "No coordinated support has started yet" in html
    assert "No NDT assessment has been recorded." in html


def test_person_picture_needs_a_relationship(coordinator_client, area):
    person = PersonFactory(area=area)
    assert coordinator_client.get(f"/outcomes/people/{person.pk}/").status_code == 403
    assert AuditEvent.objects.filter(action="person.view_refused", person_id=person.pk).exists()


def test_a_housing_practitioner_sees_no_health_or_criminal_measures(
    client, area, supported_cohort, related_to_everyone
):
    from tide.areas.models import Sector
    from tide.testing.factories import AgencyFactory

    housing = AgencyFactory(area=area, name="Tideford Housing", code="housing", sector=Sector.HOUSING)
    client.force_login(make_user(area, Role.PRACTITIONER, agency=housing))
    html = client.get(f"/outcomes/people/{supported_cohort[0].pk}/").content.decode()
    assert "Nights seen sleeping rough" in html
    assert "Evictions" in html
    assert "A&amp;E attendances" not in html
    assert "Arrests" not in html
    assert "NDT assessment" not in html


def test_equity_with_a_measure_that_does_not_exist_explains_the_problem(coordinator_client, supported_cohort):
    response = coordinator_client.get("/outcomes/equity/", {"measure": "bogus", "quarter": 1, "group": "sex"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_measure_page_shows_the_spread_of_change(coordinator_client, supported_cohort):
    html = coordinator_client.get("/outcomes/measures/ae_attendance/", {"quarter": 1}).content.decode()
    # eleven people fell from 2 to 1 a quarter, one stayed at 2
    assert 'fell by 1 to 2</td><td class="govuk-table__cell govuk-table__cell--numeric">11</td>' in html
    assert 'no change</td><td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in html


def test_a_large_cohort_is_prepared_in_the_background_then_shown(
    coordinator_client, supported_cohort, settings, tmp_path, django_capture_on_commit_callbacks
):
    from tide.core.models import Job

    settings.TIDE_OUTCOMES_INLINE_LIMIT = 5
    settings.TIDE_DATA_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.get("/outcomes/", {"quarter": 1})
    assert response.status_code == 202
    assert "being prepared" in response.content.decode()
    job = Job.objects.get(kind="outcomes.precompute")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["people"] == 12
    cache.clear()
    html = coordinator_client.get("/outcomes/", {"quarter": 1}).content.decode()
    assert "11 better, 1 same, 0 worse" in html
    assert Job.objects.filter(kind="outcomes.precompute").count() == 1


def test_person_picture_runs_in_bounded_queries(coordinator_client, supported_cohort, django_assert_max_num_queries):
    with django_assert_max_num_queries(22):  # need-to-know gates; PostgreSQL adds the audit chain's lock
        assert coordinator_client.get(f"/outcomes/people/{supported_cohort[0].pk}/").status_code == 200


def test_csv_exports_neutralise_formulas_but_keep_negative_numbers(coordinator_client, coordinator, supported_cohort):
    person = supported_cohort[0]
    OutcomeStatus.objects.create(
        person=person,
        kind="housing",
        value="hostel",
        recorded_on=dt.date(2025, 6, 1),
        in_their_words='=HYPERLINK("http://example.invalid")',
        recorded_by=coordinator,
    )
    csv = coordinator_client.get(
        f"/outcomes/people/{person.pk}/", {"format": "csv", "table": "statuses"}
    ).content.decode()
    assert "'=HYPERLINK" in csv
    report = coordinator_client.get("/outcomes/", {"format": "csv"}).content.decode()
    assert ",-0.9166666666666667," in report or ",-0.916666666666667," in report


@pytest.mark.parametrize("words", ['  =HYPERLINK("http://example.invalid")', "\n=1+1", "\uff20SUM(A1)"])
def test_csv_exports_neutralise_formulas_after_spaces_line_feeds_and_in_full_width(
    coordinator_client, coordinator, supported_cohort, words
):
    person = supported_cohort[0]
    OutcomeStatus.objects.create(
        person=person,
        kind="housing",
        value="hostel",
        recorded_on=dt.date(2025, 6, 1),
        in_their_words=words,
        recorded_by=coordinator,
    )
    exported = coordinator_client.get(f"/outcomes/people/{person.pk}/", {"format": "csv", "table": "statuses"})
    rows = list(csv_module.reader(io.StringIO(exported.content.decode())))
    assert [row[3] for row in rows[1:] if row[3].strip("'") == words] == ["'" + words]


def test_the_report_is_kept_for_the_ledger_as_it_stands_and_worked_out_again_when_it_changes(
    coordinator_client, supported_cohort, monkeypatch
):
    from tide.outcomes import cohort as cohort_module
    from tide.service_use.models import ServiceEvent

    calls = []
    real = cohort_module.cohort_report
    monkeypatch.setattr(cohort_module, "cohort_report", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    first = coordinator_client.get("/outcomes/", {"quarter": 1}).content.decode()
    again = coordinator_client.get("/outcomes/", {"quarter": 1}).content.decode()
    assert len(calls) == 1  # the second request reads the kept report
    assert "\u22120.92 (\u221246%)" in first
    assert "\u22120.92 (\u221246%)" in again
    event = ServiceEvent.objects.filter(person=supported_cohort[0]).first()
    ServiceEvent.objects.create(
        person=event.person, event_type="ae_attendance", occurred_on=event.occurred_on, agency=event.agency
    )
    coordinator_client.get("/outcomes/", {"quarter": 1})
    assert len(calls) == 2  # a new event changes the ledger's stamp: worked out again
