"""Every route declares who may use it; a route without a rule fails here."""

from tide.core.access import policy_table


def test_every_route_declares_an_access_rule():
    undeclared = [(pattern, name) for pattern, name, who in policy_table() if who == "UNDECLARED"]
    assert undeclared == []


def test_policy_table_lists_known_routes():
    names = {name for _, name, _ in policy_table()}
    assert {"home", "login", "people:search", "people:detail"} <= names


def test_signed_out_user_is_sent_to_sign_in(client, db):
    response = client.get("/people/")
    assert response.status_code == 302
    assert response.url.startswith("/sign-in")


def test_security_headers_are_set(client, db):
    response = client.get("/sign-in")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
