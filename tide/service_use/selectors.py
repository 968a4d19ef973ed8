from __future__ import annotations

from typing import Any

from tide.core.timeline import Entry
from tide.service_use import event_types
from tide.service_use.event_types import Domain
from tide.service_use.models import TIDE_ID_PREFIX, ServiceEvent

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
