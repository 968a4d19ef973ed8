from django.urls import path

from tide.service_use import views

app_name = "service_use"
urlpatterns = [
    path("event-types/", views.event_types_view, name="event-types"),
    path("event-types/add", views.event_type_edit, name="event-type-add"),
    path("event-types/<slug:code>/edit", views.event_type_edit, name="event-type-edit"),
]
