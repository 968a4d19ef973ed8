from django.urls import path

from tide.linkage import views

app_name = "linkage"
urlpatterns = [
    path("review/", views.review, name="review"),
    path("review/next/", views.first, name="first"),
    path("review/done/", views.done, name="done"),
    path("review/<int:pk>/", views.pair, name="pair"),
    path("records/<int:pk>/", views.record, name="record"),
    path("records/<int:pk>/undo", views.undo, name="undo"),
    path("model/", views.model_page, name="model"),
    path("model/train", views.model_train_view, name="model-train"),
    path("known/", views.known, name="known"),
]
