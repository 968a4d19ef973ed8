"""The append-only, hash-chained audit log.

Services call :func:`audit_record` inside their own transaction, so a change and its audit row are
committed together or not at all. Each row's hash covers the previous row's hash and this row's
content; :func:`audit_verify` recomputes the chain and names the first row that does not match.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
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


# Rows waiting to join the chain at the end of an :func:`audit_deferred` block (None: write at once).
_deferred: ContextVar[list[AuditEvent] | None] = ContextVar("tide_audit_deferred", default=None)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _append(events: list[AuditEvent]) -> None:
    """Chain and insert ``events`` after the log's last row, holding the chain's lock."""
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    for event in events:
        event.prev_hash = last
        event.hash = last = compute_hash(last, event)
        event.save(force_insert=True)


@contextmanager
def audit_deferred() -> Iterator[None]:
    """Hold back the audit rows written inside the block and chain them when it ends.

    For one long transaction (an import of a million rows): its rows still commit with its changes, but
    the chain's lock (which every audited page view needs) is taken only at the end, just before the
    commit, instead of being held for the whole transaction. Must run inside that transaction.
    """
    if _deferred.get() is not None:  # already deferred by an outer block
        yield
        return
    held: list[AuditEvent] = []
    token = _deferred.set(held)
    try:
        yield
    finally:
        _deferred.reset(token)
    if held:
        _append(held)


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
    """Append one row to the audit log in the caller's transaction (or at the end of an
    :func:`audit_deferred` block)."""
    info = current_request_info()
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
    )
    held = _deferred.get()
    if held is not None:
        held.append(event)
    else:
        _append([event])
    return event


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_broken_id: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return not self.problem


def _iter_events(batch: int = 5000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def audit_verify(heads: Iterable[AuditHead] = ()) -> VerifyResult:
    """Walk the chain from the first row; return the first row whose link or content fails.

    With ``heads`` (recorded earlier by :func:`audit_head`, kept outside the database), also check that
    each is still in the chain: the row at its position has its hash. The chain alone cannot notice
    rows removed from its end; a recorded head can.
    """
    wanted: dict[int, set[str]] = {}
    for head in heads:
        wanted.setdefault(head.rows, set()).add(head.hash)
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
        for recorded in wanted.get(checked, ()):
            if recorded != event.hash:
                return VerifyResult(
                    checked,
                    event.id,
                    f"it is row number {checked} but does not match the recorded head {checked}:{recorded} "
                    "(rows were removed and others written in their place)",
                )
        prev = event.hash
    missing = max((rows for rows in wanted if rows > checked), default=0)
    if missing:
        cut = missing - checked
        return VerifyResult(
            checked,
            None,
            f"the log has {checked} rows but a head was recorded at {missing} rows: "
            f"{cut} {'row was' if cut == 1 else 'rows were'} removed from the end",
        )
    return VerifyResult(checked, None, "")


# --- The head: the row count and latest hash, kept outside the database (ADR 0066) -------------

HEAD_PATTERN = re.compile(r"(\d+) rows, sha256 ([0-9a-f]{64})")
head_logger = logging.getLogger("tide.audit")


@dataclass(frozen=True)
class AuditHead:
    rows: int
    hash: str

    def __str__(self) -> str:
        return f"{self.rows}:{self.hash}"

    def describe(self) -> str:
        return f"audit head: {self.rows} rows, sha256 {self.hash}"

    @classmethod
    def parse(cls, text: str) -> AuditHead:
        """``COUNT:HASH`` (as ``tide audit head`` prints it), or a line of the head file."""
        text = text.strip()
        match = re.fullmatch(r"(\d+):([0-9a-fA-F]{64})", text) or HEAD_PATTERN.search(text)
        if not match:
            raise ValueError(f"{text[:80]!r} is not an audit head: give COUNT:HASH as `tide audit head` prints it.")
        return cls(int(match.group(1)), match.group(2).lower())


@transaction.atomic
def audit_head() -> AuditHead:
    """The number of rows and the latest row's hash, read while no one appends."""
    _lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    return AuditHead(AuditEvent.objects.count(), last or GENESIS)


def audit_heads_read(path: str | Path) -> list[AuditHead]:
    """Every head recorded in a head file (lines without one are skipped)."""
    heads = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if HEAD_PATTERN.search(line):
            heads.append(AuditHead.parse(line))
    return heads


def audit_head_write() -> AuditHead:
    """Check the chain against the heads recorded so far, then record the current head outside the
    database: a line to the ``tide.audit`` log and, if ``TIDE_AUDIT_HEAD_FILE`` is set, appended to it.

    Raises ``RuntimeError`` (and records nothing) if the chain is broken or a recorded head is missing.
    """
    from django.conf import settings

    path = getattr(settings, "TIDE_AUDIT_HEAD_FILE", "") or ""
    recorded = audit_heads_read(path) if path and Path(path).exists() else []
    result = audit_verify(recorded)
    if not result.ok:
        where = f" at row {result.first_broken_id}" if result.first_broken_id else ""
        head_logger.error("Audit chain broken%s: %s.", where, result.problem)
        raise RuntimeError(f"Audit chain broken{where}: {result.problem}.")
    head = audit_head()
    line = f"{timezone.now().isoformat(timespec='seconds')} {head.describe()}"
    head_logger.info(line)
    if path:
        with open(path, "a", encoding="utf-8") as file:  # append only: the file may be chattr +a
            file.write(line + "\n")
            file.flush()
            os.fsync(file.fileno())
    return head


def audit_head_job(job: Any, progress: Any) -> dict[str, Any]:
    """The daily routine ``core.audit_head``."""
    head = audit_head_write()
    return {"rows": head.rows, "hash": head.hash}
