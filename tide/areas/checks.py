from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


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


@register(Tags.security, deploy=True)
def need_to_know_is_strict(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "TIDE_NEED_TO_KNOW", "strict") != "strict":
        return [
            Warning(
                "TIDE_NEED_TO_KNOW is not 'strict': staff can open records without a relationship.",
                hint="Use 'audit' only while relationships are being recorded; then set 'strict'.",
                id="tide.W002",
            )
        ]
    return []


@register(Tags.security)
def field_keys_valid(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from tide.core.fields import fernet

    try:
        fernet()
    except ValueError as error:
        return [
            Error(
                f"TIDE_FIELD_KEYS holds a key that is not a Fernet key ({error}).",
                hint="Each key is 32 url-safe base64-encoded bytes: Fernet.generate_key() makes one.",
                id="tide.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def field_keys_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "TIDE_FIELD_KEYS", ""):
        return [
            Warning(
                "TIDE_FIELD_KEYS is not set: authenticator secrets are encrypted with a key derived from "
                "TIDE_SECRET_KEY, and changing that secret would make them unreadable.",
                hint="Set TIDE_FIELD_KEYS (see .env.example) before changing TIDE_SECRET_KEY.",
                id="tide.W004",
            )
        ]
    return []


@register(Tags.security)
def trusted_proxies_valid(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from tide.core.request_context import trusted_proxies

    try:
        trusted_proxies(tuple(getattr(settings, "TIDE_TRUSTED_PROXIES", ()) or ()))
    except ValueError as error:
        return [
            Error(
                str(error),
                hint="List proxy addresses or networks (10.0.0.2, 10.0.0.0/8), or give one number of hops.",
                id="tide.E005",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def trusted_proxies_set_behind_a_proxy(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(settings, "TIDE_TRUSTED_PROXIES", ()):
        return [
            Warning(
                "Tide trusts a proxy for HTTPS (TIDE_TRUST_X_FORWARDED_PROTO) but not for the client's address: "
                "the sign-in throttle and the audit log would see every client as the proxy.",
                hint="Set TIDE_TRUSTED_PROXIES to the proxy's address or network (see .env.example).",
                id="tide.W006",
            )
        ]
    return []
