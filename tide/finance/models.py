"""Finance tables: unit cost editions and lines, deflator series, the price map, pooled budget
scenarios, the outcome payment rate card and claims. Fiscal, economic and social values are kept in
separate columns and are never added together."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from tide.areas.models import Area
from tide.people.models import Person


class Rag(models.TextChoices):
    GREEN = "G", "Good (green)"
    AMBER = "A", "Some uncertainty (amber)"
    RED = "R", "Low confidence (red)"


class CostEdition(models.Model):
    """A set of unit costs: a published edition (shared by every area) or an area's own local costs."""

    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE, related_name="cost_editions")
    name = models.CharField(max_length=200)
    licence = models.CharField(max_length=100, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    is_local = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["is_local", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["sha256"], condition=~models.Q(sha256=""), name="cost_edition_file_once")
        ]

    def __str__(self) -> str:
        return self.name


class UnitCost(models.Model):
    edition = models.ForeignKey(CostEdition, on_delete=models.CASCADE, related_name="costs")
    theme = models.CharField(max_length=100, blank=True)
    outcome_category = models.CharField(max_length=100, blank=True)
    outcome_detail = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=30, blank=True)
    detail = models.TextField()
    unit = models.CharField(max_length=100, blank=True)
    agency_level_1 = models.CharField(max_length=100, blank=True)
    agency_level_2 = models.CharField(max_length=100, blank=True)
    fiscal_cost = models.DecimalField(null=True, blank=True, max_digits=18, decimal_places=6)
    fiscal_price_year = models.CharField(max_length=7, blank=True)
    economic_value = models.DecimalField(null=True, blank=True, max_digits=18, decimal_places=6)
    economic_price_year = models.CharField(max_length=7, blank=True)
    social_value = models.DecimalField(null=True, blank=True, max_digits=18, decimal_places=6)
    social_price_year = models.CharField(max_length=7, blank=True)
    source = models.TextField(blank=True)
    rag = models.CharField(max_length=1, choices=Rag.choices, blank=True)

    class Meta:
        ordering = ["edition", "id"]
        indexes = [models.Index(fields=["edition", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fiscal_cost__isnull=True) | ~models.Q(fiscal_price_year=""),
                name="unit_cost_fiscal_has_year",
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_cost__isnull=True) | models.Q(fiscal_cost__gte=0),
                name="unit_cost_fiscal_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.detail}".strip()


class DeflatorSeries(models.Model):
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    active = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name_plural = "deflator series"
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_deflator_series"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DeflatorYear(models.Model):
    series = models.ForeignKey(DeflatorSeries, on_delete=models.CASCADE, related_name="years")
    financial_year = models.CharField(max_length=7)
    index = models.DecimalField(max_digits=18, decimal_places=8)
    forecast = models.BooleanField(default=False)

    class Meta:
        ordering = ["series", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["series", "financial_year"], name="deflator_year_once"),
            models.CheckConstraint(condition=models.Q(index__gt=0), name="deflator_index_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year}: {self.index}"


class PriceRule(models.Model):
    """One line of the price map: an event of this type costs multiplier ÷ divisor of this unit cost."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="price_rules")
    event_type = models.CharField(max_length=40, help_text="A shipped event type's code or the area's own.")
    unit_cost = models.ForeignKey(UnitCost, on_delete=models.PROTECT, related_name="price_rules")
    multiplier = models.DecimalField(max_digits=12, decimal_places=4, default=1)
    divisor = models.DecimalField(max_digits=12, decimal_places=4, default=1)
    note = models.TextField(blank=True, help_text="Why this cost line and this fraction.")
    bearer_level_1 = models.CharField(
        max_length=100, blank=True, help_text="Who bears this cost locally, when not the cost line's agency."
    )
    bearer_level_2 = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area", "event_type", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(divisor__gt=0), name="price_rule_divisor_positive"),
            models.CheckConstraint(condition=models.Q(multiplier__gte=0), name="price_rule_multiplier_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.unit_cost}"


class PoolMethod(models.TextChoices):
    FIXED = "fixed", "Fixed shares"
    SAVINGS = "savings", "In proportion to expected savings"


class PoolScenario(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="pool_scenarios")
    name = models.CharField(max_length=120)
    method = models.CharField(max_length=10, choices=PoolMethod.choices)
    budget = models.DecimalField(max_digits=14, decimal_places=2)
    shares = models.JSONField(default=dict, blank=True, help_text="Bearing agency -> percentage (fixed shares).")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="pool_scenario_name_once"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="pool_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class EvidenceKind(models.TextChoices):
    ACCOMMODATION = "accommodation_sustained", "Accommodation sustained for a number of months"
    ROUGH_SLEEPING = "rough_sleeping_reduced", "Nights sleeping rough reduced in the first year"
    TREATMENT = "treatment_engagement", "Engaged with drug and alcohol treatment"


class PaymentTerms(models.Model):
    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="payment_terms")
    cap_per_person = models.DecimalField(max_digits=12, decimal_places=2, default=15000)
    ndt_reference = models.PositiveSmallIntegerField(
        default=30, help_text="Baseline NDT total paid at the plain tariff; higher need is paid more."
    )

    class Meta:
        verbose_name_plural = "payment terms"

    def __str__(self) -> str:
        return f"Payment terms for {self.area_id}"


class OutcomeRate(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="outcome_rates")
    code = models.SlugField(max_length=50)
    label = models.CharField(max_length=200)
    evidence = models.CharField(max_length=40, choices=EvidenceKind.choices)
    months = models.PositiveSmallIntegerField(default=0)
    tariff = models.DecimalField(max_digits=12, decimal_places=2)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["area", "evidence", "months", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="outcome_rate_code_once"),
            models.CheckConstraint(condition=models.Q(tariff__gte=0), name="outcome_tariff_not_negative"),
        ]

    def __str__(self) -> str:
        return self.label


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class OutcomeClaim(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="outcome_claims")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="outcome_claims")
    rate = models.ForeignKey(OutcomeRate, on_delete=models.PROTECT, related_name="claims")
    achieved_on = models.DateField()
    evidence = models.TextField()
    baseline_ndt = models.PositiveSmallIntegerField(null=True, blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=4)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    derivation = models.TextField()
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rate"], condition=~models.Q(status="rejected"), name="one_live_claim_per_outcome"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="claim_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.rate} for {self.person_id}"


class ServiceCostCategory(models.TextChoices):
    STAFF = "staff", "Staff"
    OVERHEADS = "overheads", "Overheads"
    OTHER = "other", "Other running costs"


class ServiceCost(models.Model):
    """What the coordinated service costs in one financial year: staff, overheads, other."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="service_costs")
    financial_year = models.CharField(max_length=7)
    category = models.CharField(max_length=10, choices=ServiceCostCategory.choices)
    funder = models.CharField(max_length=120, help_text="The agency paying for it.")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(max_length=300, help_text="Where the figure comes from (budget line, contract).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["financial_year", "category", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="service_cost_positive")]

    def __str__(self) -> str:
        return f"{self.financial_year} {self.category} £{self.amount}"


class FlexibleSpend(models.Model):
    """One item of a person's flexible (individual) budget: what, how much, when, approved by whom."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="flexible_spends")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flexible_spends")
    spent_on = models.DateField()
    what = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    funder = models.CharField(max_length=120)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="flexible_spend_positive")]

    def __str__(self) -> str:
        return f"{self.what} £{self.amount}"


class BusinessCase(models.Model):
    """One version of the area's cost–benefit analysis: its assumptions, and who agreed it."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="business_cases")
    version = models.PositiveIntegerField()
    first_year = models.CharField(max_length=7, help_text="Financial year of appraisal year 0.")
    years = models.PositiveSmallIntegerField(default=5)
    discount_rate = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal("0.035"))
    drop_off = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal(0))
    ramp_up = models.CharField(max_length=60, blank=True, help_text="Percentages for the years before full effect.")
    price_year = models.CharField(max_length=7)
    window_days = models.PositiveIntegerField(default=365)
    agencies = models.JSONField(default=dict, help_text="Agency -> deadweight, attribution, grade, with sources.")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["area", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="business_case_version_once"),
            models.CheckConstraint(condition=models.Q(years__gte=1, years__lte=30), name="business_case_years"),
        ]

    def __str__(self) -> str:
        return f"Business case v{self.version}"
