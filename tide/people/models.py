"""The people register: one Person per human being, whatever the agency, with names and identifiers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from tide.areas.models import Agency, Area


class DobPrecision(models.TextChoices):
    EXACT = "exact", "Exact"
    MONTH = "month", "Month and year known"
    YEAR = "year", "Year known"
    ESTIMATED = "estimated", "Estimated"


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2021 Census ethnic groups (England and Wales): 19 categories in census order, plus not stated."""

    WHITE_BRITISH = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "W2", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "W3", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "W4", "White: Roma"
    WHITE_OTHER = "W5", "White: Other White"
    MIXED_WHITE_ASIAN = "M1", "Mixed: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "M2", "Mixed: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = "M3", "Mixed: White and Black Caribbean"
    MIXED_OTHER = "M4", "Mixed: Other Mixed or Multiple ethnic groups"
    ASIAN_BANGLADESHI = "A1", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "A2", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "A3", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "A4", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "A5", "Asian or Asian British: Other Asian"
    BLACK_AFRICAN = "B1", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "B2", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "B3", "Black, Black British, Caribbean or African: Other Black"
    ARAB = "O1", "Other ethnic group: Arab"
    OTHER = "O2", "Other ethnic group: Any other ethnic group"
    NOT_STATED = "Z", "Not stated"


class Person(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="people")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    known_as = models.CharField(max_length=100, blank=True, help_text="The name the person likes to be called.")
    date_of_birth = models.DateField(null=True, blank=True)
    dob_precision = models.CharField(max_length=10, choices=DobPrecision.choices, default=DobPrecision.EXACT)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(max_length=60, blank=True, help_text="In the person's own words.")
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address_line = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    died_on = models.DateField(null=True, blank=True)
    search_name = models.CharField(max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["area", "family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(given_name="", family_name="", known_as=""), name="person_has_a_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def initials(self) -> str:
        """Initials alone ("M. O."), for lists that must not name someone to a reader without need-to-know."""
        parts = [self.given_name or self.known_as, self.family_name]
        return " ".join(f"{part[0].upper()}." for part in parts if part) or "?"

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        if self.known_as and self.known_as.lower() != self.given_name.lower():
            return f"{name} (known as {self.known_as})" if name else self.known_as
        return name or self.known_as

    @property
    def contact_preference_or_none(self) -> ContactPreference | None:
        """The safe-contact preference, or None when none is recorded."""
        try:
            return self.contact_preference  # type: ignore[no-any-return]
        except ContactPreference.DoesNotExist:
            return None

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class AliasKind(models.TextChoices):
    ALIAS = "alias", "Alias"
    PREVIOUS = "previous", "Previous name"
    NICKNAME = "nickname", "Nickname"


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=AliasKind.choices, default=AliasKind.ALIAS)

    class Meta:
        verbose_name_plural = "person aliases"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class IdentifierKind(models.TextChoices):
    NHS = "nhs", "NHS number"
    PNC = "pnc", "Police National Computer ID"
    PRISON = "prison", "Prison number"
    LOCAL = "local", "Agency's own ID"


class PersonIdentifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    value = models.CharField(max_length=64)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For an agency's own ID: which agency issued it.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["value"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"], condition=models.Q(agency__isnull=True), name="national_identifier_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "agency", "value"],
                condition=models.Q(agency__isnull=False),
                name="local_identifier_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="local", agency__isnull=False)
                | (~models.Q(kind="local") & models.Q(agency__isnull=True)),
                name="local_identifier_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class NameKey(models.Model):
    """Phonetic keys of every name a person is known by: the misspelling-tolerant search index."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["key", "person"])]
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="name_key_unique")]

    def __str__(self) -> str:
        return self.key


class ContactChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    NONE = "none", "No messages: only in person or through their coordinator"


class ContactPreference(models.Model):
    """How Tide may send a message to the person (safe contact). Some people live with an abuser or
    share a phone: every message honours these (``tide.messages.services.message_send``)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="contact_preference")
    channel = models.CharField(max_length=10, choices=ContactChannel.choices, default=ContactChannel.EMAIL)
    never_text = models.BooleanField(default=False, help_text="Never send a text message, whatever the channel.")
    may_say_from = models.BooleanField(
        default=False, help_text="A message may say it comes from Tide or the service (off: a plain message)."
    )
    safe_from = models.TimeField(null=True, blank=True, help_text="Send only from this time of day.")
    safe_until = models.TimeField(null=True, blank=True, help_text="Send only until this time of day.")
    note = models.CharField(max_length=300, blank=True, help_text="Anything else a sender must know.")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(safe_from__isnull=True) & models.Q(safe_until__isnull=True))
                | (models.Q(safe_from__isnull=False) & models.Q(safe_until__isnull=False)),
                name="contact_safe_times_both_or_neither",
            ),
            models.CheckConstraint(
                condition=~(models.Q(channel="sms") & models.Q(never_text=True)),
                name="contact_never_text_not_by_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Contact preference of person {self.person_id}"

    def is_safe_time(self, moment: dt.time) -> bool:
        """Whether ``moment`` (local time) is within the safe window; a window may pass midnight."""
        if self.safe_from is None or self.safe_until is None:
            return True
        if self.safe_from <= self.safe_until:
            return self.safe_from <= moment < self.safe_until
        return moment >= self.safe_from or moment < self.safe_until


class RiskKind(models.TextChoices):
    DO_NOT_VISIT_ALONE = "not_alone", "Do not visit alone"
    VIOLENCE_TO_STAFF = "violence_to_staff", "Violence towards staff"
    RISK_TO_SELF = "risk_to_self", "Risk to self"
    RISK_FROM_OTHERS = "risk_from_others", "Risk from others"
    OTHER = "other", "Other"


class RiskMarker(models.Model):
    """A risk or safety marker staff must know before meeting the person ("do not visit alone").

    Shown prominently to everyone with a reason to see the person, never to others. Reviewed by a date;
    ended markers are kept as history, never deleted (ADR 0032)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_markers")
    kind = models.CharField(max_length=20, choices=RiskKind.choices)
    other_kind = models.CharField(max_length=100, blank=True, help_text="What the risk is, when the kind is Other.")
    reason = models.TextField(max_length=2000, help_text="Why: what happened, and what staff should do.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_on = models.DateField()
    review_on = models.DateField()
    reviewed_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(max_length=2000, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ended_on", "-set_on", "-id"]
        indexes = [models.Index(fields=["person", "ended_on"]), models.Index(fields=["ended_on", "review_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(review_on__gte=models.F("set_on")), name="risk_review_after_set"),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | ~models.Q(end_reason=""), name="risk_end_has_reason"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="other") | ~models.Q(other_kind=""), name="risk_other_is_named"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.other_kind if self.kind == RiskKind.OTHER else self.get_kind_display()

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def review_overdue(self, today: dt.date) -> bool:
        return self.is_active and self.review_on < today
