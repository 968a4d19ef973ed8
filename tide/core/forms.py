"""GOV.UK Design System form rendering for ordinary Django forms, and the one form-view step (:func:`form_post`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format

from tide.core.access import NeedToKnowRefused


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


_WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "",
    forms.CheckboxSelectMultiple: "",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.MultiWidget: "",
}


# Every free-text field has a limit (ADR 0035): a field that names none gets these.
TEXT_LIMIT = 5000  # a box of free text (a note, a reason)
LINE_LIMIT = 200  # a single line (a name, a reference)
# Inputs with more than one control: the error summary links to the first one (GOV.UK convention).
_FIRST_INPUT_SUFFIX = {"RadioSelect": "_0", "CheckboxSelectMultiple": "_0", "GovukDateInput": "_day"}


def limit_text(field: forms.CharField, name: str) -> None:
    """Give a text field a length limit, said the GOV.UK way, enforced on the server."""
    if field.max_length is None:
        field.max_length = TEXT_LIMIT if isinstance(field.widget, forms.Textarea) else LINE_LIMIT
    label = str(field.label or name.replace("_", " ").capitalize())
    message = f"{label} must be {field.max_length:,} characters or fewer"
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(field.max_length, message=message))
    if isinstance(field.widget, forms.Textarea):
        field.widget.attrs.pop("maxlength", None)  # the character count tells; the server refuses


class GovukForm(forms.Form):
    """A form whose widgets carry GOV.UK classes and whose errors render the GOV.UK way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                limit_text(field, name)
            widget = field.widget
            css = next((c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "govuk-input")
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if name in getattr(self, "narrow_fields", ()):
                widget.attrs["class"] += " govuk-input--width-10"

    def full_clean(self) -> None:
        """Validate, then mark the widgets of fields in error (after subclasses have set up choices)."""
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is None:
                continue
            classes = field.widget.attrs.get("class", "").split()
            if isinstance(field.widget, GovukDateInput):
                field.widget.has_error = True
            for css in ("govuk-input", "govuk-select", "govuk-textarea"):
                if css in classes and f"{css}--error" not in classes:
                    classes.append(f"{css}--error")
            field.widget.attrs["class"] = " ".join(classes)

    def error_summary(self) -> list[dict[str, str]]:
        items = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            suffix = _FIRST_INPUT_SUFFIX.get(type(field.widget).__name__, "") if field else ""
            href = f"#id_{name}{suffix}" if field else "#main-content"
            for error in errors:
                items.append({"href": href, "text": str(error)})
        return items


Bound = dt.date | dt.timedelta | Callable[[], dt.date] | None


def _bound(value: Bound) -> dt.date | None:
    if isinstance(value, dt.timedelta):
        return timezone.localdate() + value
    if callable(value):
        return value()
    return value


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (posted as ``<name>_day`` and so on).

    A single ``<name>`` value (27/03/2026 or 2026-03-27) is still read, for agency systems and old links."""

    template_name = "core/forms/date_input.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        box = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        widgets = {
            "day": forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-2"}),
            "month": forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-2"}),
            "year": forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-4"}),
        }
        super().__init__(widgets, attrs)

    has_error = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        base = context["widget"]["attrs"].get("id", "")
        for sub, widget, suffix in zip(context["widget"]["subwidgets"], self.widgets, self.widgets_names, strict=True):
            if base:
                sub["attrs"]["id"] = f"{base}{suffix}"
            sub["attrs"]["class"] = widget.attrs["class"] + (" govuk-input--error" if self.has_error else "")
            sub["attrs"].pop("aria-describedby", None)  # described on the fieldset
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else id_

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str):
            value = _parse_date(value)
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            return data.get(name)
        parts = super().value_from_datadict(data, files, name)
        return ["" if p is None else str(p).strip() for p in parts]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)


DATE_INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y")


def _parse_date(text: str) -> dt.date | None:
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


class GovukDateField(forms.DateField):
    """A date in the GOV.UK pattern, with sensible bounds (ADR 0036).

    ``earliest``/``latest`` are a date, a ``timedelta`` from today, or a function returning a date;
    ``earliest_text``/``latest_text`` say why in the message (for example "the area started using Tide")."""

    widget = GovukDateInput

    def __init__(
        self,
        *,
        earliest: Bound = None,
        latest: Bound = None,
        earliest_text: str = "",
        latest_text: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)
        self.earliest, self.latest = earliest, latest
        self.earliest_text, self.latest_text = earliest_text, latest_text

    @property
    def _name(self) -> str:
        return str(self.label or "Date")

    def to_python(self, value: Any) -> dt.date | None:
        if not isinstance(value, list | tuple):
            return super().to_python(value)
        day, month, year = (str(v or "").strip() for v in value)
        if not (day or month or year):
            return None
        missing = [part for part, text in (("day", day), ("month", month), ("year", year)) if not text]
        if missing:
            raise ValidationError(f"{self._name} must include a {' and a '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{self._name} must be a real date, with a 4-digit year", code="invalid")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self._name} must be a real date", code="invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        earliest, latest = _bound(self.earliest), _bound(self.latest)
        if earliest and value < earliest:
            why = f" ({self.earliest_text})" if self.earliest_text else ""
            raise ValidationError(f"{self._name} must be on or after {_long(earliest)}{why}", code="too_early")
        if latest and value > latest:
            why = f" ({self.latest_text})" if self.latest_text else ""
            raise ValidationError(f"{self._name} must be on or before {_long(latest)}{why}", code="too_late")


YEAR = dt.timedelta(days=365)
TODAY = dt.timedelta(0)


def date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "For example, 27 3 2026",
    earliest: Bound = None,
    latest: Bound = None,
    earliest_text: str = "",
    latest_text: str = "",
) -> GovukDateField:
    """A GOV.UK date input with bounds; every date a person types goes through this."""
    return GovukDateField(
        label=label,
        required=required,
        help_text=help_text,
        earliest=earliest,
        latest=latest,
        earliest_text=earliest_text,
        latest_text=latest_text,
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a real date",
        },
    )


def date_of_birth_field(*, required: bool = False) -> GovukDateField:
    """A plausible date of birth: in the past, and no more than 110 years ago."""
    return date_field(
        "Date of birth",
        required=required,
        help_text="For example, 27 3 1985",
        earliest=-110 * YEAR,
        latest=TODAY,
        earliest_text="no more than 110 years ago",
        latest_text="it cannot be in the future",
    )


def _long(day: dt.date) -> str:
    return date_format(day, "j F Y")


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: on its field when it names one, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def form_post(
    request: HttpRequest,
    form: forms.Form,
    *,
    on_valid: Callable[[dict[str, Any]], Any],
    success: str | Callable[[Any], HttpResponse],
    template: str,
    context: Mapping[str, Any] | None = None,
    message: str | Callable[[Any], str] = "",
    refusal_as_error: bool = True,
) -> HttpResponse:
    """The one POST-and-validate step every form view shares.

    On a valid POST, call ``on_valid(cleaned_data)`` (which calls one service). A ``ValidationError``
    it raises goes onto the form (on the field it names); so does a ``PermissionDenied`` unless
    ``refusal_as_error`` is false (then it stays a 403). A ``NeedToKnowRefused`` always stays a 403. On success, show ``message`` (a string, or
    built from the result) and redirect to ``success`` (a URL name or path, or a function of the
    result returning the response). Otherwise render ``template`` with the form and ``context``.
    Nothing is written unless the service succeeds, because services are atomic.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = on_valid(form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        except NeedToKnowRefused:
            raise  # need-to-know stays a 403 (and its own page), never a form error
        except PermissionDenied as error:
            if not refusal_as_error:
                raise
            form.add_error(None, str(error) or "You cannot do that.")
        else:
            text = message(result) if callable(message) else message
            if text:
                messages.success(request, text)
            return success(result) if callable(success) else redirect(success)
    return render(request, template, {"form": form, **(context or {})})
