"""Behind a TLS proxy the throttle and the audit log see the real client, and never a forged one."""

import pyotp
from django.test import override_settings

from tide.areas.models import Role, SignInAttempt
from tide.core.models import AuditEvent
from tide.testing.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from tide.testing.fixtures import make_user

PROXY = "10.0.0.2"
CLIENT_A = "203.0.113.50"
CLIENT_B = "198.51.100.60"


def _via_proxy(client_address):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def _password(client, username, password=TEST_PASSWORD, **extra):
    return client.post("/sign-in", {"username": username, "password": password}, **extra)


@override_settings(TIDE_TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_one_guessing_client_does_not_lock_out_the_others(client, area, coordinator):
    for i in range(25):
        _password(client, f"someone{i}", password="wrong", **_via_proxy(CLIENT_A))
    assert set(SignInAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT_A}
    refused = _password(client, coordinator.username, **_via_proxy(CLIENT_A))
    assert b"Too many failed attempts to sign in from your connection" in refused.content
    assert _password(client, coordinator.username, **_via_proxy(CLIENT_B)).url == "/sign-in/code"


@override_settings(TIDE_TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_a_distributed_guess_still_locks_that_account(client, area, coordinator):
    # The real user signed in before from their usual address.
    SignInAttempt.objects.create(
        username=coordinator.username, ip_address=CLIENT_B, stage="code", succeeded=True, at=_now()
    )
    for i in range(10):
        _password(client, coordinator.username, password="wrong", **_via_proxy(f"192.0.2.{i + 1}"))
    refused = _password(client, coordinator.username, **_via_proxy("192.0.2.200"))
    assert b"Too many failed attempts to sign in to this account" in refused.content
    assert _password(client, coordinator.username, **_via_proxy(CLIENT_B)).url == "/sign-in/code"


@override_settings(TIDE_TRUSTED_PROXIES=[PROXY])
def test_audit_rows_record_the_real_client_address_behind_a_trusted_proxy(client, area):
    user = make_user(area, Role.COORDINATOR)
    _password(client, user.username, **_via_proxy(CLIENT_A))
    client.post("/sign-in/code", {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()}, **_via_proxy(CLIENT_A))
    event = AuditEvent.objects.get(action="user.signed_in", actor=user)
    assert event.ip_address == CLIENT_A
    assert SignInAttempt.objects.get(username=user.username, succeeded=True).ip_address == CLIENT_A


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(client, area, coordinator):
    attacker = "203.0.113.5"
    for i in range(5):
        _password(
            client,
            coordinator.username,
            password="wrong",
            REMOTE_ADDR=attacker,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i + 1}",
        )
    assert set(SignInAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
    refused = _password(client, coordinator.username, REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert b"Too many failed attempts" in refused.content


@override_settings(TIDE_TRUSTED_PROXIES=[PROXY])
def test_a_forwarded_for_from_an_untrusted_peer_is_ignored(client, area, coordinator):
    attacker = "203.0.113.5"
    for i in range(5):
        _password(
            client, coordinator.username, password="wrong", REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        )
    assert set(SignInAttempt.objects.values_list("ip_address", flat=True)) == {attacker}


def _now():
    from django.utils import timezone

    return timezone.now()
