"""GOV.UK Design System form rendering for ordinary Django forms, and the one form-view step (:func:`form_post`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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
}


class GovukForm(forms.Form):
    """A form whose widgets carry GOV.UK classes and whose errors render the GOV.UK way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
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
            for css in ("govuk-input", "govuk-select", "govuk-textarea"):
                if css in classes and f"{css}--error" not in classes:
                    classes.append(f"{css}--error")
            field.widget.attrs["class"] = " ".join(classes)

    def error_summary(self) -> list[dict[str, str]]:
        items = []
        for name, errors in self.errors.items():
            href = f"#id_{name}" if name != "__all__" else "#main-content"
            for error in errors:
                items.append({"href": href, "text": str(error)})
        return items


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
