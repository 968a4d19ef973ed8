from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def sign_in_codes_hidden(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "TIDE_SHOW_SIGN_IN_CODES", False):
        return [
            Error(
                "TIDE_SHOW_SIGN_IN_CODES is on: sign-in pages show the authenticator code.",
                hint="Unset TIDE_SHOW_SIGN_IN_CODES and TIDE_LOCAL in production.",
                id="tide.E001",
            )
        ]
    return []
