"""Accountability tables: break-glass grants, sharing choices, person accounts, inquiries, subject access."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from tide.areas.models import Agency, Area
from tide.people.models import Person


class BreakGlass(models.Model):
    """Time-limited access to one person's record without a relationship, with the reason given.

    Every grant is an alert for the area's privacy officers until one of them reviews it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(
        max_length=20,
        blank=True,
        choices=[("justified", "Justified"), ("not_justified", "Not justified: followed up")],
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "person", "expires_at"]), models.Index(fields=["reviewed_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="bg_expires_later"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="bg_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Break-glass by {self.user_id} on {self.person_id} at {self.created_at:%Y-%m-%d %H:%M}"


class SharingChoice(models.Model):
    """The person's own choice about one agency seeing their record (consent to share, or refusal)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sharing_choices")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    share = models.BooleanField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["person", "agency"], name="one_sharing_choice_per_agency")]

    def __str__(self) -> str:
        return f"{self.person_id} {'shares with' if self.share else 'does not share with'} {self.agency_id}"


class PersonAccount(models.Model):
    """Links a sign-in of role 'person' to their own record in the register."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_account")
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="account")

    def __str__(self) -> str:
        return f"Account of person {self.person_id}"


class InquiryStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted: being answered"
    DECLINED = "declined", "Declined"
    ANSWERED = "answered", "Answered"
    PUBLISHED = "published", "Published"


class Inquiry(models.Model):
    """A public request, under the right of inquiry, to know what support a person received."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="inquiries")
    reference = models.CharField(max_length=20, unique=True)
    requester_name = models.CharField(max_length=200)
    requester_email = models.EmailField()
    requester_connection = models.CharField(max_length=200, blank=True)
    subject_name = models.CharField(max_length=200)
    subject_details = models.TextField(help_text="What the requester knows that helps find the person.")
    question = models.TextField()
    received_at = models.DateTimeField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.RECEIVED)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries")
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_note = models.TextField(blank=True)
    response = models.TextField(blank=True, help_text="The full response from the record (not published).")
    answered_at = models.DateTimeField(null=True, blank=True)
    public_summary = models.TextField(blank=True, help_text="The redacted version for the published register.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "inquiries"
        indexes = [models.Index(fields=["area", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | ~models.Q(public_summary=""), name="published_has_summary"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in {InquiryStatus.RECEIVED, InquiryStatus.ACCEPTED}

    def days_left(self, today: dt.date) -> int:
        return (self.due_on - today).days


class SarStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PREPARED = "prepared", "Prepared: awaiting second approval"
    RELEASED = "released", "Approved and released"


class SubjectAccessRequest(models.Model):
    """A person's request for everything held about them (UK GDPR Art. 15): one calendar month."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_access_requests")
    received_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=SarStatus.choices, default=SarStatus.RECEIVED)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(null=True, blank=True)
    export = models.JSONField(default=dict, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("prepared_by")),
                name="sar_second_person_approves",
            ),
        ]

    def __str__(self) -> str:
        return f"SAR {self.pk} for {self.person_id}"
