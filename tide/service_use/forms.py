from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tide.areas.models import Agency
from tide.core.forms import GovukForm
from tide.service_use import event_types


class EventTypeForm(GovukForm):
    code = forms.SlugField(
        label="Code",
        max_length=40,
        help_text="How extracts and definitions name it: lower case letters, digits and underscores, "
        "for example gp_refused_registration. It cannot change once saved.",
        error_messages={"required": "Enter a code.", "invalid": "Use only letters, digits, - and _ in the code."},
    )
    label = forms.CharField(
        label="Name", max_length=100, error_messages={"required": "Enter the name people will read."}
    )
    domain = forms.ChoiceField(
        label="Need it belongs to",
        choices=event_types.DOMAIN_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the need it belongs to."},
    )
    unit = forms.ChoiceField(
        label="Counted",
        choices=event_types.UNIT_CHOICES,
        widget=forms.RadioSelect,
        initial="event",
        error_messages={"required": "Choose how it is counted."},
    )
    crisis = forms.BooleanField(label="Crisis use: unplanned or emergency contact with a service", required=False)
    bearing_agency = forms.ModelChoiceField(
        label="Agency whose service it is (optional)",
        queryset=Agency.objects.none(),
        required=False,
        help_text="Its budget bears the cost.",
    )
    unit_cost = forms.DecimalField(
        label="Unit cost in pounds (optional)",
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        help_text="What one unit costs the public purse; the cost report prices it unless the price map has a line.",
        error_messages={"invalid": "Enter the unit cost as a number of pounds, like 120.50."},
    )
    unit_cost_year = forms.CharField(
        label="Financial year of the unit cost", required=False, max_length=7, help_text="For example 2024/25."
    )

    def __init__(self, *args: Any, area_id: int, adding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bearing_agency"].queryset = Agency.objects.filter(area_id=area_id, active=True)  # type: ignore[attr-defined]
        if not adding:
            del self.fields["code"]
        self._errors = None  # the choices are known now: validate again

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("unit_cost") is not None and not data.get("unit_cost_year"):
            self.add_error("unit_cost_year", "Enter the financial year of the unit cost, like 2024/25.")
        return data
