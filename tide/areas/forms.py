from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from tide.core.forms import GovukForm


class SignInForm(GovukForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask your administrator.",
    }


class ChangePasswordForm(GovukForm, PasswordChangeForm):
    pass
