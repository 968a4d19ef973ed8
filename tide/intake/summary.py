"""What an accepted extract changed beyond intake: a small registry that higher rooms fill.

Intake sits below identification, so it cannot ask the by-name list itself; identification registers a
provider (in its ``AppConfig.ready``) that, given a file and the people its events were recorded for,
names those the file's import changed (for example, who joined the by-name list)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Effect:
    heading: str
    person_ids: list[int]


Provider = Callable[[Any, list[int]], Effect | None]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def effects_of(file: Any, person_ids: list[int]) -> list[Effect]:
    """Each registered room's account of what the import changed, in the order they registered."""
    found = (provider(file, person_ids) for provider in _providers.values())
    return [effect for effect in found if effect is not None]
