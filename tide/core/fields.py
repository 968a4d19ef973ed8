"""Model fields that keep their values encrypted at rest."""

from __future__ import annotations

import base64
import functools
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac

PREFIX = "fernet:"


@functools.cache
def _keys(configured: str, secret_key: str) -> MultiFernet:
    derived = base64.urlsafe_b64encode(
        salted_hmac("tide.core.fields", "field encryption", secret=secret_key, algorithm="sha256").digest()
    ).decode()
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    return MultiFernet([Fernet(k) for k in [*keys, derived]])


def fernet() -> MultiFernet:
    """The keys of ``TIDE_FIELD_KEYS`` (the first encrypts, all decrypt), then one derived from the secret key."""
    return _keys(getattr(settings, "TIDE_FIELD_KEYS", ""), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value or value.startswith(PREFIX):
        return value
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    """The plain text of an encrypted value; a value stored before encryption (no prefix) as it is."""
    if not value or not value.startswith(PREFIX):
        return value
    return fernet().decrypt(value[len(PREFIX) :].encode()).decode()


class EncryptedMixin:
    """Encrypt on the way into the database, decrypt on the way out (Fernet: AES-128 in CBC mode with an
    HMAC); blank stays blank. Each write uses a fresh IV, so the column cannot be searched: never filter
    on it."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return decrypt(value) if isinstance(value, str) else value

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)  # type: ignore[misc]
        return decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        return encrypt(value) if isinstance(value, str) else value


class EncryptedCharField(EncryptedMixin, models.CharField):
    """Short text kept encrypted. ``max_length`` is the column's: the plain text must be well under it (a
    32-character secret takes 147)."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Long text kept encrypted, like :class:`EncryptedCharField`."""
