"""Writes to the ledger. Every path that adds events goes through :func:`events_record`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from tide.core.audit import audit_record
from tide.service_use import event_types, hooks
from tide.service_use.models import ServiceEvent


@transaction.atomic
def events_record(
    *, events: Sequence[ServiceEvent], actor: Any, reason: str, notify: bool = True
) -> list[ServiceEvent]:
    """Add events to the ledger in one transaction, with one audit row; listeners hear after commit."""
    for event in events:
        event_types.get(event.event_type)  # KeyError names an unknown code before anything is written
    created = ServiceEvent.objects.bulk_create(events, batch_size=5000)
    audit_record(actor=actor, action="ledger.events_recorded", reason=reason, detail={"count": len(created)})
    if notify:
        ids = [e.pk for e in created]
        transaction.on_commit(lambda: hooks.events_recorded(ids))
    return created
