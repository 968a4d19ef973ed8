from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from tide.areas.forms import ChangePasswordForm, SignInForm
from tide.core.access import PUBLIC, SIGNED_IN, access
from tide.core.audit import audit_record


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=form.get_user(), action="user.signed_in")
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(actor=request.user, action="user.signed_out")
        return super().post(request, *args, **kwargs)


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="user.password_changed")
        messages.success(self.request, "Your password has been changed.")
        return response


sign_in = access(roles={PUBLIC})(SignInView.as_view())
sign_out = access(roles={PUBLIC})(SignOutView.as_view())
change_password = access(roles={SIGNED_IN})(ChangePasswordView.as_view())


@access(roles={SIGNED_IN})
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "areas/account.html")
