"""Writes to the ledger. Every path that adds events goes through :func:`events_record`, and every path that
moves them to another person through :func:`events_move`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from tide.core.audit import audit_record
from tide.people.models import Person
from tide.service_use import event_types, hooks
from tide.service_use.audit_actions import LEDGER_EVENTS_MOVED, LEDGER_EVENTS_RECORDED
from tide.service_use.models import ServiceEvent


@transaction.atomic
def events_record(
    *, events: Sequence[ServiceEvent], actor: Any, reason: str, notify: bool = True
) -> list[ServiceEvent]:
    """Add events to the ledger in one transaction, with one audit row; listeners hear after commit."""
    for event in events:
        event_types.get(event.event_type)  # KeyError names an unknown code before anything is written
    created = ServiceEvent.objects.bulk_create(events, batch_size=5000)
    audit_record(actor=actor, action=LEDGER_EVENTS_RECORDED, reason=reason, detail={"count": len(created)})
    if notify:
        ids = [e.pk for e in created]
        transaction.on_commit(lambda: hooks.events_recorded(ids))
    return created


@transaction.atomic
def events_move(*, agency_id: int, record_ref: str, person: Person, actor: Any, reason: str) -> int:
    """Move the events an agency sent about one of its records (``record_ref``) to ``person``, with one
    audit row; listeners hear, after commit, whose events changed (the people they left and ``person``).
    Returns how many events moved."""
    moving = ServiceEvent.objects.filter(agency_id=agency_id, record_ref=record_ref).exclude(person=person)
    left = set(moving.values_list("person_id", flat=True).distinct())
    if not record_ref or not left:
        return 0
    moved = moving.update(person=person)
    audit_record(
        actor=actor,
        action=LEDGER_EVENTS_MOVED,
        target=person,
        person_id=person.pk,
        reason=reason,
        detail={"count": moved, "agency": agency_id, "record_ref": record_ref, "from_people": sorted(left)},
    )
    changed = sorted(left | {person.pk})
    transaction.on_commit(lambda: hooks.events_moved(changed))
    return moved
