from django.contrib import admin

from tide.finance.models import CostEdition, OutcomeRate, PaymentTerms, PoolScenario, PriceRule


@admin.register(CostEdition)
class CostEditionAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "licence", "imported_at"]
    readonly_fields = ["sha256", "imported_at", "imported_by"]


@admin.register(OutcomeRate)
class OutcomeRateAdmin(admin.ModelAdmin):
    list_display = ["label", "area", "evidence", "months", "tariff", "active"]
    list_filter = ["area", "active"]


@admin.register(PaymentTerms)
class PaymentTermsAdmin(admin.ModelAdmin):
    list_display = ["area", "cap_per_person", "ndt_reference"]


@admin.register(PriceRule)
class PriceRuleAdmin(admin.ModelAdmin):
    list_display = ["event_type", "area", "unit_cost", "multiplier", "divisor", "bearer_level_1"]
    list_filter = ["area", "event_type"]
    raw_id_fields = ["unit_cost"]


@admin.register(PoolScenario)
class PoolScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "method", "budget", "created_at"]
