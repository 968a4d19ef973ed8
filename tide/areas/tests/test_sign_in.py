import time

import pyotp
import pytest

from tide.areas.models import Role, SignInAttempt
from tide.areas.throttle import Counts, ThrottlePolicy, refusal
from tide.core.models import AuditEvent
from tide.testing.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from tide.testing.fixtures import make_user


def _code(step_offset=0):
    totp = pyotp.TOTP(TEST_TOTP_SECRET)
    return totp.at(time.time() + step_offset * totp.interval)


def _password(client, user, password=TEST_PASSWORD, **extra):
    return client.post("/sign-in", {"username": user.username, "password": password}, **extra)


def test_staff_sign_in_needs_password_then_code_and_both_are_audited(client, coordinator):
    response = _password(client, coordinator)
    assert response.status_code == 302
    assert response.url == "/sign-in/code"
    assert client.get("/people/").status_code == 302  # not signed in yet
    assert client.post("/sign-in/code", {"code": "000000" if _code() != "000000" else "111111"}).status_code == 200
    response = client.post("/sign-in/code", {"code": _code()})
    assert response.status_code == 302
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(action="user.signed_in", actor=coordinator, detail__second_factor=True).exists()
    client.post("/sign-out")
    assert AuditEvent.objects.filter(action="user.signed_out", actor=coordinator).exists()


def test_a_code_is_never_accepted_twice(client, coordinator, settings):
    settings.TIDE_SHOW_SIGN_IN_CODES = False
    _password(client, coordinator)
    code = _code()
    assert client.post("/sign-in/code", {"code": code}).status_code == 302
    client.post("/sign-out")
    _password(client, coordinator)
    assert client.post("/sign-in/code", {"code": code}).status_code == 200


def test_demo_accepts_the_shown_code_again_for_the_same_persona_and_never_locks_it(client, coordinator, settings):
    settings.TIDE_SHOW_SIGN_IN_CODES = True
    for _ in range(6):  # more than the throttle allows in failures
        _password(client, coordinator)
        shown = client.get("/sign-in/code").context["demo_code"]
        assert client.post("/sign-in/code", {"code": shown}).status_code == 302
        client.post("/sign-out")
    assert not SignInAttempt.objects.filter(stage="code", succeeded=False).exists()


def test_demo_still_refuses_a_code_from_an_earlier_step(client, coordinator, settings):
    settings.TIDE_SHOW_SIGN_IN_CODES = True
    _password(client, coordinator)
    assert client.post("/sign-in/code", {"code": _code()}).status_code == 302
    client.post("/sign-out")
    _password(client, coordinator)
    assert client.post("/sign-in/code", {"code": _code(-1)}).status_code == 200


def test_new_staff_enrol_an_authenticator_shown_as_a_key(client, area):
    user = make_user(area, Role.PRACTITIONER, totp_secret="", totp_confirmed_at=None)
    response = _password(client, user)
    assert response.url == "/sign-in/set-up-code"
    page = client.get("/sign-in/set-up-code").content.decode()
    secret = client.session["tide_enrol_secret"]
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert client.post("/sign-in/set-up-code", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    user.refresh_from_db()
    assert user.totp_secret == secret
    assert user.totp_confirmed_at is not None
    assert AuditEvent.objects.filter(action="user.second_factor_enrolled", actor=user).exists()


def test_code_page_without_a_password_first_goes_back_to_sign_in(client, db):
    assert client.get("/sign-in/code").url == "/sign-in"


def test_wrong_password_gives_a_clear_message(client, coordinator):
    response = _password(client, coordinator, password="wrong")
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content
    assert SignInAttempt.objects.filter(username=coordinator.username, succeeded=False).count() == 1


def test_repeated_failures_throttle_that_account_from_that_address_only(client, coordinator):
    for _ in range(5):
        _password(client, coordinator, password="wrong", REMOTE_ADDR="203.0.113.5")
    refused = _password(client, coordinator, REMOTE_ADDR="203.0.113.5")
    assert b"Too many failed attempts" in refused.content
    assert getattr(refused, "url", "") != "/sign-in/code"
    # The real user elsewhere is not locked out.
    assert _password(client, coordinator, REMOTE_ADDR="198.51.100.1").url == "/sign-in/code"


@pytest.mark.parametrize(
    ("counts", "refused"),
    [
        (Counts(4, 4, 4, False), False),
        (Counts(5, 5, 5, True), True),
        (Counts(0, 20, 0, False), True),
        (Counts(1, 1, 10, False), True),
        (Counts(1, 1, 50, True), False),  # spraying from elsewhere cannot lock out the user's usual address
    ],
)
def test_throttle_rules(counts, refused):
    assert (refusal(counts, ThrottlePolicy()) is not None) == refused


def test_idle_session_is_signed_out(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/people/").status_code == 200
    session = client.session
    session["tide_seen_at"] = time.time() - 31 * 60
    session.save()
    response = client.get("/people/")
    assert response.status_code == 302
    assert response.url.startswith("/sign-in")
    assert AuditEvent.objects.filter(action="user.session_expired", detail__reason="idle").exists()


def test_absolute_session_limit_applies_even_when_active(client, coordinator):
    client.force_login(coordinator)
    session = client.session
    session["tide_auth_at"] = time.time() - 11 * 60 * 60
    session.save()
    assert client.get("/people/").url.startswith("/sign-in")


def test_password_change(client, coordinator):
    client.force_login(coordinator)
    bad = client.post(
        "/account/password", {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert b"There is a problem" in bad.content
    good = client.post(
        "/account/password",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert good.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("a-much-longer-passphrase")


def test_navigation_depends_on_role(client, area, coordinator):
    client.force_login(coordinator)
    assert b"Find a person" in client.get("/", follow=True).content
    client.force_login(make_user(area, Role.COMMISSIONER))
    assert b"Find a person" not in client.get("/", follow=True).content
