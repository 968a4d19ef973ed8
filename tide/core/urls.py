from django.urls import path

from tide.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics_view, name="metrics"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/status", views.job_status, name="job-status"),
    path("jobs/<int:pk>/cancel", views.job_cancel_view, name="job-cancel"),
]
