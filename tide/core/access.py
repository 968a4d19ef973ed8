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
        if self.person_gate:
            who += " (person record: need-to-know)"
        return f"{who}; {self.note}" if self.note else who


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


# --- Need-to-know: the person-level gates -------------------------------------------------------
#
# Gate 1 is the role rule above. Gate 2 asks the relationship providers (tide.core.relationships).
# Gate 3 is break-glass: a time-limited, reasoned access that the privacy officer reviews; the room
# that stores break-glass grants registers a checker here (rooms to the left cannot import it).

SENSITIVE_HEALTH = "health"  # UK GDPR Art. 9 special category
SENSITIVE_CRIMINAL = "criminal"  # UK GDPR Art. 10 / DPA 2018 s.11(2)

# Which agency sectors need which sensitive categories for their work with a person.
SECTORS_NEEDING: dict[str, frozenset[str]] = {
    SENSITIVE_HEALTH: frozenset({"nhs_acute", "ambulance", "mental_health", "drug_alcohol", "adult_social_care"}),
    SENSITIVE_CRIMINAL: frozenset({"police", "probation", "prison"}),
}
# Roles that see every category once the relationship gate is passed (coordination and oversight).
ROLES_SEEING_ALL_CATEGORIES = frozenset({"coordinator", "accountable_officer", "privacy_officer"})

BreakGlassChecker = Callable[[Any, Any], str | None]  # (user, person) -> reason of an active grant
_break_glass_checkers: list[BreakGlassChecker] = []


def register_break_glass_checker(checker: BreakGlassChecker) -> None:
    if checker not in _break_glass_checkers:
        _break_glass_checkers.append(checker)


@dataclass(frozen=True)
class PersonAccess:
    """The outcome of the three gates for one user and one person."""

    allowed: bool
    via: str  # "relationship", "break_glass" or "" when refused
    relationship: str = ""  # the relationship description or the break-glass reason
    sensitive: frozenset[str] = frozenset()  # the sensitive categories this user may see

    @property
    def is_break_glass(self) -> bool:
        return self.via == "break_glass"


class NeedToKnowRefused(PermissionDenied):
    """The user's role allows the page but they have no relationship with this person."""

    def __init__(self, person_id: int) -> None:
        super().__init__(
            "You do not have a working relationship with this person. If you need to see the record "
            "urgently, you can break the glass: give your reason; the privacy officer is told."
        )
        self.person_id = person_id


def sensitive_categories_for(user: Any, *, break_glass: bool = False) -> frozenset[str]:
    if break_glass or getattr(user, "role", None) in ROLES_SEEING_ALL_CATEGORIES:
        return frozenset(SECTORS_NEEDING)
    sector = getattr(getattr(user, "agency", None), "sector", None)
    return frozenset(category for category, sectors in SECTORS_NEEDING.items() if sector in sectors)


def person_access(user: Any, person: Any) -> PersonAccess:
    """Gates 2 and 3 for a user whose role already allows the page (gate 1)."""
    from tide.core.relationships import relationship_of

    if not getattr(user, "is_authenticated", False) or getattr(user, "area_id", None) != person.area_id:
        return PersonAccess(allowed=False, via="")
    relationship = relationship_of(user, person)
    if relationship:
        return PersonAccess(True, "relationship", relationship, sensitive_categories_for(user))
    for checker in _break_glass_checkers:
        reason = checker(user, person)
        if reason:
            return PersonAccess(True, "break_glass", reason, sensitive_categories_for(user, break_glass=True))
    return PersonAccess(allowed=False, via="")


def filter_sensitive(entries: Iterable[Any], allowed: frozenset[str]) -> list[Any]:
    """Keep entries that are not sensitive, or whose category the viewer needs."""
    return [entry for entry in entries if not getattr(entry, "sensitive", "") or entry.sensitive in allowed]
