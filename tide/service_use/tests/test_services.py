import datetime as dt

import pytest

from tide.core.models import AuditEvent
from tide.service_use import hooks
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_record
from tide.testing.factories import AgencyFactory, PersonFactory


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
