"""Who has a legitimate relationship with a person: the second of the three access gates.

Rooms that know about relationships (coordination: the person's coordinator, agencies involved with
consent or under an information-sharing agreement) register a provider in ``AppConfig.ready``. A
provider returns a short description of the relationship ("coordinator", "agency involved: Police")
or ``None``. Selectors ask :func:`relationship_of` before showing a person's record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any, Any], str | None]  # (user, person) -> description or None
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def relationship_of(user: Any, person: Any) -> str | None:
    for provider in _providers.values():
        found = provider(user, person)
        if found:
            return found
    return None
