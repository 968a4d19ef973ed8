"""The Django admin sits behind Tide's own sign-in: password, authenticator code and throttle."""

import importlib

import pyotp
import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from tide.areas.models import Role
from tide.testing.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from tide.testing.fixtures import make_user

ADMIN_PAGES = ["/admin/", "/admin/intake/agencytoken/", "/admin/intake/agencytoken/add/", "/admin/areas/user/"]


@pytest.fixture
def administrator(area):
    return make_user(area, Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def _signed_in(client):
    return "_auth_user_id" in client.session


def test_the_admin_login_does_not_sign_in_even_after_guessing(client, administrator):
    for _ in range(30):
        client.post("/admin/login/", {"username": administrator.username, "password": "wrong"})
    response = client.post(
        "/admin/login/?next=/admin/", {"username": administrator.username, "password": TEST_PASSWORD}
    )
    assert not _signed_in(client)
    assert response.status_code == 302
    assert response.url == "/sign-in?next=/admin/"
    assert client.get("/admin/intake/agencytoken/").status_code == 302


def test_the_admin_login_page_sends_people_to_tide_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/intake/agencytoken/")
    assert response.status_code == 302
    assert response.url == "/sign-in?next=/admin/intake/agencytoken/"


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_a_session_without_the_second_factor_cannot_open_admin_pages(client, administrator, page):
    client.force_login(administrator)
    response = client.get(page)
    assert response.status_code in {302, 403}
    assert b"token" not in response.content.lower()


def test_after_password_and_code_an_administrator_opens_the_admin(client, administrator):
    client.post(
        "/sign-in?next=/admin/intake/agencytoken/", {"username": administrator.username, "password": TEST_PASSWORD}
    )
    response = client.post("/sign-in/code", {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert response.url == "/admin/intake/agencytoken/"
    for page in ADMIN_PAGES:
        assert client.get(page).status_code == 200, page


def test_staff_who_are_not_admin_staff_are_refused_after_the_second_factor(client, area):
    coordinator = make_user(area, Role.COORDINATOR)
    client.post("/sign-in", {"username": coordinator.username, "password": TEST_PASSWORD})
    client.post("/sign-in/code", {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert _signed_in(client)
    assert client.get("/admin/", follow=True).status_code == 403
    assert client.get("/admin/login/").status_code == 403


def test_the_admin_can_be_switched_off(client, administrator):
    import config.urls

    try:
        with override_settings(TIDE_ADMIN_ENABLED=False):
            clear_url_caches()
            importlib.reload(config.urls)
            assert not any(str(p.pattern).startswith("admin/") for p in config.urls.urlpatterns)
            assert client.get("/admin/login/").status_code == 404
    finally:
        clear_url_caches()
        importlib.reload(config.urls)
    assert client.get("/admin/login/").status_code == 302
