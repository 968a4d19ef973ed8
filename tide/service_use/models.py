"""The service-use ledger: dated service events per person, the fact base for everything downstream."""

from __future__ import annotations

import uuid

from django.db import models

from tide.areas.models import Agency, Area
from tide.people.models import Person
from tide.service_use import event_types

TIDE_ID_PREFIX = "tide-"


def tide_event_id() -> str:
    """An id for an event that came with none of its agency's (made by Tide, never an agency's shape)."""
    return f"{TIDE_ID_PREFIX}{uuid.uuid4().hex}"


class ServiceEvent(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="service_events")
    event_type = models.CharField(
        max_length=40, help_text="The code of an event type: shipped (event_types.py) or an area's own (EventType)."
    )
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
        return f"{self.event_type_label} on {self.occurred_on:%d %b %Y}"

    @property
    def event_type_label(self) -> str:
        return event_types.label_of(self.event_type)

    def clean(self) -> None:
        """An event's type is a shipped one or one its area has added (ADR 0017)."""
        from django.core.exceptions import ValidationError

        if self.event_type and not event_types.is_known(self.event_type):
            raise ValidationError({"event_type": f"“{self.event_type}” is not an event type Tide or the area knows."})

    @property
    def domain(self) -> event_types.Domain:
        return event_types.get(self.event_type).domain


class EventType(models.Model):
    """One kind of service event the ledger records (ADR 0017). The shipped types (``area`` empty) are loaded
    from :data:`tide.service_use.event_types.EVENT_TYPES` by a migration and stay as the code says; an area adds
    its own types (a GP refusing registration, a benefit sanction) without a code change. Codes are unique
    across Tide, so an event's code names its type without knowing the area."""

    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="event_types", help_text="Empty: shipped."
    )
    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    domain = models.CharField(max_length=20, choices=event_types.DOMAIN_CHOICES)
    unit = models.CharField(max_length=10, choices=event_types.UNIT_CHOICES, default="event")
    crisis = models.BooleanField(default=False, help_text="Unplanned or emergency contact with a service.")
    bearing_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency whose service this is, which bears its cost.",
    )
    unit_cost = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Optional: pounds per unit, for finance."
    )
    unit_cost_year = models.CharField(
        max_length=7, blank=True, help_text="The financial year the unit cost is in, e.g. 2024/25."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area_id", "label"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__in=["event", "night", "day"]), name="event_type_unit_known"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_cost__isnull=True) | ~models.Q(unit_cost_year=""),
                name="event_type_cost_has_a_year",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_local(self) -> bool:
        return self.area_id is not None

    def as_type(self) -> event_types.EventType:
        return event_types.EventType(
            self.code,
            self.label,
            event_types.Domain(self.domain),  # type: ignore[call-arg]
            self.unit,
            self.crisis,
            area_id=self.area_id,
        )
