from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tide.core.audit import audit_record
from tide.core.audit_actions import ADMIN_CHANGED, ADMIN_CREATED, ADMIN_DELETED
from tide.core.models import AuditEvent, Job


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin changes go into the audit log in the same transaction as the change."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = (ADMIN_CHANGED if change else ADMIN_CREATED).format(model=obj._meta.model_name)
        fields = sorted(form.changed_data) if change else []
        audit_record(actor=request.user, action=action, target=obj, detail={"fields": fields})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, action=ADMIN_DELETED.format(model=obj._meta.model_name), target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action=ADMIN_DELETED.format(model=obj._meta.model_name), target=obj)
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["id", "at", "actor_label", "action", "target_type", "target_id", "person_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "actor_label", "target_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
