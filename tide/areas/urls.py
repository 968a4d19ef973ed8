from django.urls import path

from tide.areas import views

urlpatterns = [
    path("sign-in", views.sign_in, name="login"),
    path("sign-out", views.sign_out, name="logout"),
    path("account", views.account, name="account"),
    path("account/password", views.change_password, name="password-change"),
]
