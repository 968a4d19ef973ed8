"""Role-aware navigation: each room registers its entries in ``AppConfig.ready``."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from tide.core.access import user_has_role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100


_items: dict[str, NavItem] = {}


def register(label: str, url_name: str, *, roles: set[str] | frozenset[str], order: int = 100) -> None:
    _items[url_name] = NavItem(label, url_name, frozenset(roles), order)


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
        result.append({"label": item.label, "href": href, "active": active})
    return result
