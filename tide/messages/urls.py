from django.urls import path

from tide.messages import views

app_name = "messages"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("choices/", views.choices, name="choices"),
    path("outbox/<int:pk>/retry", views.retry, name="retry"),
]
