"""Coordinated support. ``SupportEpisode`` is the contract later rooms read: who is on the coordinated
caseload, from when, until when, and how they left."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tide.people.models import Person


class ExitDestination(models.TextChoices):
    MOVED_ON_SUPPORT = "moved_on_support", "Moved to other support"
    NO_LONGER_NEEDS = "no_longer_needs", "No longer needs support"
    DISENGAGED = "disengaged", "Disengaged"
    PRISON = "prison", "Prison"
    HOSPITAL = "hospital", "Hospital"
    DIED = "died", "Died"
    MOVED_OUT = "moved_out", "Moved out of area"
    EXCLUDED = "excluded", "Excluded"
    OTHER = "other", "Other"


class SupportEpisode(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_episodes")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="support_episodes"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    exit_destination = models.CharField(max_length=30, choices=ExitDestination.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["person", "started_on"]), models.Index(fields=["coordinator", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="episode_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | ~models.Q(exit_destination=""),
                name="episode_end_has_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"Support for {self.person_id} from {self.started_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
