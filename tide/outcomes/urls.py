from django.urls import path

from tide.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.report, name="report"),
    path("measures/<slug:code>/", views.measure_detail, name="measure"),
    path("equity/", views.equity, name="equity"),
    path("framework/", views.framework, name="framework"),
    path("framework/new", views.framework_new, name="framework-new"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/statuses/new", views.status_new, name="status-new"),
]
