from django.urls import path

from tide.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contact", views.contact_preference, name="contact-preference"),
    path("<int:pk>/identifiers/new", views.identifier_create, name="identifier-create"),
]
