"""Agency records as received, their soft links to people, the review queue, decisions and models."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from tide.areas.models import Agency, Area
from tide.people.models import Person


class ModelVersion(models.Model):
    """One trained version of the linkage model: its parameters, thresholds and how it was made."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="linkage_models")
    name = models.CharField(max_length=100)
    trained = models.JSONField(help_text="Splink settings with trained m/u values and the prior.")
    upper = models.FloatField(help_text="Linked automatically at or above this match probability.")
    lower = models.FloatField(help_text="Below this the records stay apart; between, a person decides.")
    placeholder_dobs = models.JSONField(default=list, blank=True)
    term_frequencies = models.JSONField(
        default=dict, blank=True, help_text="How common each first name and surname was among the training records."
    )
    trained_on = models.PositiveIntegerField(default=0, help_text="Records the parameters were estimated from.")
    note = models.TextField(blank=True)
    active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["area"], condition=models.Q(active=True), name="one_active_model_per_area"),
            models.CheckConstraint(condition=models.Q(lower__lte=models.F("upper")), name="model_lower_below_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class SourceRecord(models.Model):
    """One agency's record of one person, with the identity details exactly as the agency sent them."""

    # No single-column indexes on area and agency: the composite indexes below begin with them, and
    # every index slows a whole area's first load (see ADR 0011).
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="source_records", db_index=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="source_records", db_index=False)
    record_ref = models.CharField(max_length=64, help_text="The agency's own id for the person.")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    family_key = models.CharField(
        max_length=100, blank=True, editable=False, help_text="The family name as searched: lower case, letters only."
    )
    initials = models.CharField(max_length=5, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    first_seen_on = models.DateField(
        null=True, blank=True, help_text="The date of the record's first event: an estimated age was given then."
    )
    sex = models.CharField(max_length=1, blank=True)
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    pnc_id = models.CharField(max_length=20, blank=True, db_index=True)
    prison_number = models.CharField(max_length=10, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "record_ref"]
        constraints = [models.UniqueConstraint(fields=["agency", "record_ref"], name="source_record_unique")]
        indexes = [
            models.Index(fields=["area", "date_of_birth"]),
            models.Index(fields=["area", "family_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}:{self.record_ref}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.family_key = self.family_key_for(self.family_name)
        super().save(*args, **kwargs)

    @staticmethod
    def family_key_for(family_name: str) -> str:
        """The family name as searched: normalised as for linkage (lower case, letters only)."""
        from tide.linkage.normalise import clean_name  # pandas-heavy: not loaded with the models

        return clean_name(family_name) or ""

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip() or self.initials or "(no name)"

    def identity(self) -> dict[str, object]:
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "initials": self.initials,
            "date_of_birth": self.date_of_birth,
            "birth_year": self.birth_year,
            "estimated_age": self.estimated_age,
            "first_seen_on": self.first_seen_on,
            "postcode": self.postcode,
            "nhs_number": self.nhs_number,
            "pnc_id": self.pnc_id,
            "prison_number": self.prison_number,
        }


class LinkMethod(models.TextChoices):
    NEW = "new", "New person"
    MODEL = "model", "Linked by the model"
    BEST = "best", "Linked by the model as the likeliest person"
    REVIEW = "review", "Linked on review"
    SPLIT = "split", "Split by a person"
    UNDO = "undo", "Restored by undo"
    DEMO = "demo", "Loaded with the synthetic demo area (its ground truth)"


class PersonLink(models.Model):
    """A soft link from a source record to a person. Changes end a link and start another: history stays."""

    record = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="links")
    # Links are written a million at a time: only the lookups Tide makes are indexed (by record, and
    # by person through the index below), not every foreign key (see ADR 0011).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="source_links", db_index=False)
    method = models.CharField(max_length=10, choices=LinkMethod.choices)
    probability = models.FloatField(null=True, blank=True)
    model = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    pinned = models.BooleanField(default=False, help_text="Set by a person: linkage runs never move it.")
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=models.Q(ended_at__isnull=True), name="one_current_link_per_record"
            )
        ]
        indexes = [models.Index(fields=["person", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.record} → person {self.person_id}"

    @property
    def current(self) -> bool:
        return self.ended_at is None


class Decision(models.TextChoices):
    LINK = "link", "Same person: link"
    NO_MATCH = "no_match", "Not the same person"
    UNSURE = "unsure", "Unsure"


class MatchCandidate(models.Model):
    """A pair of records in the uncertain band, waiting for a person to compare them."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        UNSURE = "unsure", "Reviewed: unsure"
        DECIDED = "decided", "Decided"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="match_candidates")
    record_a = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    model = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="candidate_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(record_a__lt=models.F("record_b")), name="candidate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_a} ~ {self.record_b} ({self.probability:.2f})"


class PairDecision(models.Model):
    """A person's decision about two records. The latest decision for a pair is the one that counts."""

    record_a = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    record_b = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["record_a", "record_b"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(record_a__lt=models.F("record_b")), name="decision_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.record_a_id} ~ {self.record_b_id}"
