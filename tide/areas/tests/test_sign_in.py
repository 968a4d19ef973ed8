from tide.areas.models import Role
from tide.core.models import AuditEvent
from tide.testing.factories import TEST_PASSWORD
from tide.testing.fixtures import make_user


def test_sign_in_and_out_are_audited(client, coordinator):
    response = client.post("/sign-in", {"username": coordinator.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.signed_in", actor=coordinator).exists()
    client.post("/sign-out")
    assert AuditEvent.objects.filter(action="user.signed_out", actor=coordinator).exists()


def test_wrong_password_gives_a_clear_message(client, coordinator):
    response = client.post("/sign-in", {"username": coordinator.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content


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
    assert b"Find a person" in client.get("/").content
    client.force_login(make_user(area, Role.COMMISSIONER))
    assert b"Find a person" not in client.get("/").content
