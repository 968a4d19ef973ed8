from django.urls import path

from tide.messages import views

app_name = "messages"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/retry", views.retry, name="retry"),
]
