from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tide.core.forms import TODAY, YEAR, GovukForm, date_field
from tide.outcomes.catalogue import DOMAIN_LABELS, MEASURES, STATUS_KINDS
from tide.outcomes.selectors import FILTER_LABELS

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"]


# GovukForm reads the errors while it is being built, so every choice has to be in place before it
# runs: forms whose choices depend on the data are built as classes on the fly.


class ReportFilterForm(GovukForm):
    """Filters for the cohort report; every choice comes from the cohort itself."""

    quarter = forms.TypedChoiceField(label="Quarter of support", coerce=int, required=False)


def default_quarter(follow_up: int) -> int:
    """The quarter of support a report shows before anyone chooses: the fourth (a year in), or the last."""
    return min(4, follow_up)


def report_filter_form(data: Any, *, options: dict[str, list[str]], follow_up: int) -> ReportFilterForm:
    fields: dict[str, forms.Field] = {
        "quarter": forms.TypedChoiceField(
            label="Quarter of support",
            coerce=int,
            required=False,
            choices=[(k, f"Quarter {k}") for k in range(1, follow_up + 1)],
            error_messages={"invalid_choice": f"Choose a quarter from 1 to {follow_up}."},
        )
    }
    for name, values in options.items():
        fields[name] = forms.ChoiceField(
            label=FILTER_LABELS[name],
            choices=[("", "Everyone"), *[(v, v) for v in values]],
            required=False,
            error_messages={"invalid_choice": f"Choose a {FILTER_LABELS[name].lower()} from the list."},
        )
    form_class = type("ReportFilterForm", (ReportFilterForm,), fields)
    # The selector shows the quarter the figures are for, not its first option, filtered or not.
    if data is not None and not data.get("quarter"):
        data = data.copy()
        data["quarter"] = str(default_quarter(follow_up))
    return form_class(data, initial={"quarter": default_quarter(follow_up)})  # type: ignore[no-any-return]


class EquityForm(GovukForm):
    measure = forms.ChoiceField(label="Measure")
    quarter = forms.TypedChoiceField(label="Quarter of support", coerce=int)
    group = forms.ChoiceField(label="Compare by", choices=list(FILTER_LABELS.items()))


def equity_form(data: Any, *, measures: list[str], follow_up: int, groups: list[str]) -> EquityForm:
    fields = {
        "group": forms.ChoiceField(label="Compare by", choices=[(g, FILTER_LABELS[g]) for g in groups]),
        "measure": forms.ChoiceField(
            label="Measure", choices=[(m.code, m.label) for m in MEASURES if m.code in measures]
        ),
        "quarter": forms.TypedChoiceField(
            label="Quarter of support", coerce=int, choices=[(k, f"Quarter {k}") for k in range(1, follow_up + 1)]
        ),
    }
    form_class = type("EquityForm", (EquityForm,), fields)
    return form_class(data)  # type: ignore[no-any-return]


class FrameworkVersionForm(GovukForm):
    measures = forms.MultipleChoiceField(
        label="Measures in the framework",
        choices=[(m.code, f"{DOMAIN_LABELS[m.domain]}: {m.label}") for m in MEASURES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one measure."},
    )
    baseline_quarters = forms.IntegerField(
        label="Baseline window (quarters before support)",
        min_value=1,
        max_value=8,
        initial=4,
        error_messages={
            "min_value": "The baseline must be 1 to 8 quarters.",
            "max_value": "The baseline must be 1 to 8 quarters.",
        },
    )
    follow_up_quarters = forms.IntegerField(
        label="Quarters of support to report",
        min_value=1,
        max_value=16,
        initial=8,
        error_messages={"min_value": "Report 1 to 16 quarters.", "max_value": "Report 1 to 16 quarters."},
    )
    change_summary = forms.CharField(
        label="What changed and why",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what changed and why."},
    )
    agreed_by = forms.CharField(
        label="Who agreed it",
        help_text="For example: strategic board, lived-experience panel (names or roles).",
        max_length=1000,
        error_messages={"required": "Say who agreed this version."},
    )
    agreed_on = date_field("Date agreed", earliest=-5 * YEAR, latest=TODAY, latest_text="it cannot be in the future")
    narrow_fields = ("baseline_quarters", "follow_up_quarters")

    def clean_agreed_on(self) -> Any:
        value = self.cleaned_data["agreed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date it was agreed cannot be in the future.")
        return value


class StatusForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is this about?", choices=[(k, label) for k, (label, _) in STATUS_KINDS.items()]
    )
    value = forms.ChoiceField(
        label="Status",
        choices=[
            (label, [(f"{kind}:{v}", text) for v, text in values]) for kind, (label, values) in STATUS_KINDS.items()
        ],
    )
    recorded_on = date_field("As of", earliest=-5 * YEAR, latest=TODAY, latest_text="it cannot be in the future")
    in_their_words = forms.CharField(
        label="In their words (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, combined = data.get("kind"), data.get("value")
        if kind and combined:
            value_kind, _, value = combined.partition(":")
            if value_kind != kind:
                self.add_error("value", f"Choose a status under “{STATUS_KINDS[kind][0]}”.")
            data["value"] = value
        date = data.get("recorded_on")
        if date and date > timezone.localdate():
            self.add_error("recorded_on", "The date cannot be in the future.")
        return data
