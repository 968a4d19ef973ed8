"""Agency extract formats (as data), accepted files with their provenance, and agency API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tide.areas.models import Agency, Area
from tide.linkage.models import SourceRecord


class ExtractFormat(models.Model):
    """The declared layout of one agency's extract: columns, types, rules and event-type mapping.

    ``code`` matches the agency's code; ``spec`` is the JSON declaration checked by
    :func:`tide.intake.validation.check_format`. Shipped formats live in ``tide/intake/formats/``.
    """

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    spec = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def columns(self) -> list[dict]:
        return list(self.spec.get("columns", []))


class Channel(models.TextChoices):
    UPLOAD = "upload", "Web upload"
    API = "api", "JSON API"
    COMMAND = "command", "Command line"


class ExtractFile(models.Model):
    """An accepted extract and where it came from. Refused files leave no row here."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="extract_files")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="extract_files")
    format = models.ForeignKey(ExtractFormat, on_delete=models.PROTECT, related_name="files")
    format_version = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField()
    record_count = models.PositiveIntegerField(default=0, help_text="Distinct agency records in the file.")
    new_record_count = models.PositiveIntegerField(default=0, help_text="Records Tide had not seen before.")
    event_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(
        default=0, help_text="Events of the file left out because Tide had already received them (ADR 0014)."
    )
    events_by_type = models.JSONField(default=dict, blank=True, help_text="Events recorded, by event type.")
    person_ids = models.JSONField(
        default=list, blank=True, help_text="The people the file's events were recorded for, when it was taken in."
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "sha256"], name="extract_file_not_repeated")]

    def __str__(self) -> str:
        return f"{self.filename} from {self.agency}"


class NewRecord(models.Model):
    """An agency record that first reached Tide in this file: its provenance. Intake, which sits above
    linkage, keeps it; linkage's records do not point up at the files that brought them."""

    file = models.ForeignKey(ExtractFile, on_delete=models.PROTECT, related_name="new_records")
    record = models.OneToOneField(SourceRecord, on_delete=models.PROTECT, related_name="first_file_entry")

    def __str__(self) -> str:
        return f"{self.record_id} first in {self.file_id}"


class AgencyToken(models.Model):
    """A secret an agency system presents to the JSON API. Only its SHA-256 is stored."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens")
    label = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.agency})"
