"""Identification: definitions as data, screening results, the by-name list, NDT assessments, triggers and alerts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from tide.identification import listing, rules
from tide.identification import ndt as ndt_rules
from tide.people.models import Person
from tide.service_use import event_types
from tide.service_use.models import ServiceEvent

NDT_ITEMS = ndt_rules.CODES


class NdtAssessment(models.Model):
    """One NDT assessment (New Directions Team; © South West London and St George's MH NHS Trust).

    Each item is rated on the past month; ``None`` means not rated. The two risk items are double
    weighted (0, 2, 4, 6, 8). ``total`` exists only when all ten items are rated. The database checks each
    item's allowed values, the total's range and that a total comes only with all ten items.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ndt_assessments")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    engagement = models.PositiveSmallIntegerField(null=True, blank=True)
    intentional_self_harm = models.PositiveSmallIntegerField(null=True, blank=True)
    unintentional_self_harm = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_to_others = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_from_others = models.PositiveSmallIntegerField(null=True, blank=True)
    stress_anxiety = models.PositiveSmallIntegerField(null=True, blank=True)
    social_effectiveness = models.PositiveSmallIntegerField(null=True, blank=True)
    substance_misuse = models.PositiveSmallIntegerField(null=True, blank=True)
    impulse_control = models.PositiveSmallIntegerField(null=True, blank=True)
    housing = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "assessed_on", "id"]
        indexes = [models.Index(fields=["person", "assessed_on"])]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{item.code}__isnull": True})
                    | models.Q(**{f"{item.code}__in": item.allowed}),
                    name=f"ndt_{item.code}_allowed",
                )
                for item in ndt_rules.ITEMS
            ],
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(total__gte=0, total__lte=ndt_rules.MAX_TOTAL),
                name="ndt_total_range",
            ),
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(**{f"{c}__isnull": False for c in NDT_ITEMS}),
                name="ndt_total_only_when_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"NDT {self.assessed_on:%d %b %Y}: {self.total if self.total is not None else 'incomplete'}"


class Alert(models.Model):
    """A chance to reach someone: a new event for a person who meets, or nearly meets, a definition."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alerts")
    event = models.ForeignKey(ServiceEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    agency = models.ForeignKey("areas.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=60)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "seen_at"]), models.Index(fields=["agency", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.person_id}"


class Definition(models.Model):
    """A definition of multiple disadvantage, held as data so an administrator can tune it without code.

    Each area holds its own copy (ADR 0007): the shipped definitions are copied into an area when it is
    created, and an administrator's edit changes only their own area. Edits are kept in the audit log
    (``identification.definition_changed``, with the values before and after).
    """

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="definitions")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    criteria = models.JSONField(
        help_text="A list of criteria: {code, label, event_types: [...], min_count, window_days (blank = any time)}."
    )
    min_criteria = models.PositiveSmallIntegerField(default=2, help_text="How many criteria a person must meet.")
    near_margin = models.PositiveSmallIntegerField(
        default=1, help_text="A person this many criteria short is 'close to' the definition (0 = never)."
    )
    enabled = models.BooleanField(default=True, help_text="Screen people against this definition.")
    puts_on_list = models.BooleanField(default=True, help_text="Meeting it puts a person on the by-name list.")
    order = models.PositiveSmallIntegerField(default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_criteria__gte=1), name="definition_min_criteria"),
            models.UniqueConstraint(fields=["area", "code"], name="definition_area_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            _ = self.spec
        except rules.RuleError as error:
            raise ValidationError({"criteria": error.messages}) from None

    @property
    def spec(self) -> rules.DefinitionSpec:
        return rules.spec_from_data(
            code=self.code,
            name=self.name,
            criteria=self.criteria,
            min_criteria=self.min_criteria,
            near_margin=self.near_margin,
        )


class ScreeningResult(models.Model):
    """The latest screening of one person against one definition."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="screening_results")
    definition = models.ForeignKey(Definition, on_delete=models.CASCADE, related_name="results")
    as_of = models.DateField()
    n_met = models.PositiveSmallIntegerField()
    meets = models.BooleanField()
    near = models.BooleanField()
    criteria_met = models.JSONField(default=list)
    first_met_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "definition"], name="screening_result_unique"),
            models.CheckConstraint(condition=~models.Q(meets=True, near=True), name="screening_meets_or_near"),
        ]
        indexes = [models.Index(fields=["definition", "meets"])]

    def __str__(self) -> str:
        return f"{self.definition_id} for {self.person_id}: {self.n_met}"


class ListStatus(models.TextChoices):
    NEW = listing.Status.NEW, listing.STATUS_LABELS[listing.Status.NEW]
    ACTIVE = listing.Status.ACTIVE, listing.STATUS_LABELS[listing.Status.ACTIVE]
    CASELOAD = listing.Status.CASELOAD, listing.STATUS_LABELS[listing.Status.CASELOAD]
    INACTIVE = listing.Status.INACTIVE, listing.STATUS_LABELS[listing.Status.INACTIVE]
    RETURNED = listing.Status.RETURNED, listing.STATUS_LABELS[listing.Status.RETURNED]
    MOVED_ON = listing.Status.MOVED_ON, listing.STATUS_LABELS[listing.Status.MOVED_ON]
    DIED = listing.Status.DIED, listing.STATUS_LABELS[listing.Status.DIED]


class ListEntry(models.Model):
    """A person on the by-name list: identified once by a definition, with a live status."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="list_entry")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="list_entries")
    status = models.CharField(max_length=20, choices=ListStatus.choices)
    status_since = models.DateField()
    first_identified_on = models.DateField()
    returned_on = models.DateField(null=True, blank=True)
    last_event_on = models.DateField(null=True, blank=True)
    definitions = models.CharField(max_length=300, blank=True, help_text="Codes of the definitions met, by comma.")
    domains_met = models.PositiveSmallIntegerField(default=0)
    ndt_total = models.PositiveSmallIntegerField(null=True, blank=True)
    gap_score = models.FloatField(default=0)
    gap_detail = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-gap_score", "person_id"]
        verbose_name_plural = "list entries"
        indexes = [
            models.Index(fields=["area", "status"]),
            models.Index(fields=["area", "gap_score"]),
            models.Index(fields=["area", "first_identified_on"]),
            models.Index(fields=["area", "last_event_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.status}"

    @property
    def status_label(self) -> str:
        return listing.STATUS_LABELS.get(self.status, self.status)

    @property
    def definition_codes(self) -> list[str]:
        return [c for c in self.definitions.split(",") if c]


class ListChange(models.Model):
    """A change of status on the by-name list: the source of the month's inflow and outflow."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="list_changes")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="list_changes")
    on = models.DateField()
    before = models.CharField(max_length=20, blank=True, choices=ListStatus.choices)
    after = models.CharField(max_length=20, choices=ListStatus.choices)
    inflow = models.BooleanField(default=False)
    outflow = models.BooleanField(default=False)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["area", "on"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.before or '-'} -> {self.after} on {self.on}"


class ListSettings(models.Model):
    area = models.OneToOneField("areas.Area", on_delete=models.CASCADE, related_name="list_settings")
    inactive_after_days = models.PositiveSmallIntegerField(
        default=90, help_text="Days without any recorded event before a person is shown as inactive."
    )
    new_for_days = models.PositiveSmallIntegerField(default=30, help_text="Days a person is shown as newly identified.")
    returned_for_days = models.PositiveSmallIntegerField(default=30, help_text="Days a person is shown as returned.")
    ndt_advisory_threshold = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="An NDT total at or above which Tide flags a person for discussion (0-48; blank: none). "
        "Advisory only: no published threshold exists, and the multi-agency group decides.",
    )

    class Meta:
        verbose_name_plural = "list settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(inactive_after_days__gte=1), name="list_inactive_after_positive"),
            models.CheckConstraint(
                condition=models.Q(ndt_advisory_threshold__isnull=True) | models.Q(ndt_advisory_threshold__lte=48),
                name="list_ndt_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return f"List settings for {self.area_id}"

    def as_rules(self) -> listing.Settings:
        return listing.Settings(self.inactive_after_days, self.new_for_days, self.returned_for_days)


class TriggerRule(models.Model):
    """Which new events raise an alert, for whom."""

    class AppliesTo(models.TextChoices):
        MEETS = "meets", "People who meet a definition"
        MEETS_OR_NEAR = "meets_or_near", "People who meet or are close to a definition"

    class Recipient(models.TextChoices):
        COORDINATOR = "coordinator", "The person's coordinator (else every coordinator in the area)"
        AGENCY = "agency", "A team or agency"
        USER = "user", "A named member of staff"
        AREA_COORDINATORS = "area_coordinators", "Every coordinator in the area"

    area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+", help_text="Blank: every area."
    )
    event_type = models.CharField(max_length=40, help_text="A shipped event type's code or the area's own.")
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices, default=AppliesTo.MEETS_OR_NEAR)
    recipient = models.CharField(max_length=20, choices=Recipient.choices, default=Recipient.COORDINATOR)
    agency = models.ForeignKey("areas.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["event_type", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recipient="agency") | models.Q(agency__isnull=False), name="trigger_agency_given"
            ),
            models.CheckConstraint(
                condition=~models.Q(recipient="user") | models.Q(user__isnull=False), name="trigger_user_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type_label} -> {self.get_recipient_display()}"

    @property
    def event_type_label(self) -> str:
        return event_types.label_of(self.event_type)


class NdtWording(models.Model):
    """An area's licensed full wording for an NDT level, loaded from a file (see ndt_load_wording)."""

    item = models.CharField(max_length=40, choices=[(i.code, i.label) for i in ndt_rules.ITEMS])
    level = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["item", "level"]
        constraints = [
            models.UniqueConstraint(fields=["item", "level"], name="ndt_wording_unique"),
            models.CheckConstraint(condition=models.Q(level__lte=4), name="ndt_wording_level"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.level}"


class PopulationEstimate(models.Model):
    """The area's resident population in one group (e.g. ONS mid-year estimates), for the equity report."""

    class Dimension(models.TextChoices):
        SEX = "sex", "Sex"
        ETHNICITY = "ethnicity", "Ethnic group"
        AGE = "age", "Age band"

    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="population_estimates")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    group = models.CharField(max_length=20, help_text="Sex code (F, M), ethnicity code, or age band (e.g. 25-34).")
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=200, blank=True, help_text="For example: ONS mid-2024 estimates.")

    class Meta:
        ordering = ["area", "dimension", "group"]
        constraints = [
            models.UniqueConstraint(fields=["area", "dimension", "group"], name="population_estimate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.group}: {self.count}"
