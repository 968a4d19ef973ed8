from __future__ import annotations

import time
from typing import Any

from django.db import DatabaseError
from django.db.models import QuerySet

from tide.core.timeline import Entry
from tide.service_use import event_types
from tide.service_use.event_types import Domain
from tide.service_use.models import TIDE_ID_PREFIX, EventType, ServiceEvent

CACHE_SECONDS = 30.0
_cache: dict[str, event_types.EventType | None] = {}
_cache_since = [0.0]


def event_types_forget() -> None:
    """Drop the looked-up area types (the service that saves a type calls this)."""
    _cache.clear()
    _cache_since[0] = time.monotonic()


def event_type_lookup(code: str) -> event_types.EventType | None:
    """An area's event type by code, for :func:`event_types.get` (shipped codes never reach here). Kept for
    ``CACHE_SECONDS`` so a page that labels thousands of events asks the database once per code."""
    if time.monotonic() - _cache_since[0] > CACHE_SECONDS:
        event_types_forget()
    if code not in _cache:
        try:
            row = EventType.objects.filter(code=code).first()
        except DatabaseError:  # the table is not there yet (during migrations)
            return None
        _cache[code] = row.as_type() if row is not None else None
    return _cache[code]


def crisis_codes() -> frozenset[str]:
    """Crisis use: the shipped crisis types and every area type flagged as crisis."""
    local = EventType.objects.filter(area__isnull=False, crisis=True).values_list("code", flat=True)
    return event_types.CRISIS | frozenset(local)


def event_types_for(*, area_id: int | None) -> list[event_types.EventType]:
    """The types an area's ledger may hold: the shipped ones in their order, then the area's own by label."""
    local = EventType.objects.filter(area_id=area_id).order_by("label") if area_id else EventType.objects.none()
    return list(event_types.EVENT_TYPES) + [t.as_type() for t in local]


def event_type_choices(*, area_id: int | None) -> list[tuple[str, str]]:
    return [(t.code, t.label) for t in event_types_for(area_id=area_id)]


def local_event_types(*, area_id: int | None) -> QuerySet[EventType]:
    return EventType.objects.filter(area_id=area_id or 0).select_related("bearing_agency").order_by("label")


def local_event_type_get(*, area_id: int | None, code: str) -> EventType | None:
    return EventType.objects.filter(area_id=area_id, code=code).first() if area_id else None


SENSITIVITY = {
    Domain.MENTAL_HEALTH: "health",
    Domain.SUBSTANCE: "health",
    Domain.HEALTH: "health",
    Domain.OFFENDING: "criminal",
}


def events_for_person(*, person: Any, limit: int = 500) -> list[ServiceEvent]:
    return list(
        ServiceEvent.objects.filter(person=person).select_related("agency").order_by("-occurred_on", "-id")[:limit]
    )


def timeline_entries(person: Any, user: Any) -> list[Entry]:
    entries = []
    for event in events_for_person(person=person, limit=200):
        kind = event_types.get(event.event_type)
        entries.append(
            Entry(
                on=event.occurred_on,
                title=kind.label,
                kind="service event",
                source=event.agency.name,
                detail="" if event.event_id.startswith(TIDE_ID_PREFIX) else f"Reference {event.event_id}",
                sensitive=SENSITIVITY.get(kind.domain, ""),
                tags=(kind.domain.value,),
            )
        )
    return entries
