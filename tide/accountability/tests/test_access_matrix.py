"""Walk every route for every role and every relationship state.

Gate 1 (role) must answer exactly as the declared rule says; gates 2 and 3 (relationship, break-glass)
must refuse a person's record without a relationship and allow it with one or with break-glass; no
route may fail with a server error; and the committed policy table must list every route.
"""

import re

import pytest

from tide.accountability.models import BreakGlass, PersonAccount
from tide.accountability.policy import committed_policy, render_policy
from tide.areas.models import Role
from tide.core import relationships
from tide.core.access import PUBLIC, SIGNED_IN, iter_routes
from tide.testing.factories import PersonFactory
from tide.testing.fixtures import make_user

ROLES = [r.value for r in Role]
STATES = ["none", "relationship", "break_glass"]


def _url(route, person_pk):
    def sub(match):
        converter = match.group(1) or "str"
        return str(person_pk) if converter == "int" else "x"

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", sub, route.pattern)


def _visit(client, url):
    """GET the page; a POST-only route (405 to GET) is tried with an empty POST so its gates run."""
    response = client.get(url)
    return client.post(url, {}) if response.status_code == 405 else response


def _record_route(route):
    return route.rule.person_gate and route.pattern.startswith("people/<int:pk>/")


@pytest.fixture
def granted():
    allowed = set()
    relationships.register("test.matrix", lambda user, person: "test" if (user.pk, person.pk) in allowed else None)
    yield allowed
    relationships._providers.pop("test.matrix", None)


def test_the_committed_policy_table_lists_every_route():
    assert committed_policy() == render_policy(), (
        "The access policy changed. Check who may use the new or changed routes, then run "
        "`python manage.py access_policy --write` and commit tide/accountability/access_policy.tsv."
    )


def test_every_route_has_a_rule():
    assert [r.pattern for r in iter_routes() if r.rule is None] == []


def test_signed_out_visitors_reach_only_public_routes(client, area):
    person = PersonFactory(area=area)
    for route in iter_routes():
        response = _visit(client, _url(route, person.pk))
        assert response.status_code < 500, route.pattern
        if PUBLIC not in route.rule.roles:
            assert response.status_code == 302, route.pattern
            assert response.url.startswith("/sign-in"), route.pattern


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_routes_the_policy_gives_it(client, area, role, granted):
    person = PersonFactory(area=area)
    user = make_user(area, role)
    if role == Role.PERSON:
        PersonAccount.objects.create(user=user, person=person)
    client.force_login(user)
    for state in STATES:
        granted.clear()
        BreakGlass.objects.filter(user=user).delete()
        if state == "relationship":
            granted.add((user.pk, person.pk))
        elif state == "break_glass" and role in {Role.COORDINATOR, Role.PRACTITIONER, Role.TEAM_MANAGER}:
            response = client.post(
                f"/accountability/break-glass/person/{person.pk}", {"reason": "Urgent: found unwell, need GP details."}
            )
            assert response.status_code == 302
        for route in iter_routes():
            if route.name == "logout":
                continue
            url = _url(route, person.pk)
            response = _visit(client, url)
            where = f"{role} / {state} / {route.pattern}"
            assert response.status_code < 500, where
            role_allowed = bool(route.rule.roles & {PUBLIC, SIGNED_IN, role})
            if not role_allowed:
                assert response.status_code == 403, where
                continue
            if PUBLIC not in route.rule.roles:
                assert not (response.status_code == 302 and response.url.startswith("/sign-in")), where
            if _record_route(route):
                has_access = state == "relationship" or (
                    state == "break_glass" and role in {Role.COORDINATOR, Role.PRACTITIONER, Role.TEAM_MANAGER}
                )
                if role in {Role.ACCOUNTABLE_OFFICER, Role.PRIVACY_OFFICER}:
                    has_access = True  # oversight relationship
                assert (response.status_code != 403) == has_access, where
            elif response.status_code == 403:
                assert route.rule.note, f"{where}: refused although the role is allowed and no rule note explains why"
