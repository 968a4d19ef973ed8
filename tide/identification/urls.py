from django.urls import path

from tide.identification import views

app_name = "identification"
urlpatterns = [
    path("list/", views.by_name_list_view, name="list"),
    path("least-helped", views.support_gap_view, name="support-gap"),
    path("alerts/", views.alerts_view, name="alerts"),
    path("alerts/<int:pk>/open", views.alert_open, name="alert-open"),
    path("equity", views.equity_view, name="equity"),
    path("definitions/", views.definitions_view, name="definitions"),
    path("definitions/<slug:code>/edit", views.definition_edit, name="definition-edit"),
    path("screening", views.screening_start, name="screening-start"),
    path("ndt-wording", views.ndt_wording_view, name="ndt-wording"),
    path("people/<int:pk>/", views.person_view, name="person"),
    path("people/<int:pk>/ndt", views.ndt_view, name="ndt"),
]
