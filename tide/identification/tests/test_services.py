"""Screening, the by-name list, triggers and NDT recording against the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tide.areas.models import Role
from tide.coordination.models import SupportEpisode
from tide.core.models import AuditEvent
from tide.identification.models import (
    Alert,
    Definition,
    ListChange,
    ListEntry,
    NdtAssessment,
    ScreeningResult,
    TriggerRule,
)
from tide.identification.selectors import alerts_for, person_explanations
from tide.identification.services import alerts_raise, ndt_record, ndt_wording_load, screening_run
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_record
from tide.testing.factories import PersonFactory, ServiceEventFactory, UserFactory

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def listed_person(area, agency):
    person = PersonFactory(area=area, given_name="Robin", family_name="Marsh")
    ServiceEventFactory(person=person, agency=agency, event_type="rough_sleeping_contact", occurred_on=days_ago(20))
    ServiceEventFactory(person=person, agency=agency, event_type="dat_contact", occurred_on=days_ago(30))
    return person


def record(person, agency, actor, event_type, on):
    return events_record(
        events=[ServiceEvent(person=person, agency=agency, event_type=event_type, occurred_on=on)],
        actor=actor,
        reason="test",
    )


def test_the_four_definitions_are_installed_by_migration():
    assert set(Definition.objects.values_list("code", flat=True)) == {
        "turning_the_tide",
        "fulfilling_lives",
        "changing_futures",
        "hard_edges_smd",
    }
    for definition in Definition.objects.all():
        definition.full_clean()
    from tide.identification.rules import SHIPPED

    for data in SHIPPED:  # the migration's frozen copy and the code's copy say the same
        definition = Definition.objects.get(code=data["code"])
        assert definition.criteria == data["criteria"]
        assert (definition.min_criteria, definition.near_margin) == (data["min_criteria"], data["near_margin"])


def test_an_invalid_definition_edit_is_refused_with_the_problem():
    definition = Definition.objects.get(code="turning_the_tide")
    definition.criteria[0]["event_types"] = ["no_such_event"]
    with pytest.raises(ValidationError, match="unknown event type 'no_such_event'"):
        definition.full_clean()


def test_whole_ledger_screening_puts_people_who_meet_a_definition_on_the_list(listed_person, area, agency):
    other = PersonFactory(area=area)
    ServiceEventFactory(person=other, agency=agency, event_type="ae_attendance", occurred_on=days_ago(3))
    summary = screening_run()
    assert summary.people == 2
    assert summary.meets["turning_the_tide"] == 1
    entry = ListEntry.objects.get(person=listed_person)
    assert entry.status == "new"
    assert entry.definition_codes == ["fulfilling_lives", "hard_edges_smd", "turning_the_tide"]
    assert not ListEntry.objects.filter(person=other).exists()
    change = ListChange.objects.get(person=listed_person)
    assert change.inflow
    assert change.on == days_ago(20)
    result = ScreeningResult.objects.get(person=listed_person, definition__code="turning_the_tide")
    assert result.criteria_met == ["rough_sleeping", "substance"]
    assert result.first_met_on == days_ago(20)  # dated by the evidence, not by the screening run


def test_a_changed_threshold_changes_who_is_identified_without_code(listed_person):
    Definition.objects.update(min_criteria=3, near_margin=1)
    screening_run()
    assert not ListEntry.objects.filter(person=listed_person).exists()
    assert ScreeningResult.objects.get(person=listed_person, definition__code="turning_the_tide").near


def test_caseload_and_inactivity_show_in_the_status(listed_person, coordinator):
    screening_run()
    SupportEpisode.objects.create(person=listed_person, coordinator=coordinator, started_on=days_ago(1))
    screening_run()
    assert ListEntry.objects.get(person=listed_person).status == "caseload"
    SupportEpisode.objects.filter(person=listed_person).update(ended_on=days_ago(0), exit_destination="disengaged")
    ServiceEvent.objects.filter(person=listed_person).update(occurred_on=days_ago(200))
    Definition.objects.update(
        criteria=[
            {
                "code": "any",
                "label": "Any",
                "event_types": ["rough_sleeping_contact", "dat_contact"],
                "min_count": 1,
                "window_days": None,
            }
        ],
        min_criteria=1,
    )
    screening_run()
    entry = ListEntry.objects.get(person=listed_person)
    assert entry.status == "inactive"
    assert ListChange.objects.filter(person=listed_person, outflow=True).exists()


def test_a_new_arrest_alerts_area_coordinators_when_the_person_has_no_coordinator(
    listed_person, coordinator, agency, django_capture_on_commit_callbacks
):
    screening_run()
    practitioner = UserFactory(area=coordinator.area, role=Role.PRACTITIONER)
    with django_capture_on_commit_callbacks(execute=True):
        record(listed_person, agency, practitioner, "arrest", days_ago(0))
    alert = Alert.objects.get()
    assert alert.recipient == coordinator
    assert alert.kind == "trigger.arrest"
    assert "Arrest on" in alert.message
    assert "meets Turning the Tide pattern" in alert.message
    assert list(alerts_for(coordinator)) == [alert]
    assert list(alerts_for(practitioner)) == []
    assert AuditEvent.objects.filter(action="alert.raised", person_id=listed_person.pk).exists()


def test_the_persons_own_coordinator_gets_the_alert(
    listed_person, coordinator, agency, area, django_capture_on_commit_callbacks
):
    own = UserFactory(area=area, role=Role.COORDINATOR)
    SupportEpisode.objects.create(person=listed_person, coordinator=own, started_on=days_ago(10))
    with django_capture_on_commit_callbacks(execute=True):
        record(listed_person, agency, coordinator, "prison_release", days_ago(1))
    assert list(Alert.objects.values_list("recipient", flat=True)) == [own.pk]


def test_no_alert_for_someone_far_from_any_definition_or_for_old_events(
    area, agency, coordinator, django_capture_on_commit_callbacks
):
    person = PersonFactory(area=area)
    with django_capture_on_commit_callbacks(execute=True):
        record(person, agency, coordinator, "ae_attendance", days_ago(0))
    assert not Alert.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        record(person, agency, coordinator, "rough_sleeping_contact", days_ago(100))
        record(person, agency, coordinator, "dat_contact", days_ago(100))
        record(person, agency, coordinator, "eviction", days_ago(100))  # history load: screened, no alert
    assert ListEntry.objects.filter(person=person).exists()
    assert not Alert.objects.exists()


def test_triggers_are_configurable_per_event_and_recipient(listed_person, coordinator, agency, area):
    screening_run()
    TriggerRule.objects.filter(event_type="ae_attendance").update(active=False)
    team = UserFactory(area=area, role=Role.PRACTITIONER, agency=agency)
    TriggerRule.objects.create(event_type="da_incident", applies_to="meets", recipient="agency", agency=agency)
    event = ServiceEventFactory(
        person=listed_person, agency=agency, event_type="ae_attendance", occurred_on=days_ago(0)
    )
    assert alerts_raise(events=[event]) == []
    da = ServiceEventFactory(person=listed_person, agency=agency, event_type="da_incident", occurred_on=days_ago(0))
    created = alerts_raise(events=[da])
    assert [(a.recipient_id, a.agency_id) for a in created] == [(None, agency.pk)]
    assert list(alerts_for(team)) == created
    assert alerts_raise(events=[da]) == []  # no duplicates


def test_explanation_names_the_dated_evidence(listed_person):
    explanations = {x.definition.code: x.result for x in person_explanations(person=listed_person)}
    ttt = explanations["turning_the_tide"]
    assert ttt.meets
    met = {c.criterion.code: c for c in ttt.criteria if c.met}
    assert [e.on for e in met["rough_sleeping"].evidence] == [days_ago(20)]
    assert [e.on for e in met["substance"].evidence] == [days_ago(30)]


def test_ndt_recording_stores_the_total_and_refuses_bad_ratings(listed_person, coordinator):
    values = {
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
    a = ndt_record(person=listed_person, assessed_on=days_ago(1), values=values, actor=coordinator)
    assert a.total == 31
    assert a.assessor == coordinator
    partial = ndt_record(
        person=listed_person, assessed_on=days_ago(0), values=values | {"housing": None}, actor=coordinator
    )
    assert partial.total is None
    with pytest.raises(ValidationError) as caught:
        ndt_record(
            person=listed_person, assessed_on=days_ago(0), values=values | {"risk_to_others": 5}, actor=coordinator
        )
    assert caught.value.message_dict == {
        "risk_to_others": ["Risk to others is double-weighted: enter 0, 2, 4, 6 or 8."]
    }
    with pytest.raises(ValidationError, match="future"):
        ndt_record(person=listed_person, assessed_on=days_ago(-1), values=values, actor=coordinator)
    assert NdtAssessment.objects.count() == 2


def test_database_refuses_ndt_values_off_the_scale(listed_person):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        NdtAssessment.objects.create(person=listed_person, assessed_on=days_ago(0), risk_from_others=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        NdtAssessment.objects.create(person=listed_person, assessed_on=days_ago(0), engagement=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        NdtAssessment.objects.create(person=listed_person, assessed_on=days_ago(0), total=49)
    with pytest.raises(IntegrityError), transaction.atomic():
        NdtAssessment.objects.create(person=listed_person, assessed_on=days_ago(0), engagement=1, total=1)


def test_wording_file_is_loaded_or_refused_whole(coordinator):
    from tide.identification.models import NdtWording
    from tide.identification.ndt import CODES

    good = "item,level,text\n" + "".join(f"{c},{lv},Text {c} {lv}\n" for c in CODES for lv in range(5))
    assert ndt_wording_load(text=good, filename="w.csv", actor=coordinator) == 50
    with pytest.raises(ValidationError):
        ndt_wording_load(text="item,level,text\nhousing,0,x\n", filename="w.csv", actor=coordinator)
    assert NdtWording.objects.count() == 50


def test_shipped_definitions_are_reinstalled_only_when_missing():
    from tide.identification.services import definitions_install_shipped

    assert definitions_install_shipped(actor=None) == 0
    Definition.objects.filter(code="changing_futures").delete()
    assert definitions_install_shipped(actor=None) == 1
    assert Definition.objects.get(code="changing_futures").min_criteria == 3


def test_commands_screen_the_ledger_and_refuse_bad_input(listed_person, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("identification_screen", stdout=out)
    assert "Screened 1 people." in out.getvalue()
    assert ListEntry.objects.filter(person=listed_person).exists()
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("identification_screen", "--as-of", "yesterday")
    bad = tmp_path / "wording.csv"
    bad.write_text("item,level,text\nhousing,0,Settled\n")
    with pytest.raises(CommandError, match="refused"):
        call_command("ndt_load_wording", str(bad))


def test_alerts_for_an_anonymous_user_are_empty():
    from django.contrib.auth.models import AnonymousUser

    assert list(alerts_for(AnonymousUser())) == []


def test_definition_update_refuses_unknown_fields_and_bad_criteria_and_keeps_the_old_definition(coordinator):
    from tide.identification.services import definition_update

    definition = Definition.objects.get(code="hard_edges_smd")
    with pytest.raises(ValidationError, match="cannot be changed here: code"):
        definition_update(definition=definition, changes={"code": "x"}, actor=coordinator)
    bad = [dict(c) for c in definition.criteria]
    bad[0]["event_types"] = ["sleeping"]
    with pytest.raises(ValidationError, match="unknown event type 'sleeping'"):
        definition_update(definition=definition, changes={"criteria": bad}, actor=coordinator)
    assert Definition.objects.get(code="hard_edges_smd").criteria[0]["event_types"][0] == "rough_sleeping_contact"
    assert definition.criteria[0]["event_types"][0] == "rough_sleeping_contact"


def test_declines_from_another_room_raise_the_support_gap(listed_person):
    from tide.identification.services import register_declines_provider, unregister_declines_provider

    screening_run()
    before = ListEntry.objects.get(person=listed_person).gap_score
    register_declines_provider("test", lambda ids: dict.fromkeys(ids, 4))
    try:
        screening_run()
    finally:
        unregister_declines_provider("test")
    entry = ListEntry.objects.get(person=listed_person)
    assert entry.gap_score > before
    assert "4 declines or no-shows" in entry.gap_detail


def test_a_large_arrival_is_screened_in_a_job_that_still_raises_alerts(
    listed_person, coordinator, agency, monkeypatch, django_capture_on_commit_callbacks
):
    from tide.core.models import Job
    from tide.identification import services

    monkeypatch.setattr(services, "INCREMENTAL_LIMIT", 1)
    other = PersonFactory(area=listed_person.area)
    events = [
        ServiceEvent(person=listed_person, agency=agency, event_type="arrest", occurred_on=days_ago(0)),
        ServiceEvent(person=other, agency=agency, event_type="arrest", occurred_on=days_ago(0)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        events_record(events=events, actor=coordinator, reason="big extract")
    job = Job.objects.get(kind="identification.screen")
    assert job.params["person_ids"] == sorted([listed_person.pk, other.pk])
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["alerts"] == 1  # one arrest alone is not close to any definition
    assert Alert.objects.get().person == listed_person


def test_someone_inactive_who_comes_back_is_returned_and_counted_as_inflow(area, agency, coordinator):
    person = PersonFactory(area=area)
    ServiceEventFactory(person=person, agency=agency, event_type="rough_sleeping_contact", occurred_on=days_ago(150))
    ServiceEventFactory(person=person, agency=agency, event_type="dat_contact", occurred_on=days_ago(140))
    screening_run(as_of=days_ago(0))
    assert ListEntry.objects.get(person=person).status == "inactive"  # nothing for more than 90 days
    ServiceEventFactory(person=person, agency=agency, event_type="rough_sleeping_contact", occurred_on=days_ago(0))
    screening_run(as_of=days_ago(0))
    entry = ListEntry.objects.get(person=person)
    assert entry.status == "returned"
    assert entry.returned_on == days_ago(0)
    assert ListChange.objects.filter(person=person, before="inactive", after="returned", inflow=True).exists()


def test_flows_by_month_count_people_once_per_month(area, coordinator):
    from tide.identification.selectors import list_flows_by_month

    today = dt.date(2026, 6, 15)
    people = [PersonFactory(area=area) for _ in range(3)]
    ListChange.objects.bulk_create(
        [
            ListChange(person=people[0], area=area, on=dt.date(2026, 6, 1), after="new", inflow=True),
            ListChange(person=people[1], area=area, on=dt.date(2026, 5, 3), after="new", inflow=True),
            ListChange(
                person=people[1], area=area, on=dt.date(2026, 5, 20), before="new", after="inactive", outflow=True
            ),
            ListChange(
                person=people[1], area=area, on=dt.date(2026, 5, 25), before="inactive", after="returned", inflow=True
            ),
            ListChange(person=people[2], area=area, on=dt.date(2025, 11, 30), after="new", inflow=True),
        ]
    )
    flows = list_flows_by_month(user=coordinator, months=6, today=today)
    assert [(f["month"], f["inflow"], f["outflow"]) for f in flows] == [
        (dt.date(2026, 6, 1), 1, 0),
        (dt.date(2026, 5, 1), 1, 1),
        (dt.date(2026, 4, 1), 0, 0),
        (dt.date(2026, 3, 1), 0, 0),
        (dt.date(2026, 2, 1), 0, 0),
        (dt.date(2026, 1, 1), 0, 0),
    ]


def test_only_those_an_alert_is_addressed_to_mark_it_seen(area, coordinator):
    """Issue 18, finding 4's class: the service itself checks who the alert is for."""
    from django.core.exceptions import PermissionDenied

    from tide.areas.models import Role
    from tide.identification.models import Alert
    from tide.identification.services import alert_mark_seen
    from tide.testing.factories import PersonFactory, UserFactory

    person = PersonFactory(area=area)
    alert = Alert.objects.create(person=person, recipient=coordinator, kind="trigger.arrest", message="Arrest")
    other = UserFactory(area=area, agency=coordinator.agency, role=Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        alert_mark_seen(alert=alert, actor=other)
    alert.refresh_from_db()
    assert alert.seen_at is None
    alert_mark_seen(alert=alert, actor=coordinator)
    assert alert.seen_at is not None
