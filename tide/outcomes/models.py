"""Outcomes: the agreed framework (versioned, with who agreed each change) and recorded statuses."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tide.areas.models import Area
from tide.outcomes.catalogue import STATUS_KINDS
from tide.people.models import Person


class FrameworkVersion(models.Model):
    """One agreed version of an area's outcomes framework. A change is a new version, never an edit."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="outcome_frameworks")
    number = models.PositiveIntegerField()
    measures = models.JSONField(help_text="Codes of the measures in the framework (see tide.outcomes.catalogue).")
    baseline_quarters = models.PositiveSmallIntegerField(default=4)
    follow_up_quarters = models.PositiveSmallIntegerField(default=8)
    change_summary = models.TextField(help_text="What changed from the previous version, and why.")
    agreed_by = models.TextField(help_text="Who agreed this version: the board, panel or people, by name or role.")
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["area", "number"], name="framework_version_unique"),
            models.CheckConstraint(
                condition=models.Q(baseline_quarters__gte=1, baseline_quarters__lte=8), name="framework_baseline_1_8"
            ),
            models.CheckConstraint(
                condition=models.Q(follow_up_quarters__gte=1, follow_up_quarters__lte=16),
                name="framework_follow_up_1_16",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcomes framework version {self.number}"


STATUS_KIND_CHOICES = [(kind, label) for kind, (label, _) in STATUS_KINDS.items()]
STATUS_VALUE_CHOICES = sorted({pair for _, (_, values) in STATUS_KINDS.items() for pair in values})


class OutcomeStatus(models.Model):
    """A status recorded on a date (housing situation, treatment, family contact); it holds until the next."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="outcome_statuses")
    kind = models.CharField(max_length=20, choices=STATUS_KIND_CHOICES)
    value = models.CharField(max_length=30, choices=STATUS_VALUE_CHOICES)
    recorded_on = models.DateField()
    in_their_words = models.TextField(blank=True, help_text="What the person said about it, in their words.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "kind", "recorded_on", "id"]
        verbose_name_plural = "outcome statuses"
        indexes = [models.Index(fields=["person", "kind", "recorded_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    *[
                        models.Q(kind=kind, value__in=[v for v, _ in values])
                        for kind, (_, values) in STATUS_KINDS.items()
                    ],
                    _connector=models.Q.OR,
                ),
                name="outcome_status_value_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_value_display()} on {self.recorded_on:%d %b %Y}"
