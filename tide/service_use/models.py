"""The service-use ledger: dated service events per person, the fact base for everything downstream."""

from __future__ import annotations

import uuid

from django.db import models

from tide.areas.models import Agency
from tide.people.models import Person
from tide.service_use import event_types

TIDE_ID_PREFIX = "tide-"


def tide_event_id() -> str:
    """An id for an event that came with none of its agency's (made by Tide, never an agency's shape)."""
    return f"{TIDE_ID_PREFIX}{uuid.uuid4().hex}"


class ServiceEvent(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="service_events")
    event_type = models.CharField(max_length=40, choices=event_types.CHOICES)
    occurred_on = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="service_events")
    event_id = models.CharField(
        max_length=100,
        default=tide_event_id,
        help_text="The agency's own id for the event, as in its extract: unique per agency, so an event sent "
        "again is recognised (ADR 0014). Events no agency numbered get a Tide-made id starting 'tide-'.",
    )
    record_ref = models.CharField(
        max_length=64,
        blank=True,
        help_text="The agency's own id for the person the event is about, as in its extract: the event follows "
        "that agency record when linkage moves it to another person (events_move).",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["person", "occurred_on"]),
            models.Index(fields=["event_type", "occurred_on"]),
            models.Index(fields=["agency", "record_ref"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agency", "event_id"], name="one_event_per_agency_event_id"),
            models.CheckConstraint(condition=~models.Q(event_id=""), name="event_has_an_event_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} on {self.occurred_on:%d %b %Y}"

    @property
    def domain(self) -> event_types.Domain:
        return event_types.get(self.event_type).domain
