from django.contrib import admin

from tide.service_use.models import ServiceEvent


@admin.register(ServiceEvent)
class ServiceEventAdmin(admin.ModelAdmin):
    list_display = ["person", "event_type", "occurred_on", "agency", "event_id"]
    list_filter = ["event_type", "agency"]
    raw_id_fields = ["person"]
    date_hierarchy = "occurred_on"
