from django.urls import path

from tide.areas import views

urlpatterns = [
    path("sign-in", views.sign_in, name="login"),
    path("sign-in/code", views.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up-code", views.sign_in_set_up_code, name="sign-in-set-up-code"),
    path("sign-out", views.sign_out, name="logout"),
    path("account", views.account, name="account"),
    path("account/password", views.change_password, name="password-change"),
    path("account/set-password/<uidb64>/<token>", views.set_password, name="set-password"),
]
