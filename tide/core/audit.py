"""The append-only, hash-chained audit log.

Services call :func:`audit_record` inside their own transaction, so a change and its audit row are
committed together or not at all. Each row's hash covers the previous row's hash and this row's
content; :func:`audit_verify` recomputes the chain and names the first row that does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from tide.core.models import AuditEvent
from tide.core.request_context import current_request_info

GENESIS = "0" * 64
_LOCK_KEY = 7_420_001  # PostgreSQL advisory lock that serialises writers of the chain.


def _canonical(event: AuditEvent) -> bytes:
    content = {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "person_id": event.person_id,
        "ip_address": event.ip_address,
        "reason": event.reason,
        "detail": event.detail,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + _canonical(event)).hexdigest()


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return f"{name} ({actor.get_username()})" if name else str(actor.get_username())


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    target: Model | None = None,
    person_id: int | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row to the audit log in the caller's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    info = current_request_info()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=timezone.now(),
        actor=actor_obj,
        actor_label=_actor_label(actor_obj),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        person_id=person_id,
        ip_address=info.ip_address if info else None,
        reason=reason,
        detail=json.loads(json.dumps(detail or {}, default=str)),
        prev_hash=last or GENESIS,
    )
    event.hash = compute_hash(event.prev_hash, event)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_broken_id: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def _iter_events(batch: int = 5000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def audit_verify() -> VerifyResult:
    """Walk the chain from the first row; return the first row whose link or content fails."""
    prev = GENESIS
    checked = 0
    for event in _iter_events():
        checked += 1
        if event.prev_hash != prev:
            return VerifyResult(
                checked, event.id, "its link to the previous row is broken (a row was removed or inserted)"
            )
        if compute_hash(prev, event) != event.hash:
            return VerifyResult(checked, event.id, "its content does not match its hash (the row was altered)")
        prev = event.hash
    return VerifyResult(checked, None, "")
