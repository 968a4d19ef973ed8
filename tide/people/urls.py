from django.urls import path

from tide.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contact", views.contact_preference, name="contact-preference"),
    path("<int:pk>/identifiers/new", views.identifier_create, name="identifier-create"),
    path("<int:pk>/risk-markers/new", views.risk_marker_create, name="risk-marker-create"),
    path("risk-markers/<int:pk>/review", views.risk_marker_review_view, name="risk-marker-review"),
]
