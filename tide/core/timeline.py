"""A person's timeline, assembled from every room without the rooms depending on each other.

Each room registers a provider in ``AppConfig.ready``; a provider returns :class:`Entry` items for one
person that the viewing user may see. The people room renders the merged, dated list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entry:
    on: dt.date
    title: str
    kind: str  # e.g. "service event", "referral", "contact"
    source: str = ""  # the agency or room it came from
    detail: str = ""
    sensitive: str = ""  # "", "health" (Art. 9) or "criminal" (Art. 10)
    url: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


Provider = Callable[[Any, Any], list[Entry]]  # (person, user) -> entries
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def timeline_for(person: Any, user: Any, *, limit: int = 200) -> list[Entry]:
    entries: list[Entry] = []
    for provider in _providers.values():
        entries.extend(provider(person, user))
    entries.sort(key=lambda e: e.on, reverse=True)
    return entries[:limit]
