from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError

from tide.core.forms import GovukForm
from tide.core.request_context import client_ip


class SignInForm(GovukForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask your administrator.",
    }

    def clean(self) -> dict[str, Any]:
        from tide.areas.selectors import sign_in_refusal
        from tide.areas.services import sign_in_attempt_record

        username = self.cleaned_data.get("username") or ""
        address = client_ip(self.request)
        if username:
            refused = sign_in_refusal(username=username, ip_address=address)
            if refused:
                raise ValidationError(refused, code="throttled")
        try:
            return super().clean()
        except ValidationError:
            if username:
                sign_in_attempt_record(username=username, ip_address=address, stage="password", succeeded=False)
            raise


class SecondFactorForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="The 6-digit code your authenticator app shows for Tide.",
    )
    narrow_fields = ("code",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )


class ChangePasswordForm(GovukForm, PasswordChangeForm):
    pass


class ChoosePasswordForm(GovukForm, SetPasswordForm):
    pass
