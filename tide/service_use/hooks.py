"""Tell later rooms that events arrived in, or moved within, the ledger, without the ledger importing them.

Identification registers listeners (incremental screening, triggers); the ledger calls
:func:`events_recorded` after the transaction that wrote the events commits, and :func:`events_moved`
after the one that moved an agency record's events to another person (linkage relinking a record).
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


MoveListener = Callable[[Sequence[int]], None]  # receives the ids of the people whose events changed
_move_listeners: dict[str, MoveListener] = {}


def register_moved(name: str, listener: MoveListener) -> None:
    _move_listeners[name] = listener


def events_moved(person_ids: Sequence[int]) -> None:
    for listener in _move_listeners.values():
        listener(person_ids)
