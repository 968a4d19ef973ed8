"""Who may use which page: every view declares its rule, and the policy table is built from them.

``@access(roles=...)`` wraps a view: anonymous users go to sign-in, signed-in users without one of the
roles get a 403 page. The declared rule stays on the view as ``tide_access`` so that
:func:`policy_table` can list every URL with who may use it, and a test can fail when a route has none.
Person-level rules (a legitimate relationship, break-glass) live in each room's selectors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = "public"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class AccessRule:
    roles: frozenset[str]  # role codes, or {PUBLIC} / {SIGNED_IN}
    person_gate: bool = False  # the page shows one person's record: relationship rules apply
    note: str = ""

    def describe(self) -> str:
        who = ", ".join(sorted(self.roles))
        return f"{who} (person record: need-to-know)" if self.person_gate else who


def user_has_role(user: Any, roles: Iterable[str]) -> bool:
    roles = set(roles)
    if PUBLIC in roles:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if SIGNED_IN in roles:
        return True
    return getattr(user, "role", None) in roles


def access(*, roles: Iterable[str], person_gate: bool = False, note: str = "") -> Callable[..., Any]:
    rule = AccessRule(roles=frozenset(roles), person_gate=person_gate, note=note)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if PUBLIC not in rule.roles:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not user_has_role(request.user, rule.roles):
                    raise PermissionDenied("Your role does not give you access to this page.")
            return view(request, *args, **kwargs)

        wrapped.tide_access = rule  # type: ignore[attr-defined]
        return wrapped

    return decorator


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    view: Callable[..., Any]

    @property
    def rule(self) -> AccessRule | None:
        return getattr(self.view, "tide_access", None)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(prefix + str(entry.pattern), name, entry.callback)


def iter_routes(*, include_admin: bool = False) -> Iterator[Route]:
    for route in _walk(get_resolver().url_patterns):
        if not include_admin and route.pattern.startswith("admin/"):
            continue
        yield route


def policy_table() -> list[tuple[str, str, str]]:
    """(URL pattern, name, who may use it) for every route outside the Django admin."""
    rows = []
    for route in iter_routes():
        rows.append((route.pattern, route.name, route.rule.describe() if route.rule else "UNDECLARED"))
    return sorted(rows)
