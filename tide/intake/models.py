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
    first_event_on = models.DateField(null=True, blank=True, help_text="The earliest event date in the file.")
    last_event_on = models.DateField(null=True, blank=True, help_text="The latest event date in the file.")
    identity_filled = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per identity column of the format, how many of the file's rows had it filled in (not blank).",
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


class FeedSetting(models.Model):
    """How often the area expects an agency's extract: the agency is a *feed* from then on (ADR 0015).

    Made when the agency's first file is accepted (with the default cadence) or by the data lead, who
    may change it. Figures that compare periods stop where the feeds' data stop."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="feed_setting")
    expected_every_days = models.PositiveSmallIntegerField(
        default=31, help_text="A file is expected at least this often, in days (31 for a monthly extract)."
    )
    grace_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days allowed past the expected date before the feed is called late."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_every_days__gte=1, expected_every_days__lte=366),
                name="feed_expected_every_1_to_366_days",
            ),
            models.CheckConstraint(condition=models.Q(grace_days__lte=90), name="feed_grace_at_most_90_days"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: every {self.expected_every_days} days"


class FeedLapse(models.TextChoices):
    LATE = "late", "Late"
    THIN = "thin", "Thin"


class FeedAlert(models.Model):
    """A late or thin feed, raised once per lapse for the area's data leads (in Tide and by message).

    ``lapse`` names the lapse (late since the file of a given day; thin in a given month), so the daily
    routine never raises the same one twice. It is closed when the feed is healthy again."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="feed_alerts")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="feed_alerts")
    kind = models.CharField(max_length=10, choices=FeedLapse.choices)
    lapse = models.CharField(max_length=40)
    summary = models.CharField(max_length=300)
    raised_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "lapse"], name="feed_alert_once_per_lapse"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} feed: {self.agency} ({self.lapse})"


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
