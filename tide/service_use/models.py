"""The service-use ledger: dated service events per person, the fact base for everything downstream."""

from __future__ import annotations

from django.db import models

from tide.areas.models import Agency
from tide.people.models import Person
from tide.service_use import event_types


class ServiceEvent(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="service_events")
    event_type = models.CharField(max_length=40, choices=event_types.CHOICES)
    occurred_on = models.DateField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="service_events")
    source_ref = models.CharField(max_length=100, blank=True, help_text="The agency's own record reference.")
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
            models.Index(fields=["agency", "source_ref"]),
            models.Index(fields=["agency", "record_ref"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} on {self.occurred_on:%d %b %Y}"

    @property
    def domain(self) -> event_types.Domain:
        return event_types.get(self.event_type).domain
