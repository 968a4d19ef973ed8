"""The outbox: one row per email or text message Tide sends, with its delivery status."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tide.areas.models import Area
from tide.core.fields import EncryptedCharField, EncryptedTextField
from tide.people.models import Person


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Waiting to try again"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    WITHHELD = "withheld", "Not sent"


OPEN_STATUSES = frozenset({Status.QUEUED, Status.SENDING, Status.RETRYING})


class Message(models.Model):
    """What was sent, to whom, when and with what result. The address and the personalisation are
    encrypted at rest; the body is rendered from the kind's template at sending time, never stored."""

    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to_address = EncryptedCharField(max_length=800, blank=True)
    to_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    personalisation = EncryptedTextField(blank=True, default="")
    subject = models.CharField(max_length=200, blank=True, help_text="Never holds personal details.")
    about = models.CharField(max_length=100, blank=True, help_text="What it is about, e.g. 'accountability.inquiry:7'.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was not sent, in plain English.")
    backend = models.CharField(max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    not_before = models.DateTimeField(null=True, blank=True, help_text="Held until then (the person's safe times).")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a sender last took it to send.")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "status", "created_at"]), models.Index(fields=["about"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="withheld") | ~models.Q(reason=""), name="message_withheld_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.get_channel_display().lower()}"

    def get_kind_display(self) -> str:
        from tide.messages.kinds import KINDS

        kind = KINDS.get(self.kind)
        return kind.title if kind else self.kind

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StaffChoice(models.Model):
    """A member of staff's choice for one kind of message: by email, or only seen in Tide."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    by_email = models.BooleanField(default=True)
    set_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_staff_choice_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {'email' if self.by_email else 'in Tide only'}"
