"""Optimistic concurrency for records several people write (ADR 0064).

A shared record carries an integer ``version``. An edit form carries the version the user read; the
service saves with :func:`save_versioned`, one ``UPDATE ... SET ..., version = version + 1 WHERE pk = %s
AND version = %s``. When another save came first the update touches no row, nothing is written, and
:class:`StaleEdit` says who changed the record, when and what they did (from the audit log), so the
page can show the other change and ask the user to apply theirs on top or keep it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Model
from django.utils import timezone


@dataclass(frozen=True)
class Change:
    """The last recorded change to a record: who, when, what."""

    by: str
    at: dt.datetime | None
    what: str

    def describe(self) -> str:
        local = timezone.localtime(self.at) if self.at else None
        when = f" at {local:%H:%M} on {local.day} {local:%b %Y}" if local else ""
        return f"{self.by or 'Someone'}{when}: {self.what}" if self.what else f"{self.by or 'Someone'}{when}"


class StaleEdit(Exception):  # noqa: N818 - a domain error, named for what happened
    """The record changed after the user read it; nothing was saved."""

    def __init__(self, *, instance: Model, read_version: int, current_version: int, change: Change) -> None:
        self.instance = instance
        self.read_version = read_version
        self.current_version = current_version
        self.change = change
        super().__init__(f"{change.describe()}. This changed after you opened it, so your changes have not been saved.")


def last_change(instance: Model) -> Change:
    """Who last changed ``instance``, when and how, from the audit log (services audit every write)."""
    from tide.core.models import AuditEvent

    event = (
        AuditEvent.objects.filter(target_type=instance._meta.label_lower, target_id=str(instance.pk))
        .order_by("-id")
        .only("actor_label", "at", "action")
        .first()
    )
    if event is None:
        return Change("", None, "")
    return Change(event.actor_label, event.at, event.action.replace("_", " ").replace(".", ": "))


def save_versioned(instance: Model, *, read_version: int, fields: list[str]) -> int:
    """Write ``fields`` of ``instance`` if its stored version is still ``read_version``; bump the version.

    Returns the new version (also set on ``instance``). Raises :class:`StaleEdit` and writes nothing
    when someone saved in between. Call inside the service's transaction.
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    updated = model._default_manager.filter(pk=instance.pk, version=read_version).update(
        **values, version=F("version") + 1
    )
    if updated != 1:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise StaleEdit(
            instance=instance,
            read_version=read_version,
            current_version=current if current is not None else -1,
            change=last_change(instance),
        )
    instance.version = read_version + 1  # type: ignore[attr-defined]
    return read_version + 1


def check_version(
    instance: Model, *, read_version: int | None, current_version: int, change: Change | None = None
) -> None:
    """For records versioned by a sequence (a plan's version numbers): refuse when the user read an older one."""
    if read_version is not None and read_version != current_version:
        raise StaleEdit(
            instance=instance,
            read_version=read_version,
            current_version=current_version,
            change=change if change is not None else last_change(instance),
        )
