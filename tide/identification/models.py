"""Identification: NDT assessments and alerts (definitions, screening and the by-name list build on these)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tide.people.models import Person
from tide.service_use.models import ServiceEvent

NDT_ITEMS = (
    "engagement",
    "intentional_self_harm",
    "unintentional_self_harm",
    "risk_to_others",
    "risk_from_others",
    "stress_anxiety",
    "social_effectiveness",
    "substance_misuse",
    "impulse_control",
    "housing",
)


class NdtAssessment(models.Model):
    """One NDT assessment (New Directions Team; © South West London and St George's MH NHS Trust).

    Each item is rated on the past month; ``None`` means not rated. The two risk items are double
    weighted (0, 2, 4, 6, 8). ``total`` exists only when all ten items are rated.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ndt_assessments")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    engagement = models.PositiveSmallIntegerField(null=True, blank=True)
    intentional_self_harm = models.PositiveSmallIntegerField(null=True, blank=True)
    unintentional_self_harm = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_to_others = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_from_others = models.PositiveSmallIntegerField(null=True, blank=True)
    stress_anxiety = models.PositiveSmallIntegerField(null=True, blank=True)
    social_effectiveness = models.PositiveSmallIntegerField(null=True, blank=True)
    substance_misuse = models.PositiveSmallIntegerField(null=True, blank=True)
    impulse_control = models.PositiveSmallIntegerField(null=True, blank=True)
    housing = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "assessed_on", "id"]
        indexes = [models.Index(fields=["person", "assessed_on"])]

    def __str__(self) -> str:
        return f"NDT {self.assessed_on:%d %b %Y}: {self.total if self.total is not None else 'incomplete'}"


class Alert(models.Model):
    """A chance to reach someone: a new event for a person who meets, or nearly meets, a definition."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alerts")
    event = models.ForeignKey(ServiceEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    agency = models.ForeignKey("areas.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=60)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "seen_at"]), models.Index(fields=["agency", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.person_id}"
