"""Writes to the ledger. Every path that adds events goes through :func:`events_record`, and every path that
moves them to another person through :func:`events_move`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from tide.areas.models import Agency, Area
from tide.core.audit import audit_record
from tide.people.models import Person
from tide.service_use import event_types, hooks
from tide.service_use.audit_actions import (
    LEDGER_EVENT_TYPE_ADDED,
    LEDGER_EVENT_TYPE_CHANGED,
    LEDGER_EVENTS_MOVED,
    LEDGER_EVENTS_RECORDED,
)
from tide.service_use.models import EventType, ServiceEvent
from tide.service_use.selectors import event_types_forget

FINANCIAL_YEAR = re.compile(r"(\d{4})/(\d{2})")


@transaction.atomic
def events_record(
    *, events: Sequence[ServiceEvent], actor: Any, reason: str, notify: bool = True
) -> list[ServiceEvent]:
    """Add events to the ledger in one transaction, with one audit row; listeners hear after commit."""
    for code in {event.event_type for event in events}:
        event_types.get(code)  # KeyError names an unknown code (shipped or area's own) before anything is written
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


def _check_cost_year(unit_cost: Decimal | None, year: str) -> None:
    if unit_cost is None:
        return
    match = FINANCIAL_YEAR.fullmatch(year)
    if not match:
        raise ValidationError({"unit_cost_year": "Enter the financial year of the unit cost, like 2024/25."})
    if (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValidationError({"unit_cost_year": "The second year must follow the first, like 2024/25."})


@transaction.atomic
def event_type_save(
    *,
    area: Area,
    actor: Any,
    label: str,
    domain: str,
    unit: str,
    crisis: bool,
    bearing_agency: Agency | None,
    unit_cost: Decimal | None = None,
    unit_cost_year: str = "",
    code: str = "",
    event_type: EventType | None = None,
) -> EventType:
    """Add an area's own event type (``code`` given) or change one of its own (``event_type`` given).
    The shipped types cannot be changed here, and a code never changes once events may carry it."""
    if event_type is None:
        if code in event_types.BY_CODE or EventType.objects.filter(code=code).exists():
            raise ValidationError({"code": "That code is already taken by another event type; choose another."})
        event_type = EventType(area=area, code=code)
    elif event_type.area_id != area.pk:
        raise ValidationError("Only an area's own event types can be changed, by that area.")
    if bearing_agency is not None and bearing_agency.area_id != area.pk:
        raise ValidationError({"bearing_agency": "Choose one of your area's agencies."})
    _check_cost_year(unit_cost, unit_cost_year)
    adding = event_type.pk is None
    event_type.label, event_type.domain, event_type.unit, event_type.crisis = label.strip(), domain, unit, crisis
    event_type.bearing_agency = bearing_agency
    event_type.unit_cost = unit_cost
    event_type.unit_cost_year = unit_cost_year if unit_cost is not None else ""
    event_type.full_clean()
    event_type.save()
    audit_record(
        actor=actor,
        action=LEDGER_EVENT_TYPE_ADDED if adding else LEDGER_EVENT_TYPE_CHANGED,
        target=event_type,
        detail={
            "code": event_type.code,
            "label": event_type.label,
            "crisis": crisis,
            "unit_cost": str(unit_cost or ""),
        },
    )
    transaction.on_commit(event_types_forget)
    event_types_forget()
    return event_type
