from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tide.core.forms import GovukForm
from tide.identification import ndt
from tide.identification.models import ListStatus
from tide.identification.selectors import DIMENSIONS, SORTS


class ListFilterForm(GovukForm):
    q = forms.CharField(label="Name", max_length=100, required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Everyone on the list"), *ListStatus.choices]
    )
    definition = forms.ChoiceField(label="Definition met", required=False, choices=[])
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("gap", "Least helped first (support gap)"),
            ("name", "Name"),
            ("identified", "Most recently identified"),
            ("last_event", "Most recent event"),
            ("ndt", "Highest NDT total"),
            ("status", "Status"),
        ],
    )

    def __init__(self, *args: Any, definitions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition"].choices = [("", "Any definition"), *definitions]  # type: ignore[attr-defined]
        self._errors = None  # GovukForm looked at the errors before the choices were known: validate again

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or "gap"
        return sort if sort in SORTS else "gap"


def _rating_choices(item: ndt.Item) -> list[tuple[str, str]]:
    return [("", "Not rated")] + [
        (str(value), f"{value} – {item.levels[value // item.weight]}") for value in item.allowed
    ]


def _rating_field(item: ndt.Item) -> forms.TypedChoiceField:
    # A select offers only allowed values; the service checks again, so a forged value is refused too.
    return forms.TypedChoiceField(
        label=item.label,
        choices=_rating_choices(item),
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Double-weighted: 0, 2, 4, 6 or 8." if item.weight == 2 else "0 to 4.",
        error_messages={"invalid_choice": ndt.item_problem(item.code, 1 if item.weight == 2 else 99)},
    )


class NdtForm(GovukForm):
    assessed_on = forms.DateField(
        label="Date of the assessment",
        help_text="For example, 27/03/2026. Rate each item on the past month.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "required": "Enter the date of the assessment.",
            "invalid": "Enter a real date, for example 27/03/2026.",
        },
    )
    locals().update({item.code: _rating_field(item) for item in ndt.ITEMS})  # one select per NDT item, in order
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["assessed_on"].initial = timezone.localdate().strftime("%d/%m/%Y")


class EquityForm(GovukForm):
    by = forms.ChoiceField(label="Compare by", choices=list(DIMENSIONS.items()), required=False)
    definition = forms.ChoiceField(label="Definition", required=False, choices=[])

    def __init__(self, *args: Any, definitions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["definition"].choices = [("", "Any definition"), *definitions]  # type: ignore[attr-defined]
        self._errors = None  # GovukForm looked at the errors before the choices were known: validate again


class WordingUploadForm(GovukForm):
    file = forms.FileField(
        label="Licensed wording file",
        help_text="CSV with columns item, level, text (50 rows), or JSON mapping each item to five texts.",
        error_messages={"required": "Choose the wording file to load."},
    )
