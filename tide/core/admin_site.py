"""The Django admin behind Tide's own sign-in (ADR 0061, amended).

The admin's login form would skip the authenticator code and the sign-in throttle, so
:class:`TideAdminSite` sends anyone to Tide's sign-in instead, and opens admin pages only for admin
staff whose session passed the second factor. ``TIDE_ADMIN_ENABLED=0`` switches the admin off.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Session key set by the sign-in views once the authenticator code was accepted (a time.time()).
SECOND_FACTOR_PASSED = "tide_second_factor_passed_at"


def passed_second_factor(request: HttpRequest) -> bool:
    return bool(getattr(request, "session", {}).get(SECOND_FACTOR_PASSED))


class TideAdminSite(admin.AdminSite):
    site_header = "Tide administration"
    site_title = "Tide administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and passed_second_factor(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Never sign anyone in here: Tide's sign-in asks for the code and applies the throttle."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if self.has_permission(request):
            return redirect(next_url)
        if user.is_active and user.is_staff:
            # Signed in without the authenticator code (another way in, or before the code was asked):
            # sign in again, fully.
            logout(request)
            messages.info(request, "Sign in with your password and authenticator code to use the admin.")
            return redirect_to_login(next_url, settings.LOGIN_URL)
        raise PermissionDenied("Your account does not give you access to the admin.")
