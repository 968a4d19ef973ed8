from django.urls import path

from tide.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.index, name="index"),
    path("unit-costs/", views.library, name="library"),
    path("unit-costs/new", views.unit_cost_create, name="unit-cost-create"),
    path("unit-costs/import", views.edition_import, name="edition-import"),
    path("unit-costs/<int:pk>/", views.unit_cost_detail, name="unit-cost"),
    path("deflators/", views.deflators, name="deflators"),
    path("deflators/import", views.deflators_import, name="deflators-import"),
    path("price-map/", views.price_map, name="price-map"),
    path("price-map/adopt", views.price_map_adopt, name="price-map-adopt"),
    path("price-map/new", views.price_rule_edit, name="price-rule-create"),
    path("price-map/<int:pk>/", views.price_rule_edit, name="price-rule-edit"),
    path("cost-report/", views.cost_report, name="cost-report"),
    path("cost-report/<str:kind>.csv", views.cost_report_csv, name="cost-report-csv"),
    path("cost-report/people/<int:pk>/", views.person_cost, name="person-cost"),
    path("pooled-budget/", views.pooled, name="pooled"),
    path("pooled-budget/compare.csv", views.pooled_csv, name="pooled-csv"),
    path("pooled-budget/new", views.scenario_create, name="scenario-create"),
    path("pooled-budget/<int:pk>/delete", views.scenario_delete, name="scenario-delete"),
    path("outcome-payments/", views.outcomes, name="outcomes"),
    path("outcome-payments/rate-card", views.rate_card_adopt, name="rate-card-adopt"),
    path("outcome-payments/rate-card/change", views.rate_card_edit, name="rate-card-edit"),
    path("outcome-payments/claims.csv", views.claims_csv, name="claims-csv"),
    path("outcome-payments/claims/new", views.claim_create, name="claim-create"),
    path("outcome-payments/claims/<int:pk>/decide", views.claim_decide, name="claim-decide"),
    path("reinvestment/", views.reinvestment, name="reinvestment"),
    path("board-report/", views.board_report, name="board-report"),
    path("business-case/", views.business_case, name="business-case"),
    path("business-case/assumptions", views.business_case_edit, name="business-case-edit"),
    path("business-case/agree", views.business_case_agree, name="business-case-agree"),
    path("business-case/costs/new", views.service_cost_create, name="service-cost-create"),
    path("people/<int:pk>/flexible-budget", views.flexible_budget, name="flexible-budget"),
    path("business-case/export.<str:kind>", views.business_case_export, name="business-case-export"),
]
