"""Pages: by-name list, CSV export, explanations, NDT, alerts and equity, with their access rules."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tide.areas.models import Role
from tide.core.models import AuditEvent
from tide.identification.models import Alert, ListEntry, NdtAssessment
from tide.identification.services import screening_run
from tide.testing.factories import AreaFactory, PersonFactory, ServiceEventFactory
from tide.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def listed(area, agency, coordinator):
    """Three people on the list; the coordinator was alerted about each (their need-to-know relationship)."""
    people = []
    for i, name in enumerate(["Ash", "Birch", "Cedar"]):
        person = PersonFactory(area=area, given_name="Sam", family_name=name)
        ServiceEventFactory(person=person, agency=agency, event_type="rough_sleeping_contact", occurred_on=days_ago(0))
        for n in range(i + 1):
            ServiceEventFactory(person=person, agency=agency, event_type="arrest", occurred_on=days_ago(10 + n))
        people.append(person)
        Alert.objects.create(
            person=person, recipient=coordinator, kind="trigger.arrest", message="Arrest", seen_at=timezone.now()
        )
    screening_run()
    return people


def test_list_shows_people_with_status_flows_and_sorting(coordinator_client, listed, django_assert_max_num_queries):
    with django_assert_max_num_queries(
        13
    ):  # 13: the navigation counts what needs the coordinator's attention (ADR 0031)
        response = coordinator_client.get("/identification/list/?sort=name")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Sam Ash") < body.index("Sam Birch") < body.index("Sam Cedar")
    assert "Newly identified" in body
    assert response.context["summary"].inflow == 3
    by_gap = coordinator_client.get("/identification/list/?sort=gap").context["page"].object_list
    assert [e.gap_score for e in by_gap] == sorted((e.gap_score for e in by_gap), reverse=True)


def test_list_filters_by_name_definition_and_status(coordinator_client, listed):
    page = coordinator_client.get("/identification/list/?q=birch").context["page"]
    assert [e.person.family_name for e in page.object_list] == ["Birch"]
    page = coordinator_client.get("/identification/list/?status=inactive").context["page"]
    assert list(page.object_list) == []
    # two arrests are needed for that criterion: Birch and Cedar
    ListEntry.objects.filter(person=listed[0]).update(definitions="hard_edges_smd")
    page = coordinator_client.get("/identification/list/?definition=turning_the_tide").context["page"]
    assert sorted(e.person.family_name for e in page.object_list) == ["Birch", "Cedar"]


def test_bad_filter_values_give_a_clear_message_not_an_error(coordinator_client, listed):
    response = coordinator_client.get("/identification/list/?status=sleepy&page=999")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_list_is_paginated(coordinator_client, area, agency):
    for _ in range(55):
        person = PersonFactory(area=area)
        ServiceEventFactory(person=person, agency=agency, event_type="rough_sleeping_contact", occurred_on=days_ago(1))
        ServiceEventFactory(person=person, agency=agency, event_type="mh_crisis_contact", occurred_on=days_ago(1))
    screening_run()
    first = coordinator_client.get("/identification/list/").context["page"]
    second = coordinator_client.get("/identification/list/?page=2").context["page"]
    assert len(first.object_list) == 50
    assert len(second.object_list) == 5


def test_csv_export_lists_the_users_area_only_and_is_audited(coordinator_client, listed, agency):
    elsewhere = AreaFactory(name="Elsewhere", code="elsewhere")
    stranger = PersonFactory(area=elsewhere, family_name="Stranger")
    ServiceEventFactory(person=stranger, event_type="rough_sleeping_contact", occurred_on=days_ago(1))
    ServiceEventFactory(person=stranger, event_type="dat_contact", occurred_on=days_ago(1))
    screening_run()
    response = coordinator_client.get("/identification/list/?format=csv&sort=name")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["person_id", "name", "date_of_birth", "status"]
    assert [r[1] for r in rows[1:]] == ["Sam Ash", "Sam Birch", "Sam Cedar"]
    assert AuditEvent.objects.filter(action="identification.list_exported").exists()


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.COMMISSIONER, Role.PERSON])
def test_the_list_and_its_export_are_refused_to_other_roles(client, area, listed, role):
    client.force_login(make_user(area, role))
    assert client.get("/identification/list/").status_code == 403
    assert client.get("/identification/list/?format=csv").status_code == 403


def test_the_explanation_page_shows_criteria_and_dated_evidence(coordinator_client, listed):
    cedar = listed[2]
    response = coordinator_client.get(f"/identification/people/{cedar.pk}/")
    body = response.content.decode()
    assert "Turning the Tide pattern" in body
    assert "Meets" in body
    assert "Two or more arrests" in body
    assert f"Arrest, {days_ago(12):%-d %B %Y}" in body
    assert AuditEvent.objects.filter(action="person.viewed", person_id=cedar.pk).exists()


def test_unknown_or_other_area_people_are_404(coordinator_client):
    other = PersonFactory(area=AreaFactory(name="Elsewhere", code="elsewhere"))
    assert coordinator_client.get(f"/identification/people/{other.pk}/").status_code == 404
    assert coordinator_client.get("/identification/people/999999/ndt").status_code == 404
    assert coordinator_client.post("/identification/alerts/999999/open").status_code == 404


def test_ndt_form_records_an_assessment_and_shows_history_with_copyright(coordinator_client, listed):
    person = listed[0]
    data = {
        "assessed_on": days_ago(30).strftime("%d/%m/%Y"),
        "engagement": 3,
        "intentional_self_harm": 1,
        "unintentional_self_harm": 2,
        "risk_to_others": 4,
        "risk_from_others": 6,
        "stress_anxiety": 3,
        "social_effectiveness": 2,
        "substance_misuse": 4,
        "impulse_control": 2,
        "housing": 4,
    }
    response = coordinator_client.post(f"/identification/people/{person.pk}/ndt", data)
    assert response.status_code == 302
    coordinator_client.post(
        f"/identification/people/{person.pk}/ndt",
        data | {"assessed_on": days_ago(0).strftime("%d/%m/%Y"), "housing": 1},
    )
    body = coordinator_client.get(f"/identification/people/{person.pk}/ndt").content.decode()
    assert "South West London and St George" in body
    assert "31" in body
    assert "28" in body
    assert "-3" in body
    assert ListEntry.objects.get(person=person).ndt_total == 28


def test_ndt_form_refuses_a_wrong_step_and_writes_nothing(coordinator_client, listed):
    person = listed[0]
    response = coordinator_client.post(
        f"/identification/people/{person.pk}/ndt", {"assessed_on": "01/01/2026", "risk_to_others": "3"}
    )
    assert response.status_code == 200
    assert "Risk to others is double-weighted: enter 0, 2, 4, 6 or 8." in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not NdtAssessment.objects.exists()


def test_alerts_page_lists_my_alerts_and_opening_one_marks_it_seen(coordinator_client, coordinator, listed):
    alert = Alert.objects.create(person=listed[0], recipient=coordinator, kind="trigger.arrest", message="Arrest today")
    body = coordinator_client.get("/identification/alerts/").content.decode()
    assert "Arrest today" in body
    assert "New" in body
    response = coordinator_client.post(f"/identification/alerts/{alert.pk}/open")
    assert response.status_code == 302
    assert response["Location"] == f"/identification/people/{listed[0].pk}/"
    alert.refresh_from_db()
    assert alert.seen_at is not None


def test_equity_report_compares_groups_and_suppresses_small_counts(client, area, listed):
    client.force_login(make_user(area, Role.COMMISSIONER))
    response = client.get("/identification/equity?by=sex")
    assert response.status_code == 200
    report = response.context["report"]
    assert report["overall"].identified == 3
    assert [r["identified"] for r in report["rows"]] == ["*"]  # three people: shown as *
    assert client.get("/identification/equity?by=age").status_code == 200
    assert client.get("/identification/equity?by=nonsense").status_code == 200


def test_screening_can_be_started_by_an_administrator_as_a_job(client, area, listed):
    client.force_login(make_user(area, Role.ADMINISTRATOR))
    response = client.post("/identification/screening")
    assert response.status_code == 302
    assert "/jobs/" in response["Location"]


def test_timeline_shows_identification_with_a_link_to_why(coordinator_client, listed):
    body = coordinator_client.get(f"/people/{listed[0].pk}/").content.decode()
    assert "Identified: meets" in body
    assert f"/identification/people/{listed[0].pk}/" in body


def test_timeline_shows_ndt_assessments(coordinator_client, coordinator, listed):
    from tide.identification.services import ndt_record

    ndt_record(person=listed[0], assessed_on=days_ago(3), values={"housing": 4}, actor=coordinator)
    body = coordinator_client.get(f"/people/{listed[0].pk}/").content.decode()
    assert "NDT assessment" in body
    assert "incomplete: no total" in body


def _definition_post(definition, **overrides):
    data = {
        "min_criteria": definition.min_criteria,
        "near_margin": definition.near_margin,
        "enabled": "on",
        "puts_on_list": "on",
    }
    for i, c in enumerate(definition.criteria):
        data[f"c{i}_event_types"] = c["event_types"]
        data[f"c{i}_min_count"] = c["min_count"]
        data[f"c{i}_window_days"] = c["window_days"] or ""
    return data | overrides


def test_an_administrator_tunes_a_definition_and_it_is_audited(client, area):
    from tide.identification.models import Definition

    client.force_login(make_user(area, Role.ADMINISTRATOR))
    definition = Definition.objects.get(code="turning_the_tide")
    assert client.get("/identification/definitions/").status_code == 200
    response = client.post(
        "/identification/definitions/turning_the_tide/edit",
        _definition_post(definition, min_criteria=3, c0_window_days="90", c1_min_count="3"),
    )
    assert response.status_code == 302
    definition.refresh_from_db()
    assert definition.min_criteria == 3
    assert definition.criteria[0]["window_days"] == 90
    assert definition.criteria[1]["min_count"] == 3
    assert definition.spec.criteria[0].describe() == "seen sleeping rough: at least once in the last 90 days"
    assert AuditEvent.objects.filter(action="identification.definition_changed").exists()


def test_a_bad_definition_change_is_refused_with_messages_and_nothing_saved(client, area):
    from tide.identification.models import Definition

    client.force_login(make_user(area, Role.ADMINISTRATOR))
    definition = Definition.objects.get(code="fulfilling_lives")
    data = _definition_post(definition, min_criteria=9, c0_min_count="0", c1_window_days="x")
    del data["c2_event_types"]
    response = client.post("/identification/definitions/fulfilling_lives/edit", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "cannot be more than the 4 criteria" in body
    assert "Homelessness: at least 1 event is needed." in body
    assert "Substance misuse: the window must be a whole number of days." in body
    assert "choose at least one kind of event" in body
    definition.refresh_from_db()
    assert definition.min_criteria == 2


def test_definitions_can_be_read_but_not_changed_by_coordinators(coordinator_client):
    assert coordinator_client.get("/identification/definitions/").status_code == 200
    assert coordinator_client.get("/identification/definitions/turning_the_tide/edit").status_code == 403


def test_the_list_says_when_the_ledger_has_never_been_screened(
    client, area, agency, django_capture_on_commit_callbacks
):
    ServiceEventFactory(person=PersonFactory(area=area), agency=agency, event_type="arrest", occurred_on=days_ago(1))
    client.force_login(make_user(area, Role.ACCOUNTABLE_OFFICER))
    body = client.get("/identification/list/").content.decode()
    assert "no one has been screened yet" in body
    assert "Screen the whole ledger now" in body
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/identification/screening")
    assert "no one has been screened yet" not in client.get("/identification/list/").content.decode()


def test_an_advisory_ndt_threshold_is_shown_as_advice(coordinator_client, coordinator, area, listed):
    from tide.identification.models import ListSettings
    from tide.identification.services import ndt_record

    values = {
        "engagement": 4,
        "intentional_self_harm": 4,
        "unintentional_self_harm": 4,
        "risk_to_others": 8,
        "risk_from_others": 8,
        "stress_anxiety": 4,
        "social_effectiveness": 4,
        "substance_misuse": 4,
        "impulse_control": 4,
        "housing": 4,
    }
    ndt_record(person=listed[0], assessed_on=days_ago(1), values=values, actor=coordinator)
    body = coordinator_client.get(f"/identification/people/{listed[0].pk}/").content.decode()
    assert "advisory threshold" not in body
    assert "South West London and St George" in body
    ListSettings.objects.create(area=area, ndt_advisory_threshold=35)
    body = coordinator_client.get(f"/identification/people/{listed[0].pk}/").content.decode()
    assert "At or above the area's advisory threshold of 35" in body
    assert "South West London and St George" in coordinator_client.get("/identification/list/").content.decode()


def test_equity_compares_shares_with_loaded_resident_estimates(client, area, listed):
    from django.core.exceptions import ValidationError

    from tide.identification.services import population_load

    client.force_login(make_user(area, Role.COMMISSIONER))
    assert "identification_load_population" in client.get("/identification/equity?by=sex").content.decode()
    with pytest.raises(ValidationError, match="'X' is not a sex group"):
        population_load(area=area, text="dimension,group,count\nsex,X,10\n", actor=None)
    population_load(area=area, text="dimension,group,count,source\nsex,U,500,ONS mid-2024\nsex,F,500,\n", actor=None)
    report = client.get("/identification/equity?by=sex").context["report"]
    assert report["has_residents"]
    assert report["residents_source"] == "ONS mid-2024"
    by_group = {r["group"]: r for r in report["rows"]}
    assert by_group["Not known"]["share_residents"] == 0.5
    assert by_group["Not known"]["share_identified"] is None  # three people: too few to show
    assert by_group["Female"]["residents"] == 500


def test_the_list_points_to_new_alerts(coordinator_client, coordinator, listed):
    assert "new alert" not in coordinator_client.get("/identification/list/").content.decode()
    Alert.objects.create(person=listed[0], recipient=coordinator, kind="trigger.arrest", message="Arrest today")
    assert "You have 1 new alert" in coordinator_client.get("/identification/list/").content.decode()


def test_a_csv_export_with_bad_filters_exports_nothing_and_says_why(coordinator_client, listed):
    response = coordinator_client.get("/identification/list/?format=csv&status=sleepy")
    assert response["Content-Type"].startswith("text/html")
    assert "Select a valid choice" in response.content.decode()
    assert not AuditEvent.objects.filter(action="identification.list_exported").exists()


def test_only_frontline_staff_record_an_ndt_and_unknown_definitions_are_404(client, area, listed):
    client.force_login(make_user(area, Role.ACCOUNTABLE_OFFICER))
    assert client.get(f"/identification/people/{listed[0].pk}/ndt").status_code == 200
    assert client.post(f"/identification/people/{listed[0].pk}/ndt", {"assessed_on": "01/01/2026"}).status_code == 403
    assert not NdtAssessment.objects.exists()
    client.force_login(make_user(area, Role.ADMINISTRATOR))
    assert client.get("/identification/definitions/no-such-thing/edit").status_code == 404


def test_an_administrator_loads_the_licensed_ndt_wording_from_a_file(client, area):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tide.identification.models import NdtWording
    from tide.identification.ndt import CODES

    client.force_login(make_user(area, Role.ADMINISTRATOR))
    bad = SimpleUploadedFile("w.csv", b"item,level,text\nhousing,0,Settled\n", content_type="text/csv")
    response = client.post("/identification/ndt-wording", {"file": bad})
    assert response.status_code == 200
    assert "The file is missing" in response.content.decode()
    binary = SimpleUploadedFile("w.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    assert "must be UTF-8" in client.post("/identification/ndt-wording", {"file": binary}).content.decode()
    assert not NdtWording.objects.exists()
    text = "item,level,text\n" + "".join(f"{c},{lv},Licensed {c} {lv}\n" for c in CODES for lv in range(5))
    good = SimpleUploadedFile("w.csv", text.encode(), content_type="text/csv")
    assert client.post("/identification/ndt-wording", {"file": good}).status_code == 302
    assert NdtWording.objects.count() == 50


def test_the_ndt_page_shows_the_licensed_wording_once_loaded(coordinator_client, coordinator, listed):
    from tide.identification.ndt import CODES
    from tide.identification.services import ndt_record, ndt_wording_load

    ndt_record(person=listed[0], assessed_on=days_ago(1), values={"housing": 4}, actor=coordinator)
    url = f"/identification/people/{listed[0].pk}/ndt"
    assert "Street homeless" in coordinator_client.get(url).content.decode()
    text = "item,level,text\n" + "".join(f"{c},{lv},Licensed {c} {lv}\n" for c in CODES for lv in range(5))
    ndt_wording_load(text=text, filename="w.csv", actor=coordinator)
    body = coordinator_client.get(url).content.decode()
    assert "Licensed housing 4" in body
    assert "6 – Licensed risk_to_others 3" in body  # the form's choices use it too


def test_an_administrator_adds_and_switches_off_triggers(client, area, agency):
    from tide.identification.models import TriggerRule

    client.force_login(make_user(area, Role.ADMINISTRATOR))
    assert client.get("/identification/triggers/").status_code == 200
    response = client.post(
        "/identification/triggers/", {"event_type": "da_incident", "applies_to": "meets", "recipient": "agency"}
    )
    assert "Choose the team or agency to alert." in response.content.decode()
    response = client.post(
        "/identification/triggers/",
        {"event_type": "da_incident", "applies_to": "meets", "recipient": "agency", "agency": agency.pk},
    )
    assert response.status_code == 302
    rule = TriggerRule.objects.get(event_type="da_incident")
    assert (rule.area, rule.agency) == (area, agency)
    arrest = TriggerRule.objects.get(event_type="arrest", area=None)
    client.post(f"/identification/triggers/{arrest.pk}/toggle")
    arrest.refresh_from_db()
    assert not arrest.active
    assert AuditEvent.objects.filter(action="identification.trigger_off").exists()
    assert client.post("/identification/triggers/999999/toggle").status_code == 404


def test_triggers_cannot_name_another_areas_agency(client, area):
    from tide.testing.factories import AgencyFactory

    other = AgencyFactory(area=AreaFactory(name="Elsewhere", code="elsewhere"))
    client.force_login(make_user(area, Role.ADMINISTRATOR))
    response = client.post(
        "/identification/triggers/",
        {"event_type": "arrest", "applies_to": "meets", "recipient": "agency", "agency": other.pk},
    )
    assert "Select a valid choice" in response.content.decode()


def test_a_person_page_needs_a_relationship_and_an_alert_gives_one(client, area, agency):
    from tide.core.models import AuditEvent as Audit

    person = PersonFactory(area=area)
    ServiceEventFactory(person=person, agency=agency, event_type="rough_sleeping_contact", occurred_on=days_ago(1))
    screening_run()
    stranger = make_user(area, Role.COORDINATOR)
    client.force_login(stranger)
    assert client.get(f"/identification/people/{person.pk}/").status_code == 403
    assert Audit.objects.filter(action="person.view_refused", person_id=person.pk).exists()
    Alert.objects.create(person=person, recipient=stranger, kind="trigger.arrest", message="Arrest")
    assert client.get(f"/identification/people/{person.pk}/").status_code == 200


def test_csv_export_neutralises_formulas_after_spaces_and_in_full_width(coordinator_client, listed):
    listed[0].given_name, listed[0].family_name = " =1+1", "Ash"
    listed[0].save()
    listed[1].given_name, listed[1].family_name = "\uff1dSUM(A1)", "Birch"
    listed[1].save()
    response = coordinator_client.get("/identification/list/?format=csv&sort=name")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    names = sorted(r[1] for r in rows[1:])
    assert names == sorted(["'=1+1 Ash", "'\uff1dSUM(A1) Birch", "Sam Cedar"])
