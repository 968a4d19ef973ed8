"""Authenticator secrets are encrypted at rest, readable after a key rotation, and legacy rows still read."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from tide.areas.models import User
from tide.core.fields import PREFIX, decrypt, encrypt
from tide.testing.fixtures import make_user

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _stored(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT totp_secret FROM {User._meta.db_table} WHERE id = %s", [user.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def user(area):
    return make_user(area, "practitioner", totp_secret=SECRET)


def test_the_secret_is_stored_encrypted_and_read_back_plain(user):
    stored = _stored(user)
    assert stored.startswith(PREFIX)
    assert SECRET not in stored
    assert User.objects.get(pk=user.pk).totp_secret == SECRET
    assert encrypt(SECRET) != encrypt(SECRET)  # a fresh IV each time


def test_a_secret_stored_before_encryption_still_reads_and_is_encrypted_when_saved(user):
    User.objects.filter(pk=user.pk).update(totp_secret="")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {User._meta.db_table} SET totp_secret = %s WHERE id = %s", [SECRET, user.pk])  # noqa: S608
    legacy = User.objects.get(pk=user.pk)
    assert legacy.totp_secret == SECRET
    legacy.save(update_fields=["totp_secret"])
    assert _stored(legacy).startswith(PREFIX)


def test_secrets_stay_readable_when_a_new_key_is_added_first(user):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(TIDE_FIELD_KEYS=old):
        token = encrypt(SECRET)
    with override_settings(TIDE_FIELD_KEYS=f"{new},{old}"):
        assert decrypt(token) == SECRET
        assert Fernet(new).decrypt(encrypt(SECRET)[len(PREFIX) :].encode()).decode() == SECRET  # new key encrypts
    assert encrypt("") == ""
