from __future__ import annotations

import time
from typing import Any

import pyotp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from tide.areas.audit_actions import USER_PASSWORD_CHANGED, USER_PASSWORD_SET, USER_SIGNED_IN, USER_SIGNED_OUT
from tide.areas.forms import ChangePasswordForm, ChoosePasswordForm, SecondFactorForm, SignInForm
from tide.areas.models import User
from tide.areas.selectors import sign_in_refusal
from tide.areas.services import sign_in_attempt_record, totp_new_secret, user_verify_second_factor
from tide.core.access import PUBLIC, SIGNED_IN, access
from tide.core.admin_site import SECOND_FACTOR_PASSED
from tide.core.audit import audit_record
from tide.core.request_context import client_ip

PENDING = "tide_second_factor"  # session key: the user who gave the right password, waiting for a code
PENDING_SECONDS = 300
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _complete_sign_in(request: HttpRequest, user: User, next_url: str, *, second_factor: bool) -> HttpResponse:
    login(request, user, backend=BACKEND)
    if second_factor:
        request.session[SECOND_FACTOR_PASSED] = time.time()
    request.session.pop(PENDING, None)
    request.session.pop("tide_enrol_secret", None)
    sign_in_attempt_record(username=user.get_username(), ip_address=client_ip(request), stage="code", succeeded=True)
    audit_record(actor=user, action=USER_SIGNED_IN, detail={"second_factor": second_factor})
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        next_url = self.get_redirect_url()
        if not user.needs_second_factor:
            return _complete_sign_in(self.request, user, next_url, second_factor=False)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url}
        return redirect("sign-in-code" if user.totp_confirmed_at else "sign-in-set-up-code")


def _pending_user(request: HttpRequest) -> tuple[User | None, str]:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, ""
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending.get("next", "")


def _code_step(request: HttpRequest, *, enrol: bool) -> HttpResponse:
    user, next_url = _pending_user(request)
    if user is None:
        messages.info(request, "Sign in again: the time to enter a code ran out.")
        return redirect("login")
    if enrol and user.totp_confirmed_at:
        return redirect("sign-in-code")
    if not enrol and not user.totp_confirmed_at:
        return redirect("sign-in-set-up-code")
    secret = ""
    if enrol:
        secret = request.session.get("tide_enrol_secret") or totp_new_secret()
        request.session["tide_enrol_secret"] = secret
    form = SecondFactorForm(request.POST or None)
    address = client_ip(request)
    if request.method == "POST" and form.is_valid():
        refused = sign_in_refusal(username=user.get_username(), ip_address=address)
        if refused:
            form.add_error("code", refused)
        elif user_verify_second_factor(user=user, code=form.cleaned_data["code"], enrol_secret=secret):
            return _complete_sign_in(request, user, next_url, second_factor=True)
        else:
            sign_in_attempt_record(username=user.get_username(), ip_address=address, stage="code", succeeded=False)
            form.add_error("code", "Enter the current 6-digit code from your authenticator app.")
    context: dict[str, Any] = {"form": form, "enrol": enrol}
    if settings.TIDE_SHOW_SIGN_IN_CODES:
        context["demo_code"] = pyotp.TOTP(secret or user.totp_secret).now()
    if enrol:
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["uri"] = pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name="Tide")
    return render(request, "registration/second_factor.html", context)


@require_http_methods(["GET", "POST"])
@access(roles={PUBLIC}, note="Only after the right password, for five minutes")
def sign_in_code(request: HttpRequest) -> HttpResponse:
    return _code_step(request, enrol=False)


@require_http_methods(["GET", "POST"])
@access(roles={PUBLIC}, note="Only after the right password, for a user without an authenticator yet")
def sign_in_set_up_code(request: HttpRequest) -> HttpResponse:
    return _code_step(request, enrol=True)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(actor=request.user, action=USER_SIGNED_OUT)
        return super().post(request, *args, **kwargs)


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=USER_PASSWORD_CHANGED)
        messages.success(self.request, "Your password has been changed.")
        return response


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A person supported chooses their password from the one-time link staff gave them."""

    template_name = "registration/set_password.html"
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=form.user, action=USER_PASSWORD_SET)
        messages.success(self.request, "Your password is set. Sign in with your username and your new password.")
        return response


sign_in = access(roles={PUBLIC})(SignInView.as_view())
set_password = access(roles={PUBLIC}, note="Only with a one-time link staff made")(SetPasswordView.as_view())
sign_out = access(roles={PUBLIC})(SignOutView.as_view())
change_password = access(roles={SIGNED_IN})(ChangePasswordView.as_view())


@access(roles={SIGNED_IN})
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "areas/account.html")
