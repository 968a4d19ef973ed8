import datetime as dt

import pytest

from tide.core.models import AuditEvent
from tide.service_use import hooks
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_move, events_record
from tide.testing.factories import AgencyFactory, PersonFactory, ServiceEventFactory


def test_recorded_events_are_audited_and_announced_after_commit(coordinator, django_capture_on_commit_callbacks):
    heard = []
    hooks.register("test", heard.extend)
    person = PersonFactory(area=coordinator.area)
    agency = AgencyFactory(area=coordinator.area)
    events = [
        ServiceEvent(person=person, agency=agency, event_type="arrest", occurred_on=dt.date(2026, 1, d)) for d in (1, 2)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        created = events_record(events=events, actor=coordinator, reason="test")
    assert sorted(heard) == sorted(e.pk for e in created)
    assert AuditEvent.objects.filter(action="ledger.events_recorded").count() == 1
    hooks._listeners.pop("test")


def test_an_unknown_event_type_writes_nothing(coordinator):
    person = PersonFactory(area=coordinator.area)
    agency = AgencyFactory(area=coordinator.area)
    events = [
        ServiceEvent(person=person, agency=agency, event_type="arrest", occurred_on=dt.date(2026, 1, 1)),
        ServiceEvent(person=person, agency=agency, event_type="levitation", occurred_on=dt.date(2026, 1, 1)),
    ]
    with pytest.raises(KeyError, match="levitation"):
        events_record(events=events, actor=coordinator, reason="test")
    assert ServiceEvent.objects.count() == 0


def test_moved_events_follow_their_agency_record_are_audited_and_announced(
    coordinator, django_capture_on_commit_callbacks
):
    heard = []
    hooks.register_moved("test", heard.extend)
    before, after = PersonFactory(area=coordinator.area), PersonFactory(area=coordinator.area)
    agency = AgencyFactory(area=coordinator.area)
    theirs = {ServiceEventFactory(person=before, agency=agency, record_ref="R1").pk for _ in range(2)}
    other = ServiceEventFactory(person=before, agency=agency, record_ref="R2")
    with django_capture_on_commit_callbacks(execute=True):
        moved = events_move(agency_id=agency.pk, record_ref="R1", person=after, actor=coordinator, reason="test")
    assert moved == 2
    assert set(ServiceEvent.objects.filter(person=after).values_list("pk", flat=True)) == theirs
    assert ServiceEvent.objects.get(pk=other.pk).person == before
    assert sorted(heard) == sorted([before.pk, after.pk])  # both people's events changed
    assert AuditEvent.objects.filter(action="ledger.events_moved").count() == 1
    hooks._move_listeners.pop("test")


def test_an_event_without_an_agency_id_gets_a_tide_made_one_not_shown_as_a_reference(coordinator):
    from tide.service_use.selectors import timeline_entries

    person = PersonFactory(area=coordinator.area)
    agency = AgencyFactory(area=coordinator.area)
    ServiceEvent.objects.create(person=person, agency=agency, event_type="arrest", occurred_on=dt.date(2026, 1, 1))
    ServiceEventFactory(person=person, agency=agency, event_id="CU00000000001", occurred_on=dt.date(2026, 1, 2))
    assert ServiceEvent.objects.filter(event_id__startswith="tide-").count() == 1
    assert [e.detail for e in timeline_entries(person, coordinator)] == ["Reference CU00000000001", ""]
