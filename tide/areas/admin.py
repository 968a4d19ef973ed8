from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from tide.areas.models import Agency, Area, InformationSharingAgreement, Partnership, User
from tide.core.admin import AuditedModelAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedModelAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Tide", {"fields": ("area", "agency", "role", "job_title", "manager", "phone", "working_hours")}),
    )
    list_display = ["username", "first_name", "last_name", "role", "agency", "is_active"]
    list_filter = ["role", "agency", "is_active"]


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "accountable_officer", "caseload_limit", "caseload_limit_is_hard"]


@admin.register(Partnership)
class PartnershipAdmin(AuditedModelAdmin):
    filter_horizontal = ["agencies"]


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "sector", "area", "active"]
    list_filter = ["sector", "area", "active"]


@admin.register(InformationSharingAgreement)
class InformationSharingAgreementAdmin(AuditedModelAdmin):
    list_display = ["name", "area", "starts_on", "ends_on"]
    filter_horizontal = ["agencies"]
