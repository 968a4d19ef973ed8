"""A NUL character anywhere in a request gets a clear 400 on every route, never a server error.

PostgreSQL refuses NUL in text, so a NUL that reaches a query is a 500 there (``/inquiries/register/%00``,
``/statistics/?area=%00``). Run this file on PostgreSQL too.
"""

from __future__ import annotations

import re

import pytest

from tide.areas.models import Role
from tide.core.access import iter_routes
from tide.testing.factories import PersonFactory
from tide.testing.fixtures import make_user

ROUTES = list(iter_routes(include_admin=True))
PARAM = re.compile(r"<(?:(\w+):)?\w+>")


def _path(route, pk, nul):
    """The route's URL with ``1``/``pk`` for ints and, when ``nul``, ``%00`` for every other parameter."""

    def sub(match):
        converter = match.group(1) or "str"
        if converter == "int":
            return str(pk)
        return "%00" if nul else "x"

    return "/" + PARAM.sub(sub, route.pattern)


def _has_text_param(route):
    return any((m.group(1) or "str") != "int" for m in PARAM.finditer(route.pattern))


def _check(response, where):
    assert response.status_code < 500, where
    assert response.status_code == 400, f"{where}: {response.status_code}"
    assert b"NUL" in response.content, where


@pytest.fixture(params=["anonymous", Role.ADMINISTRATOR, Role.COORDINATOR, Role.PRACTITIONER])
def visitor(request, client, area):
    if request.param != "anonymous":
        client.force_login(make_user(area, request.param))
    return client


def test_every_route_refuses_a_nul_in_the_path_or_query(visitor, area):
    person = PersonFactory(area=area)
    checked = 0
    for route in ROUTES:
        urls = [_path(route, person.pk, nul=False) + "?q=%00&area=%00&page=x%00y"]
        if _has_text_param(route):
            urls.append(_path(route, person.pk, nul=True))
        for url in urls:
            _check(visitor.get(url), f"GET {url}")
            checked += 1
    assert checked > len(ROUTES)


def test_every_route_refuses_a_nul_in_a_posted_form_or_cookie(visitor, area):
    person = PersonFactory(area=area)
    for route in ROUTES:
        url = _path(route, person.pk, nul=False)
        _check(visitor.post(url, {"reason": "a\x00b", "q": "x"}), f"POST {url}")
        _check(visitor.post(url, {"x\x00": "1"}), f"POST {url} (field name)")
    visitor.cookies["sessionid"] = "abc\x00def"
    _check(visitor.get("/"), "cookie")


def test_a_nul_in_a_header_is_refused(client, db):
    _check(client.get("/", HTTP_USER_AGENT="Mozilla\x00"), "user agent")


def test_requests_without_nul_are_untouched(client, db):
    assert client.get("/inquiries/register/").status_code != 400
    assert client.get("/?q=ab%01c").status_code != 400
