from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tide.areas.models import Agency, User
from tide.core.forms import TODAY, YEAR, GovukForm, date_field
from tide.identification import ndt
from tide.identification.models import Definition, ListStatus, TriggerRule
from tide.identification.selectors import DIMENSIONS, SORTS
from tide.service_use import event_types, selectors


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
            ("gap", "Support gap"),
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
    assessed_on = date_field(
        "Date of the assessment",
        help_text="For example, 27 3 2026. Rate each item on the past month.",
        earliest=-2 * YEAR,
        latest=TODAY,
        latest_text="it cannot be in the future",
    )
    locals().update({item.code: _rating_field(item) for item in ndt.ITEMS})  # one select per NDT item, in order
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args: Any, wording: dict[tuple[str, int], str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["assessed_on"].initial = timezone.localdate().strftime("%d/%m/%Y")
        if wording:  # the area's licensed wording replaces Tide's short words in the choices (labels only)
            for item in ndt.ITEMS:
                self.fields[item.code].choices = [  # type: ignore[attr-defined]
                    ("", "Not rated"),
                    *((str(v), f"{v} – {ndt.level_text(item.code, v, wording)}") for v in item.allowed),
                ]


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


EVENT_TYPE_CHOICES = [(t.code, t.label) for t in event_types.EVENT_TYPES]  # the shipped types


def event_type_choices(area_id: int | None) -> list[tuple[str, str]]:
    """The shipped types and the area's own (ADR 0017)."""
    return selectors.event_type_choices(area_id=area_id)


def definition_form_class(definition: Definition) -> type[GovukForm]:
    """A form for one definition: its threshold and, per criterion, event types, count and window."""
    n = len(definition.criteria)
    fields: dict[str, forms.Field] = {
        "min_criteria": forms.IntegerField(
            label="Criteria a person must meet",
            min_value=1,
            max_value=n,
            help_text=f"From 1 to {n}.",
            error_messages={
                "required": "Enter how many criteria a person must meet.",
                "min_value": "Criteria a person must meet must be at least 1.",
                "max_value": f"Criteria a person must meet cannot be more than the {n} criteria.",
                "invalid": "Criteria a person must meet must be a whole number.",
            },
        ),
        "near_margin": forms.IntegerField(
            label="Alert when this many criteria short",
            min_value=0,
            max_value=n,
            help_text="People this close to the definition can trigger alerts too. 0 means only people who meet it.",
            error_messages={"required": "Enter a number (0 for none).", "invalid": "Enter a whole number."},
        ),
        "enabled": forms.BooleanField(label="Screen people against this definition", required=False),
        "puts_on_list": forms.BooleanField(label="Meeting it puts a person on the by-name list", required=False),
    }
    for i, criterion in enumerate(definition.criteria):
        label = criterion["label"]
        fields[f"c{i}_event_types"] = forms.MultipleChoiceField(
            label=f"{label}: events that count",
            choices=event_type_choices(definition.area_id),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": f"{label}: choose at least one kind of event."},
        )
        fields[f"c{i}_min_count"] = forms.IntegerField(
            label=f"{label}: at least this many events",
            min_value=1,
            max_value=1000,
            error_messages={
                "required": f"{label}: enter how many events are needed.",
                "invalid": f"{label}: the number of events must be a whole number.",
                "min_value": f"{label}: at least 1 event is needed.",
                "max_value": f"{label}: the number of events must be 1000 or fewer.",
            },
        )
        fields[f"c{i}_window_days"] = forms.IntegerField(
            label=f"{label}: in the last … days",
            required=False,
            min_value=1,
            max_value=3660,
            help_text="Leave blank to count events at any time.",
            error_messages={
                "invalid": f"{label}: the window must be a whole number of days.",
                "min_value": f"{label}: the window must be at least 1 day.",
                "max_value": f"{label}: the window must be 3660 days or fewer.",
            },
        )
    form_class = type("DefinitionForm", (GovukForm,), {**fields, "narrow_fields": ()})
    return form_class


def definition_initial(definition: Definition) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "min_criteria": definition.min_criteria,
        "near_margin": definition.near_margin,
        "enabled": definition.enabled,
        "puts_on_list": definition.puts_on_list,
    }
    for i, criterion in enumerate(definition.criteria):
        initial[f"c{i}_event_types"] = criterion["event_types"]
        initial[f"c{i}_min_count"] = criterion.get("min_count", 1)
        initial[f"c{i}_window_days"] = criterion.get("window_days")
    return initial


def definition_changes(definition: Definition, data: dict[str, Any]) -> dict[str, Any]:
    criteria = []
    for i, criterion in enumerate(definition.criteria):
        criteria.append(
            {
                **criterion,
                "event_types": list(data[f"c{i}_event_types"]),
                "min_count": data[f"c{i}_min_count"],
                "window_days": data[f"c{i}_window_days"],
            }
        )
    return {
        "min_criteria": data["min_criteria"],
        "near_margin": data["near_margin"],
        "enabled": data["enabled"],
        "puts_on_list": data["puts_on_list"],
        "criteria": criteria,
    }


class TriggerRuleForm(GovukForm):
    event_type = forms.ChoiceField(label="When this event arrives", choices=EVENT_TYPE_CHOICES)
    applies_to = forms.ChoiceField(
        label="For", choices=TriggerRule.AppliesTo.choices, widget=forms.RadioSelect, initial="meets_or_near"
    )
    recipient = forms.ChoiceField(
        label="Alert", choices=TriggerRule.Recipient.choices, widget=forms.RadioSelect, initial="coordinator"
    )
    agency = forms.ModelChoiceField(
        label="Team or agency (if alerting a team)", queryset=Agency.objects.none(), required=False
    )
    user = forms.ModelChoiceField(
        label="Member of staff (if alerting a named person)", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, area_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = event_type_choices(area_id)  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.filter(area_id=area_id, active=True)  # type: ignore[attr-defined]
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            area_id=area_id, is_active=True
        ).exclude(role="person")
        self._errors = None  # the choices are known now: validate again
