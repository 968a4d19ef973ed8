"""GOV.UK Design System form rendering for ordinary Django forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


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
