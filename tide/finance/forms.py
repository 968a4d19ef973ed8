from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django import forms

from tide.core.forms import GovukForm
from tide.finance.cba import OPTIMISM_BIAS_BY_GRADE
from tide.finance.models import PoolMethod, ServiceCostCategory, UnitCost
from tide.service_use import event_types
from tide.service_use.selectors import event_type_choices


def _own_fields(form: forms.Form) -> dict[str, forms.Field]:
    """A per-instance copy of the declared fields to change before the form binds.

    GovukForm looks at ``errors`` while it initialises (to style fields in error), so choices and
    extra fields must be in place before ``super().__init__`` runs, not after."""
    form.base_fields = copy.deepcopy(type(form).base_fields)
    return form.base_fields


WINDOW_CHOICES = [("182", "6 months"), ("365", "12 months"), ("730", "24 months")]


class ReportOptionsForm(GovukForm):
    price_year = forms.ChoiceField(
        label="Price year", required=False, help_text="Every cost is uprated to this year's prices."
    )
    window = forms.TypedChoiceField(
        label="Compare",
        choices=WINDOW_CHOICES,
        coerce=int,
        initial="365",
        required=False,
        empty_value=365,
        help_text="The same length of time before support started and after it started.",
    )

    cohort = forms.ChoiceField(
        label="People", required=False, help_text="Everyone supported, or one intake by the year support started."
    )

    def __init__(self, *args: Any, years: list[str], cohorts: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        fields = _own_fields(self)
        fields["price_year"].choices = [(y, y) for y in reversed(years)]  # type: ignore[attr-defined]
        fields["cohort"].choices = [("", "Everyone supported")] + [  # type: ignore[attr-defined]
            (c, f"Support started in {c}") for c in cohorts
        ]
        super().__init__(*args, **kwargs)


class PriceYearForm(GovukForm):
    price_year = forms.ChoiceField(label="Show costs in the prices of")

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        _own_fields(self)["price_year"].choices = [(y, y) for y in reversed(years)]  # type: ignore[attr-defined]
        super().__init__(*args, **kwargs)


class LibrarySearchForm(GovukForm):
    q = forms.CharField(
        label="Search cost lines",
        required=False,
        max_length=100,
        help_text="A code (HE4.0) or words from the description.",
    )
    theme = forms.ChoiceField(label="Theme", required=False)
    price_year = forms.ChoiceField(label="Uprate fiscal costs to", required=False)

    def __init__(self, *args: Any, themes: list[str], years: list[str], **kwargs: Any) -> None:
        fields = _own_fields(self)
        fields["theme"].choices = [("", "All themes"), *[(t, t) for t in themes]]  # type: ignore[attr-defined]
        fields["price_year"].choices = [(y, y) for y in reversed(years)]  # type: ignore[attr-defined]
        super().__init__(*args, **kwargs)


class LocalCostForm(GovukForm):
    code = forms.CharField(label="Code", max_length=30, help_text="Your own reference, for example LOC1.")
    detail = forms.CharField(label="What the cost is", max_length=500)
    unit = forms.CharField(label="Unit", max_length=100, help_text="For example Per night, Per contact, Per year.")
    agency_level_1 = forms.CharField(
        label="Agency bearing the cost", max_length=100, help_text="For example Local authority, NHS, Police."
    )
    agency_level_2 = forms.CharField(label="Part of that agency (optional)", max_length=100, required=False)
    fiscal_cost = forms.DecimalField(
        label="Fiscal cost in pounds", min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    fiscal_price_year = forms.CharField(
        label="Price year", max_length=9, help_text="The financial year of the price, for example 2019/20."
    )
    source = forms.CharField(label="Source", widget=forms.Textarea(attrs={"rows": 2}))
    narrow_fields = ("code", "fiscal_cost", "fiscal_price_year")


class UploadForm(GovukForm):
    name = forms.CharField(label="Name of this edition or series", max_length=200)
    licence = forms.CharField(label="Licence", max_length=100, initial="CC BY 4.0")
    attribution = forms.CharField(label="Attribution to show with the figures", max_length=300)
    file = forms.FileField(
        label="CSV file", help_text="The same columns as the shipped file. A file with any error is refused whole."
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 10 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be a CSV saved as UTF-8.") from None


class PriceRuleForm(GovukForm):
    event_type = forms.ChoiceField(label="Event type", choices=event_types.CHOICES)
    unit_cost = forms.CharField(
        label="Cost line code", max_length=30, help_text="A code from the unit cost library, for example HE4.0."
    )
    multiplier = forms.DecimalField(
        label="Multiply by", min_value=Decimal(0), max_digits=12, decimal_places=4, initial=1
    )
    divisor = forms.DecimalField(
        label="Divide by",
        min_value=Decimal("0.0001"),
        max_digits=12,
        decimal_places=4,
        initial=1,
        help_text="For example 365 to price one night from an annual cost.",
    )
    bearer_level_1 = forms.CharField(
        label="Agency that bears this cost here (optional)",
        max_length=100,
        required=False,
        help_text="Leave empty to use the cost line's agency. For example Local Authority when the council commissions the service.",
    )
    bearer_level_2 = forms.CharField(label="Part of that agency (optional)", max_length=100, required=False)
    note = forms.CharField(label="Why this line and this fraction", widget=forms.Textarea(attrs={"rows": 3}))
    narrow_fields = ("unit_cost", "multiplier", "divisor")

    def __init__(self, *args: Any, area_id: int, lock_event_type: bool = False, **kwargs: Any) -> None:
        self.area_id = area_id
        _own_fields(self)["event_type"].choices = event_type_choices(area_id=area_id)  # type: ignore[attr-defined]
        if lock_event_type:
            _own_fields(self)["event_type"].disabled = True
        super().__init__(*args, **kwargs)

    def clean_unit_cost(self) -> UnitCost:
        code = self.cleaned_data["unit_cost"].strip()
        matches = list(
            UnitCost.objects.filter(code__iexact=code, fiscal_cost__isnull=False)
            .filter(edition__area__isnull=True)
            .select_related("edition")
            .order_by("-edition__imported_at")
        ) + list(UnitCost.objects.filter(code__iexact=code, edition__area_id=self.area_id, fiscal_cost__isnull=False))
        if not matches:
            raise forms.ValidationError(f"No cost line with the code {code} and a fiscal cost.")
        local = [m for m in matches if m.edition.area_id == self.area_id]
        return local[0] if local else matches[0]


class ScenarioForm(GovukForm):
    name = forms.CharField(label="Scenario name", max_length=120)
    method = forms.ChoiceField(label="How agencies contribute", choices=PoolMethod.choices, widget=forms.RadioSelect)
    budget = forms.DecimalField(label="Pooled budget in pounds", min_value=Decimal(0), max_digits=14, decimal_places=2)
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    narrow_fields = ("budget",)

    def __init__(self, *args: Any, agencies: list[str], **kwargs: Any) -> None:
        fields = _own_fields(self)
        self.agencies = agencies
        for i, agency in enumerate(agencies):
            fields[f"share_{i}"] = forms.DecimalField(
                label=f"{agency}: share (%)",
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=6,
                decimal_places=2,
                help_text="Only for fixed shares.",
            )
            fields[f"share_{i}"].widget.attrs["class"] = "govuk-input--width-5"
        super().__init__(*args, **kwargs)

    def shares(self) -> dict[str, Decimal]:
        return {
            agency: self.cleaned_data[f"share_{i}"]
            for i, agency in enumerate(self.agencies)
            if self.cleaned_data.get(f"share_{i}")
        }


class CompareForm(GovukForm):
    a = forms.ChoiceField(label="First scenario")
    b = forms.ChoiceField(label="Second scenario")

    def __init__(self, *args: Any, scenarios: list[tuple[int, str]], **kwargs: Any) -> None:
        fields = _own_fields(self)
        choices = [(str(pk), name) for pk, name in scenarios]
        fields["a"].choices = choices  # type: ignore[attr-defined]
        fields["b"].choices = choices  # type: ignore[attr-defined]
        super().__init__(*args, **kwargs)


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision", choices=[("verify", "Verify"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you reject a claim.",
    )


class SibForm(GovukForm):
    investment = forms.DecimalField(
        label="Investors' capital in pounds",
        min_value=Decimal(1),
        max_digits=14,
        decimal_places=2,
        initial=Decimal(500000),
    )
    delivery_cost = forms.DecimalField(
        label="Delivery cost per quarter in pounds",
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        initial=Decimal(60000),
    )
    return_cap = forms.DecimalField(
        label="Most investors can receive, as a multiple of capital",
        min_value=Decimal(1),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("1.5"),
    )
    quarters = forms.IntegerField(label="Quarters", min_value=1, max_value=40, initial=12)
    narrow_fields = ("investment", "delivery_cost", "return_cap", "quarters")


class RateCardForm(GovukForm):
    cap_per_person = forms.DecimalField(
        label="Most one person's outcomes can earn, in pounds", min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    ndt_reference = forms.IntegerField(
        label="Baseline NDT total paid at the plain tariff",
        min_value=1,
        max_value=48,
        help_text="People with a higher baseline are paid more (up to 1.5 times), lower less (down to half).",
    )
    narrow_fields = ("cap_per_person", "ndt_reference")

    def __init__(self, *args: Any, rates: list[Any], **kwargs: Any) -> None:
        fields = _own_fields(self)
        self.rates = rates
        for rate in rates:
            fields[f"tariff_{rate.pk}"] = forms.DecimalField(
                label=f"{rate.label}: tariff in pounds", min_value=Decimal(0), max_digits=12, decimal_places=2
            )
            fields[f"active_{rate.pk}"] = forms.BooleanField(label=f"Pay for {rate.label.lower()}", required=False)
        super().__init__(*args, **kwargs)

    def tariffs(self) -> dict[int, Decimal]:
        return {rate.pk: self.cleaned_data[f"tariff_{rate.pk}"] for rate in self.rates}

    def active(self) -> dict[int, bool]:
        return {rate.pk: self.cleaned_data[f"active_{rate.pk}"] for rate in self.rates}


class ServiceCostForm(GovukForm):
    financial_year = forms.CharField(label="Financial year", max_length=7, help_text="For example, 2025/26.")
    category = forms.ChoiceField(label="Type of cost", choices=ServiceCostCategory.choices, widget=forms.RadioSelect)
    funder = forms.CharField(
        label="Agency paying",
        max_length=120,
        help_text="As named in the cost report (for example, Local Authority – Housing Services), so its return can be worked out.",
    )
    amount = forms.DecimalField(label="Amount in pounds", min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    source = forms.CharField(
        label="Source", max_length=300, help_text="Where the figure comes from: budget line, contract."
    )
    narrow_fields = ("financial_year", "amount")


GRADE_CHOICES = [(g, f"Grade {g} ({b:.0%} optimism bias)") for g, b in OPTIMISM_BIAS_BY_GRADE.items()]


class BusinessCaseForm(GovukForm):
    first_year = forms.CharField(
        label="First year of the appraisal", max_length=7, help_text="A financial year, like 2025/26."
    )
    years = forms.IntegerField(label="Appraisal period in years", min_value=1, max_value=30)
    price_year = forms.ChoiceField(label="Prices of")
    ramp_up = forms.CharField(
        label="Ramp-up (optional)",
        required=False,
        max_length=60,
        help_text="Percentage of the full effect in each year before it is reached, separated by commas: 50, 80.",
    )
    drop_off = forms.DecimalField(
        label="Drop-off each year after the full effect (%)",
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
    )
    notes = forms.CharField(
        label="What changed in this version (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    narrow_fields = ("first_year", "years", "drop_off")

    def __init__(
        self,
        *args: Any,
        agencies: list[str],
        years: list[str],
        grade_sources: dict[str, tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        fields = _own_fields(self)
        self.agencies = agencies
        self.grade_sources = grade_sources
        fields["price_year"].choices = [(y, y) for y in reversed(years)]  # type: ignore[attr-defined]
        for i, agency in enumerate(agencies):
            fields[f"deadweight_{i}"] = forms.DecimalField(
                label=f"{agency}: deadweight (%)",
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                help_text="The share of the change that would have happened anyway.",
            )
            fields[f"deadweight_source_{i}"] = forms.CharField(
                label=f"{agency}: source of the deadweight", max_length=300
            )
            fields[f"attribution_{i}"] = forms.DecimalField(
                label=f"{agency}: attribution (%)",
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                help_text="The share of the remaining change due to this service.",
            )
            fields[f"attribution_source_{i}"] = forms.CharField(
                label=f"{agency}: source of the attribution", max_length=300
            )
            fields[f"grade_{i}"] = forms.TypedChoiceField(
                label=f"{agency}: confidence grade", choices=GRADE_CHOICES, coerce=int
            )
            for name in (f"deadweight_{i}", f"attribution_{i}"):
                fields[name].widget.attrs["class"] = "govuk-input--width-5"
        super().__init__(*args, **kwargs)

    def agency_values(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            agency: {
                "deadweight": data[f"deadweight_{i}"],
                "deadweight_source": data[f"deadweight_source_{i}"],
                "attribution": data[f"attribution_{i}"],
                "attribution_source": data[f"attribution_source_{i}"],
                "grade": data[f"grade_{i}"],
                "grade_source": (
                    self.grade_sources[agency][1]
                    if self.grade_sources.get(agency, (0, ""))[0] == data[f"grade_{i}"]
                    else "Chosen by the commissioner for this version"
                ),
            }
            for i, agency in enumerate(self.agencies)
        }


class FlexibleSpendForm(GovukForm):
    spent_on = forms.DateField(label="Date of the spend", help_text="For example, 2026-03-27.")
    what = forms.CharField(label="What it paid for", max_length=200)
    amount = forms.DecimalField(label="Amount in pounds", min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    funder = forms.CharField(label="Budget it comes from", max_length=120, initial="Local Authority – Housing Services")
    approved_by = forms.ModelChoiceField(label="Approved by", queryset=None)  # type: ignore[arg-type]
    narrow_fields = ("amount",)

    def __init__(self, *args: Any, approvers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = approvers  # type: ignore[attr-defined]
