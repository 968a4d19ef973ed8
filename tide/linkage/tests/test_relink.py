"""When linkage moves a record to another person, its events move through the ledger's service, so the
rooms listening to the ledger (identification's screening) hear at once, not at the next night's screen."""

from __future__ import annotations

import datetime as dt

from tide.identification import services as identification_services
from tide.linkage.models import LinkMethod
from tide.linkage.services import record_split, records_link_known, records_upsert
from tide.service_use.models import ServiceEvent
from tide.service_use.services import events_record
from tide.testing.factories import PersonFactory

IDENTITIES = {
    "PP1": {"given_name": "Bernadette", "family_name": "Holloway", "date_of_birth": dt.date(1979, 12, 13)},
    "PP2": {"given_name": "Bernie", "family_name": "Holloway", "date_of_birth": dt.date(1979, 12, 31)},
}


def test_identification_hears_at_once_when_a_split_moves_events(
    area, police, analyst, monkeypatch, django_capture_on_commit_callbacks
):
    screened: list[set[int]] = []
    monkeypatch.setattr(
        identification_services, "screen_people", lambda *, person_ids, **_: screened.append(set(person_ids))
    )
    record_of, _ = records_upsert(area=area, agency=police, identities=IDENTITIES)
    together = PersonFactory(area=area)
    records_link_known(links=dict.fromkeys(record_of.values(), together.pk), method=LinkMethod.DEMO, actor=None)
    events_record(
        events=[
            ServiceEvent(
                person=together, agency=police, event_type="arrest", occurred_on=dt.date(2026, 1, 2), record_ref=ref
            )
            for ref in IDENTITIES
        ],
        actor=analyst,
        reason="test",
        notify=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        apart = record_split(record=police.source_records.get(record_ref="PP2"), actor=analyst, reason="twins")
    assert ServiceEvent.objects.get(record_ref="PP2").person == apart  # the event followed its record
    assert ServiceEvent.objects.get(record_ref="PP1").person == together
    assert {together.pk, apart.pk} in screened  # both people re-screened as the split committed
