"""Daily routines: jobs that run once a day by themselves (escalating overdue actions at 06:00,
re-screening the ledger at 02:00), so nobody has to remember a cron entry.

A room declares one in its ``ready()``: ``daily("coordination.escalate", at=dt.time(6))`` (a job
kind it registered). :func:`routines_due` queues every routine whose time has come today (local
time) and that has not been queued today. A :class:`RoutineRun` row per routine and day, unique,
makes that hold with several processes. ``tide worker`` calls it between jobs and, with
``TIDE_JOBS_MODE=thread``, the web process after a request (``core.middleware.RoutinesMiddleware``),
each at most once a minute. A day missed while nothing ran is not caught up: each
routine works on the state of the day it runs.

An hourly routine (``hourly("messages.sweep", minute=5)``) is queued once an hour the same way, its
``RoutineRun`` named ``<kind>@<hour>``; an hour missed is not caught up either.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tide.core.jobs import job_enqueue
from tide.core.models import Job, RoutineRun


@dataclass(frozen=True)
class Routine:
    kind: str
    at: dt.time


_routines: dict[str, Routine] = {}
_hourly: dict[str, Routine] = {}
_last_check = 0.0
CHECK_SECONDS = 60.0


def daily(kind: str, *, at: dt.time) -> None:
    _routines[kind] = Routine(kind, at)


def hourly(kind: str, *, minute: int = 0) -> None:
    _hourly[kind] = Routine(kind, dt.time(0, minute))


def hourly_routines() -> list[Routine]:
    return sorted(_hourly.values(), key=lambda r: r.kind)


def routines() -> list[Routine]:
    return sorted(_routines.values(), key=lambda r: (r.at, r.kind))


def routines_due(now: dt.datetime | None = None) -> list[Job]:
    """Queue each routine due by ``now`` and not yet queued today; the jobs queued."""
    local = timezone.localtime(now or timezone.now())
    queued: list[Job] = []
    done = set(RoutineRun.objects.filter(day=local.date()).values_list("routine", flat=True))
    due = [(r.kind, r.kind) for r in routines() if r.kind not in done and local.time() >= r.at]
    due += [
        (f"{r.kind}@{local.hour:02d}", r.kind)
        for r in hourly_routines()
        if f"{r.kind}@{local.hour:02d}" not in done and local.minute >= r.at.minute
    ]
    for name, kind in due:
        try:
            with transaction.atomic():
                run = RoutineRun.objects.create(routine=name, day=local.date())
                run.job = job_enqueue(kind=kind, params={}, actor=None)
                run.save(update_fields=["job"])
        except IntegrityError:  # another process queued it first
            continue
        queued.append(run.job)
    return queued


def routines_due_now_and_then() -> list[Job]:
    """:func:`routines_due`, at most once a minute in this process."""
    global _last_check
    if time.monotonic() - _last_check < CHECK_SECONDS:
        return []
    _last_check = time.monotonic()
    return routines_due()
