"""The local area, its partnership, its agencies (tenants), staff and information-sharing agreements."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from tide.core.fields import EncryptedCharField


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    PRACTITIONER = "practitioner", "Agency practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    ACCOUNTABLE_OFFICER = "accountable_officer", "Accountable officer"
    COMMISSIONER = "commissioner", "Commissioner"
    PRIVACY_OFFICER = "privacy_officer", "Privacy officer"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"
    PERSON = "person", "Person supported"


STAFF_ROLES = frozenset(r.value for r in Role if r is not Role.PERSON)
FRONTLINE_ROLES = frozenset({Role.COORDINATOR, Role.PRACTITIONER, Role.TEAM_MANAGER})


class Sector(models.TextChoices):
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    NHS_ACUTE = "nhs_acute", "NHS acute / A&E"
    AMBULANCE = "ambulance", "Ambulance"
    MENTAL_HEALTH = "mental_health", "Mental health"
    DRUG_ALCOHOL = "drug_alcohol", "Drug and alcohol"
    HOUSING = "housing", "Housing and homelessness"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    DWP = "dwp", "DWP"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class Area(models.Model):
    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=50, unique=True)
    accountable_officer = models.ForeignKey(
        "areas.User", null=True, blank=True, on_delete=models.PROTECT, related_name="accountable_for"
    )
    caseload_limit = models.PositiveSmallIntegerField(
        default=15, help_text="Most people one coordinator should hold (MEAM guidance: not above 1:15)."
    )
    caseload_limit_is_hard = models.BooleanField(
        default=False, help_text="Refuse allocations past the limit instead of warning."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="partnership")
    name = models.CharField(max_length=200)
    vision = models.TextField(blank=True)
    lived_experience_role = models.TextField(
        blank=True, help_text="How people with lived experience take part in running the partnership."
    )
    agencies = models.ManyToManyField("areas.Agency", blank=True, related_name="partnerships")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=50)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    active = models.BooleanField(default=True)
    phone = models.CharField(
        max_length=40, blank=True, help_text="The team's number, for people supported when their worker is away."
    )
    hours = models.CharField(max_length=200, blank=True, help_text="When the team answers, for example 8am to 8pm.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="agency_code_unique_in_area")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff of an agency, or a person supported who signs in to see their own record."""

    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="Who overdue actions escalate to first.",
    )
    phone = models.CharField(max_length=40, blank=True)
    working_hours = models.CharField(
        max_length=200, blank=True, help_text="When people can reach them, for example Monday to Friday, 9am to 5pm."
    )
    totp_secret = EncryptedCharField(
        max_length=255,
        blank=True,
        help_text="Base32 secret of the authenticator app (second sign-in factor), encrypted at rest.",
    )
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_counter = models.BigIntegerField(
        null=True, blank=True, help_text="Time step of the last code accepted: a code is never accepted twice."
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="person") | models.Q(agency__isnull=True), name="person_user_has_no_agency"
            ),
        ]

    @property
    def role_label(self) -> str:
        return self.get_role_display() if self.role else ""

    @property
    def is_person_supported(self) -> bool:
        return self.role == Role.PERSON

    @property
    def needs_second_factor(self) -> bool:
        """Every member of staff signs in with an authenticator code; people supported may choose to."""
        return self.role != Role.PERSON or bool(self.totp_confirmed_at)


class SignInAttempt(models.Model):
    """One attempt to sign in (password or code), the facts the throttle counts."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    stage = models.CharField(max_length=10, choices=[("password", "Password"), ("code", "Authenticator code")])
    succeeded = models.BooleanField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["ip_address", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {'ok' if self.succeeded else 'failed'} at {self.at:%Y-%m-%d %H:%M}"


class InformationSharingAgreement(models.Model):
    """The agencies that may share personal data for a purpose, under a lawful basis, for a period."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sharing_agreements")
    name = models.CharField(max_length=200)
    purpose = models.TextField()
    lawful_basis = models.CharField(
        max_length=300, help_text="UK GDPR Art. 6 basis and the Art. 9/10 condition (DPA 2018 Sch. 1)."
    )
    agencies = models.ManyToManyField(Agency, related_name="sharing_agreements")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="isa_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name
