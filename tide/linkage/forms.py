from __future__ import annotations

from typing import Any

from django import forms

from tide.areas.models import Agency
from tide.core.forms import GovukForm, date_of_birth_field
from tide.linkage.models import Decision


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[
            (Decision.LINK, "Yes, the same person: link them"),
            (Decision.NO_MATCH, "No, not the same person"),
            (Decision.UNSURE, "Unsure: keep them apart and look again later"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether these are the same person."},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What decided it, for whoever looks at this pair again.",
    )


class ReviewFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Waiting or unsure"), ("open", "Waiting"), ("unsure", "Marked unsure")],
        error_messages={"invalid_choice": "Choose waiting, marked unsure, or both."},
    )
    agency = forms.ModelChoiceField(
        label="A record from",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="Any agency",
        error_messages={"invalid_choice": "Choose an agency of this area from the list."},
    )

    def __init__(self, *args: Any, area_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(area_id=area_id).order_by("name")  # type: ignore[attr-defined]


class SplitForm(GovukForm):
    reason = forms.CharField(
        label="Why is this record not the same person?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why this record is not the same person."},
    )


class ThresholdForm(GovukForm):
    upper = forms.FloatField(
        label="Link automatically at or above",
        min_value=0.5,
        max_value=0.9999,
        help_text="A match probability between 0.5 and 0.9999.",
        error_messages={"required": "Enter the upper threshold.", "invalid": "Enter a number such as 0.99."},
    )
    lower = forms.FloatField(
        label="Send to review at or above",
        min_value=0.5,
        max_value=0.9999,
        help_text="Pairs between this and the upper threshold go to the review queue.",
        error_messages={"required": "Enter the lower threshold.", "invalid": "Enter a number such as 0.8."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("upper") is not None and data.get("lower") is not None and data["lower"] > data["upper"]:
            raise forms.ValidationError("The review threshold must not be above the automatic-link threshold.")
        return data


class KnownSearchForm(GovukForm):
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = date_of_birth_field()
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    nhs_number = forms.CharField(label="NHS number", max_length=12, required=False)
    pnc_id = forms.CharField(label="PNC ID", max_length=20, required=False)

    narrow_fields = ("postcode", "nhs_number", "pnc_id")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(k) for k in ("family_name", "date_of_birth", "nhs_number", "pnc_id")):
            raise forms.ValidationError("Enter a family name, a date of birth, an NHS number or a PNC ID.")
        return data
