"""Who uses an event type: rooms above the ledger (definitions, outcome measures) register a provider
that names, for one area and one code, the things of theirs that count events of that type."""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[int, str], list[str]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def uses_of(*, area_id: int, code: str) -> list[str]:
    """Every use the registered rooms name, e.g. "Definition: Changing Futures (Homelessness)"."""
    return [use for name in sorted(_providers) for use in _providers[name](area_id, code)]
