from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin

from tide.intake import validation
from tide.intake.models import AgencyToken, ExtractFile, ExtractFormat


class ExtractFormatForm(forms.ModelForm):
    class Meta:
        model = ExtractFormat
        fields = ["code", "name", "version", "spec"]

    def clean_spec(self) -> Any:
        spec = self.cleaned_data["spec"]
        if isinstance(spec, str):
            spec = json.loads(spec)
        try:
            validation.check_format(spec)
        except validation.FormatError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return spec


@admin.register(ExtractFormat)
class ExtractFormatAdmin(admin.ModelAdmin):
    form = ExtractFormatForm
    list_display = ["name", "code", "version", "updated_at"]

    def save_model(self, request: Any, obj: ExtractFormat, form: Any, change: bool) -> None:
        if change and "spec" in form.changed_data:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ExtractFile)
class ExtractFileAdmin(admin.ModelAdmin):
    list_display = ["filename", "agency", "received_at", "row_count", "event_count", "channel"]
    list_filter = ["agency", "channel"]
    readonly_fields = [f.name for f in ExtractFile._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AgencyToken)
class AgencyTokenAdmin(admin.ModelAdmin):
    list_display = ["label", "agency", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_hash"]
