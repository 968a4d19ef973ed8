"""Role-aware navigation: each room registers its entries in ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from tide.core.access import user_has_role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    badge: Callable[[Any], int] | None = None  # how many things there need the user's attention


_items: dict[str, NavItem] = {}
_landings: dict[str, Callable[[Any], str | None]] = {}


def register(
    label: str,
    url_name: str,
    *,
    roles: set[str] | frozenset[str],
    order: int = 100,
    badge: Callable[[Any], int] | None = None,
) -> None:
    _items[url_name] = NavItem(label, url_name, frozenset(roles), order, badge)


def register_landing(role: str, landing: Callable[[Any], str | None]) -> None:
    """Where a user of ``role`` lands after signing in: their own work (ADR 0031). ``landing(user)``
    returns a path, or ``None`` to keep the home page."""
    _landings[role] = landing


def landing_for(user: Any) -> str | None:
    landing = _landings.get(getattr(user, "role", "") or "")
    return landing(user) if landing is not None else None


def items_for(user: object, current_path: str) -> list[dict[str, object]]:
    result = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.label)):
        if not user_has_role(user, item.roles):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_path == href or (href != "/" and current_path.startswith(href))
        count = item.badge(user) if item.badge is not None else 0
        result.append({"label": item.label, "href": href, "active": active, "count": count})
    return result
