"""The caseload as identification sees it, through a registry (the room above, coordination, provides it).

Identification sits below coordination (see docs/architecture.md), so it never imports coordination's
models: the by-name list's statuses, the alerts' recipients and the equity figures ask this registry
instead. With no provider registered (a deployment without coordination) nobody is on a caseload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseloadProvider:
    """What identification needs to know of the caseload, each a read over many people at once."""

    # people among ``person_ids`` with a support episode open on ``today`` (started by then, not ended)
    open_on: Callable[[Iterable[int], dt.date], set[int]]
    # each person's latest ended episode: (exit destination, ended on)
    last_exits: Callable[[Iterable[int]], dict[int, tuple[str, dt.date | None]]]
    # each person's coordinator on their latest open episode with one
    coordinators: Callable[[Iterable[int]], dict[int, int]]
    # everyone of the area who has ever had a support episode
    ever_supported: Callable[[int], set[int]]


_provider: CaseloadProvider | None = None


def register(provider: CaseloadProvider) -> None:
    global _provider
    _provider = provider


def unregister() -> None:
    global _provider
    _provider = None


def open_on(person_ids: Iterable[int], today: dt.date) -> set[int]:
    return _provider.open_on(person_ids, today) if _provider else set()


def last_exits(person_ids: Iterable[int]) -> dict[int, tuple[str, dt.date | None]]:
    return _provider.last_exits(person_ids) if _provider else {}


def coordinators(person_ids: Iterable[int]) -> dict[int, int]:
    return _provider.coordinators(person_ids) if _provider else {}


def ever_supported(area_id: int) -> set[int]:
    return _provider.ever_supported(area_id) if _provider else set()
