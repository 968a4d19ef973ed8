from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from tide.areas.models import Agency
from tide.core.forms import GovukForm, date_of_birth_field
from tide.people.models import DobPrecision, Ethnicity, IdentifierKind, RiskKind, Sex


class PersonSearchForm(GovukForm):
    q = forms.CharField(
        label="Name or identifier",
        max_length=200,
        help_text="A name (spelling need not be exact), an NHS number, a PNC ID, a prison number or an agency's ID.",
        error_messages={"required": "Enter a name or an identifier to search for."},
    )


class PersonForm(GovukForm):
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    known_as = forms.CharField(
        label="Known as", max_length=100, required=False, help_text="The name they like to be called."
    )
    date_of_birth = date_of_birth_field()
    dob_precision = forms.ChoiceField(
        label="How sure is the date of birth?", choices=DobPrecision.choices, initial=DobPrecision.EXACT
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN)
    gender = forms.CharField(
        label="Gender (optional)", max_length=60, required=False, help_text="In the person's own words."
    )
    ethnicity = forms.ChoiceField(label="Ethnic group", choices=Ethnicity.choices, initial=Ethnicity.NOT_STATED)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    nhs_number = forms.CharField(label="NHS number (optional)", max_length=14, required=False)

    def clean_date_of_birth(self) -> dt.date | None:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past.")
        if value and value.year < 1900:
            raise forms.ValidationError("Date of birth must be after 1900.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f) for f in ("given_name", "family_name", "known_as")):
            raise forms.ValidationError(
                "Enter at least one name: a given name, a family name or the name they are known as."
            )
        return data


class IdentifierForm(GovukForm):
    kind = forms.ChoiceField(label="Type of identifier", choices=IdentifierKind.choices)
    value = forms.CharField(label="Identifier", max_length=64, error_messages={"required": "Enter the identifier."})
    agency = forms.ModelChoiceField(
        label="Agency (for an agency's own ID)", queryset=Agency.objects.none(), required=False
    )

    def __init__(self, *args: Any, area_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(area_id=area_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == IdentifierKind.LOCAL and not data.get("agency"):
            self.add_error("agency", "Choose the agency that issued this ID.")
        return data


class ContactPreferenceForm(GovukForm):
    channel = forms.ChoiceField(
        label="How may Tide send you messages?",
        choices=[
            ("email", "By email"),
            ("sms", "By text message"),
            ("none", "No messages: only in person or through my coordinator"),
        ],
        widget=forms.RadioSelect,
    )
    never_text = forms.BooleanField(label="Never send me a text message", required=False)
    may_say_from = forms.BooleanField(label="A message may say it is from Tide or my support service", required=False)
    safe_from = forms.TimeField(label="Safe to send from (optional)", required=False, help_text="For example, 09:00")
    safe_until = forms.TimeField(label="Safe to send until (optional)", required=False, help_text="For example, 17:00")
    note = forms.CharField(
        label="Anything else someone contacting you must know (optional)", max_length=300, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("channel") == "sms" and data.get("never_text"):
            self.add_error("channel", "You said never send a text message: choose email or no messages.")
        if (data.get("safe_from") is None) != (data.get("safe_until") is None):
            self.add_error("safe_until", "Give both the start and the end of the safe times, or neither.")
        return data


def _review_date_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text="Within the next 12 months. For example, 27/03/2027.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
        error_messages={
            "invalid": "Enter a real review date, for example 27/03/2027.",
            "required": "Enter the date to review the marker by.",
        },
        widget=forms.DateInput(format="%d/%m/%Y"),
    )


class RiskMarkerForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is the risk?",
        choices=RiskKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of risk."},
    )
    other_kind = forms.CharField(
        label="If other, what is the risk?", max_length=100, required=False, help_text="In a few words."
    )
    reason = forms.CharField(
        label="Why, and what should staff do?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, when, and how to stay safe (for example, meet in the hostel office with a colleague).",
        error_messages={"required": "Say why: what happened and what staff should do."},
    )
    review_on = _review_date_field("Review by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["review_on"].initial = timezone.localdate() + dt.timedelta(days=90)


class RiskReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What did the review decide?",
        choices=[
            ("keep", "Keep the marker, with a new review date"),
            ("end", "End the marker (it stays in the history)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to keep or end the marker."},
    )
    note = forms.CharField(
        label="What the review found",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the review found."},
    )
    review_on = _review_date_field("Next review by (if kept)", required=False)
