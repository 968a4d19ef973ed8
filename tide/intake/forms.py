from __future__ import annotations

from typing import Any

from django import forms

from tide.areas.models import Agency
from tide.core.forms import GovukForm
from tide.intake.models import ExtractFormat

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024


class _AgencyChoices(forms.Form):
    """Limits the agency choices to the user's area before GovukForm reads the errors."""

    _area: Any = None
    _with_format_only = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(area=self._area, active=True)
        if self._with_format_only:
            agencies = agencies.filter(code__in=list(ExtractFormat.objects.values_list("code", flat=True)))
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class UploadForm(GovukForm, _AgencyChoices):
    _with_format_only = True

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose the agency that sent the file",
        error_messages={
            "required": "Choose the agency that sent the file.",
            "invalid_choice": "Choose an agency from the list.",
        },
    )
    file = forms.FileField(
        label="Extract file",
        help_text="A CSV (.csv) or Excel (.xlsx) file in the agency's declared format.",
        error_messages={"required": "Choose the extract file to upload.", "empty": "The file you chose is empty."},
    )

    def __init__(self, *args: Any, area: Any = None, **kwargs: Any) -> None:
        self._area = area
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 GB: split it, or send it by the command line.")
        return upload


class TokenForm(GovukForm, _AgencyChoices):
    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.none(), error_messages={"required": "Choose the agency."}
    )
    label = forms.CharField(
        label="Label",
        max_length=200,
        help_text="Which system will use it, for example “Custody system nightly export”.",
        error_messages={"required": "Give the token a label."},
    )

    def __init__(self, *args: Any, area: Any = None, **kwargs: Any) -> None:
        self._area = area
        super().__init__(*args, **kwargs)


class FeedSettingForm(GovukForm):
    narrow_fields = ("expected_every_days", "grace_days")

    expected_every_days = forms.IntegerField(
        label="Expect a file at least every (days)",
        min_value=1,
        max_value=366,
        help_text="31 for a monthly extract, 7 for a weekly one.",
        error_messages={
            "required": "Enter how often a file is expected, in days.",
            "invalid": "Enter a whole number of days, like 31.",
            "min_value": "Enter a number of days from 1 to 366.",
            "max_value": "Enter a number of days from 1 to 366.",
        },
    )
    grace_days = forms.IntegerField(
        label="Days of grace before the feed is late",
        min_value=0,
        max_value=90,
        help_text="How long past the expected date Tide waits before raising an alert.",
        error_messages={
            "required": "Enter the days of grace (0 for none).",
            "invalid": "Enter a whole number of days, like 7.",
            "min_value": "Enter a number of days from 0 to 90.",
            "max_value": "Enter a number of days from 0 to 90.",
        },
    )
