"""Tell later rooms that events arrived in the ledger, without the ledger importing them.

Identification registers a listener (incremental screening, triggers); the ledger calls
:func:`events_recorded` after the transaction that wrote the events commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Listener = Callable[[Sequence[int]], None]  # receives the ids of the new ServiceEvent rows
_listeners: dict[str, Listener] = {}


def register(name: str, listener: Listener) -> None:
    _listeners[name] = listener


def events_recorded(event_ids: Sequence[int]) -> None:
    for listener in _listeners.values():
        listener(event_ids)
