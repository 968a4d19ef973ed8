"""Administration: definitions, triggers and list settings are data an administrator tunes without code."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from tide.core.admin import AuditedModelAdmin as AuditedAdmin
from tide.identification.models import Definition, ListSettings, NdtAssessment, PopulationEstimate, TriggerRule


@admin.register(Definition)
class DefinitionAdmin(AuditedAdmin):
    list_display = ["name", "code", "area", "min_criteria", "near_margin", "enabled", "puts_on_list", "order"]
    list_filter = ["area"]
    list_editable = ["enabled", "puts_on_list", "order"]
    readonly_fields = ["updated_at"]


@admin.register(TriggerRule)
class TriggerRuleAdmin(AuditedAdmin):
    list_display = ["event_type", "applies_to", "recipient", "agency", "user", "area", "active"]
    list_filter = ["event_type", "recipient", "active"]
    raw_id_fields = ["user"]


@admin.register(ListSettings)
class ListSettingsAdmin(AuditedAdmin):
    list_display = ["area", "inactive_after_days", "new_for_days", "returned_for_days", "ndt_advisory_threshold"]


@admin.register(NdtAssessment)
class NdtAssessmentAdmin(admin.ModelAdmin):
    list_display = ["person", "assessed_on", "total"]
    raw_id_fields = ["person", "assessor"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # recorded through the service, which validates and audits


@admin.register(PopulationEstimate)
class PopulationEstimateAdmin(AuditedAdmin):
    list_display = ["area", "dimension", "group", "count", "source"]
    list_filter = ["dimension"]
