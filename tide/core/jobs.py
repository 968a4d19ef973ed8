"""Background jobs: long work outside the web request, with progress, cancellation and a record.

A room registers a handler for a job kind (``register("intake.import", handler)``), saying whether a
job of that kind may simply be run again after its worker died (``retry_safe=True``). A handler takes
``(job, progress)``; it calls ``progress(fraction, message)`` now and then, which also raises
:class:`JobCancelledError` if a user asked to cancel, or :class:`JobHandedBackError` when the worker
is shutting down and its grace period is over. Where the job runs depends on ``TIDE_JOBS_MODE``:
``thread`` (one machine: a thread starts after the enqueuing transaction commits, and the web process
picks up jobs left queued), ``eager`` (tests: inline, after commit) or ``worker`` (production:
``tide worker`` picks jobs up).

Survival (ADR 0067): while a job runs, a small thread of its own beats for it on its own database
connection, writing the heartbeat and the latest progress to the job's row and reading the cancel
flag, so the handler's transaction never holds that row. A running job whose heartbeat is older than
``TIDE_JOBS_STALE_SECONDS`` has lost its worker; :func:`jobs_reap` (every worker poll, and the web
process in thread mode) fails it with a message, or queues it again if its kind is safe to retry.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from tide.core.actors import actor_user
from tide.core.audit import audit_record
from tide.core.audit_actions import CORE_PRUNED, JOB_CANCEL_REQUESTED, JOB_HANDED_BACK, JOB_QUEUED, JOB_WORKER_LOST
from tide.core.models import Job, Worker

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Handler = Callable[[Job, Progress], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    handler: Handler
    retry_safe: bool


_kinds: dict[str, Kind] = {}
MAX_ATTEMPTS = 3  # a job safe to retry is run at most this many times
POLL_SECONDS = 10.0  # the web process (thread mode) looks for stale and left-over jobs at most this often
NO_WORKER = "no worker — jobs run in the web process"


class JobCancelledError(Exception):
    """A user asked to cancel the job; raised by ``progress`` inside the handler."""


class JobHandedBackError(Exception):
    """The worker is shutting down and its grace period is over; raised by ``progress``."""


def register(kind: str, handler: Handler, *, retry_safe: bool = False) -> None:
    _kinds[kind] = Kind(handler, retry_safe)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:200]


def _heard(when: dt.datetime) -> str:
    local = timezone.localtime(when)
    return f"{local:%H:%M:%S} on {local.day} {local:%B %Y}"


def stopped_message(heard: dt.datetime, *, retried: bool = False) -> str:
    then = "it has been queued again." if retried else "start it again."
    return f"The worker running this job stopped (last heard from at {_heard(heard)}). Nothing it was writing was kept; {then}"


# --- shutdown (SIGTERM) --------------------------------------------------------------------------


_stop_at: float | None = None


def stopping_begin(grace_seconds: float) -> None:
    """The process is stopping: a running job has ``grace_seconds`` more to finish, then is handed back."""
    global _stop_at
    if _stop_at is None:
        _stop_at = time.monotonic() + grace_seconds


def stopping() -> bool:
    return _stop_at is not None


def stopping_reset() -> None:
    global _stop_at
    _stop_at = None


def _hand_back_due() -> bool:
    return _stop_at is not None and time.monotonic() >= _stop_at


# --- queueing and cancelling ------------------------------------------------------------------------


def job_enqueue(*, kind: str, params: dict[str, Any], actor: Any) -> Job:
    if kind not in _kinds:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    job = Job.objects.create(kind=kind, params=params, created_by=actor_user(actor))
    audit_record(actor=actor, action=JOB_QUEUED, target=job, detail={"kind": kind})
    mode = settings.TIDE_JOBS_MODE
    if mode == "eager":
        transaction.on_commit(lambda: job_run(job.pk))
    elif mode == "thread":
        transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def _start_thread(job_id: int) -> None:
    def target() -> None:
        try:
            job_run(job_id, pulse_thread=True)
        finally:
            connection.close()  # the thread ends: its connection would otherwise stay open

    threading.Thread(target=target, name=f"tide-job-{job_id}", daemon=True).start()


@transaction.atomic
def job_cancel(*, job: Job, actor: Any) -> None:
    """Cancel a job: a queued one never starts; a running one stops at its next progress report and
    its open transaction is rolled back; a running one whose worker has died is ended at once."""
    current = Job.objects.filter(pk=job.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).first()
    if current is None:
        return
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    if current.status == Job.Status.QUEUED:
        Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELLED, finished_at=now, message="Cancelled before it started."
        )
    else:
        heard = current.heartbeat_at or current.started_at or now
        if heard < now - dt.timedelta(seconds=settings.TIDE_JOBS_STALE_SECONDS):
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.CANCELLED,
                finished_at=now,
                message=f"Cancelled. {stopped_message(heard).replace('; start it again.', '.')}",
            )
    audit_record(actor=actor, action=JOB_CANCEL_REQUESTED, target=job)


# --- running ------------------------------------------------------------------------------------------


def _claim(job_id: int, worker: str) -> Job | None:
    now = timezone.now()
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, cancel_requested=False).update(
            status=Job.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            worker=worker,
            attempts=F("attempts") + 1,
        )
    return Job.objects.get(pk=job_id) if claimed else None


class _Pulse:
    """A running job's heartbeat and progress. Threaded, it writes from its own thread (and so its own
    database connection) every ``TIDE_JOBS_HEARTBEAT_SECONDS``; inline (eager mode) at each report."""

    def __init__(self, job_id: int, *, worker_row: str | None, threaded: bool) -> None:
        self.job_id = job_id
        self.worker_row = worker_row
        self.threaded = threaded
        self.cancelled = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._report: tuple[float, str] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.threaded:
            self._thread = threading.Thread(target=self._loop, name=f"tide-pulse-{self.job_id}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def report(self, fraction: float, message: str) -> None:
        with self._lock:
            self._report = (min(max(fraction, 0.0), 1.0), message[:500])
        if not self.threaded:
            self.beat()

    def beat(self) -> None:
        with self._lock:
            report, self._report = self._report, None
        now = timezone.now()
        fields: dict[str, Any] = {"heartbeat_at": now}
        if report is not None:
            fields.update(progress=report[0], message=report[1])
        Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(**fields)
        if self.worker_row:
            Worker.objects.filter(name=self.worker_row).update(beat_at=now)
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            self.cancelled.set()

    def _loop(self) -> None:
        try:
            while not self._done.wait(settings.TIDE_JOBS_HEARTBEAT_SECONDS):
                try:
                    self.beat()
                except Exception:  # SQLite busy behind the job's own write, a dropped connection: beat again
                    logger.warning("job %s: could not write its heartbeat", self.job_id, exc_info=True)
        finally:
            connection.close()


def job_run(job_id: int, *, worker_row: str | None = None, pulse_thread: bool | None = None) -> Job:
    """Run one queued job to the end, recording success, failure, cancellation or hand-back.

    ``pulse_thread``: beat from a thread of its own (default: unless ``TIDE_JOBS_MODE`` is eager)."""
    job = _claim(job_id, worker_name())
    if job is None:
        return Job.objects.get(pk=job_id)
    kind = _kinds[job.kind]
    if pulse_thread is None:
        pulse_thread = settings.TIDE_JOBS_MODE != "eager"
    pulse = _Pulse(job.pk, worker_row=worker_row, threaded=pulse_thread)

    def progress(fraction: float, message: str = "") -> None:
        pulse.report(fraction, message)
        if pulse.cancelled.is_set():
            raise JobCancelledError
        if _hand_back_due():
            raise JobHandedBackError

    pulse.start()
    try:
        result = kind.handler(job, progress)
    except JobCancelledError:
        pulse.stop()
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.CANCELLED,
            finished_at=timezone.now(),
            message="Cancelled by a user. Nothing it was writing was kept.",
        )
    except JobHandedBackError:
        pulse.stop()
        _hand_back(job, kind)
    except Exception as exc:
        pulse.stop()
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=str(exc)[:500],
            error=traceback.format_exc()[-10000:],
        )
    else:
        pulse.stop()
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.SUCCEEDED, finished_at=timezone.now(), progress=1.0, result=result or {}
        )
    job.refresh_from_db()
    return job


def _hand_back(job: Job, kind: Kind) -> None:
    if kind.retry_safe:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.QUEUED,
            started_at=None,
            heartbeat_at=None,
            worker="",
            progress=0.0,
            message="Its worker was stopped, so it was handed back to the queue; it will start again.",
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message="Its worker was stopped before it finished. Nothing it was writing was kept; start it again.",
        )
    audit_record(actor=None, action=JOB_HANDED_BACK, target=job, detail={"queued_again": kind.retry_safe})


def job_run_next(*, worker_row: str | None = None, pulse_thread: bool | None = None) -> Job | None:
    """Run the oldest queued job, if there is one (whichever process queued it)."""
    queued = Job.objects.filter(status=Job.Status.QUEUED, cancel_requested=False).order_by("created_at")
    job_id = queued.values_list("pk", flat=True).first()
    return job_run(job_id, worker_row=worker_row, pulse_thread=pulse_thread) if job_id else None


# --- survival: stale jobs, left-over jobs ---------------------------------------------------------------


def jobs_reap(now: dt.datetime | None = None) -> list[int]:
    """Fail (or queue again, if safe) every running job whose worker has not beaten within
    ``TIDE_JOBS_STALE_SECONDS``; the jobs' ids."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.TIDE_JOBS_STALE_SECONDS)
    stale = Job.objects.filter(status=Job.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    reaped: list[int] = []
    for job in stale:
        heard = job.heartbeat_at or job.started_at or now
        kind = _kinds.get(job.kind)
        retry = bool(kind and kind.retry_safe and job.attempts < MAX_ATTEMPTS and not job.cancel_requested)
        fields: dict[str, Any] = {"message": stopped_message(heard, retried=retry)}
        if retry:
            fields.update(status=Job.Status.QUEUED, started_at=None, heartbeat_at=None, worker="", progress=0.0)
        else:
            fields.update(status=Job.Status.FAILED, finished_at=now)
        with transaction.atomic():
            # Only if it is still the same run, unheard since we looked.
            updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, heartbeat_at=job.heartbeat_at).update(
                **fields
            )
            if updated:
                audit_record(
                    actor=None,
                    action=JOB_WORKER_LOST,
                    target=job,
                    detail={"kind": job.kind, "queued_again": retry, "worker": job.worker},
                )
        if updated:
            logger.warning(
                "job %s: its worker %s stopped; %s", job.pk, job.worker, "queued again" if retry else "failed"
            )
            reaped.append(job.pk)
    return reaped


def jobs_drain() -> None:
    """Run queued jobs until none is left (the web process's runner in thread mode)."""
    try:
        jobs_reap()
        while job_run_next(pulse_thread=True) is not None:
            pass
    except Exception:  # never let the runner take the web process down
        logger.exception("The job runner stopped")


_runner: threading.Thread | None = None
_runner_lock = threading.Lock()
_last_poll = 0.0


def _start_runner() -> None:
    global _runner
    with _runner_lock:
        if _runner is not None and _runner.is_alive():
            return

        def target() -> None:
            try:
                jobs_drain()
            finally:
                connection.close()

        _runner = threading.Thread(target=target, name="tide-job-runner", daemon=True)
        _runner.start()


def jobs_poll_now_and_then() -> None:
    """Thread mode, after a request, at most every ``POLL_SECONDS``: end jobs whose worker died and run
    jobs left queued (by ``tide`` on the command line, or by a web process that stopped)."""
    global _last_poll
    if time.monotonic() - _last_poll < POLL_SECONDS:
        return
    _last_poll = time.monotonic()
    if Job.objects.filter(Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING)).exists():
        _start_runner()


# --- what /healthz and the jobs page show ----------------------------------------------------------------


def queue_health(now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    queue = Job.objects.filter(status=Job.Status.QUEUED).aggregate(oldest=Min("created_at"), n=Count("pk"))
    oldest = round((now - queue["oldest"]).total_seconds(), 1) if queue["oldest"] else None
    return {"queued": queue["n"], "oldest_queued_seconds": oldest}


def worker_health(now: dt.datetime | None = None) -> dict[str, Any]:
    if settings.TIDE_JOBS_MODE != "worker":
        return {"status": NO_WORKER}
    now = now or timezone.now()
    last = Worker.objects.aggregate(last=Max("beat_at"))["last"]
    if last is None:
        return {"status": "no worker is running", "last_beat_seconds": None}
    age = round((now - last).total_seconds(), 1)
    return {"status": "ok" if age <= settings.TIDE_JOBS_STALE_SECONDS else "stale", "last_beat_seconds": age}


def queue_stuck(queue: dict[str, Any]) -> bool:
    oldest = queue["oldest_queued_seconds"]
    return oldest is not None and oldest > settings.TIDE_JOBS_QUEUE_STUCK_SECONDS


# --- pruning ----------------------------------------------------------------------------------------------


def jobs_prune(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete finished jobs older than ``TIDE_JOBS_KEEP_DAYS``, workers gone for a day, expired sessions."""
    now = now or timezone.now()
    finished = [Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.CANCELLED]
    cutoff = now - dt.timedelta(days=settings.TIDE_JOBS_KEEP_DAYS)
    jobs, _ = Job.objects.filter(status__in=finished, finished_at__lt=cutoff).delete()
    workers, _ = Worker.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()
    sessions_before = _session_count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()  # what `clearsessions` does
    sessions = max(sessions_before - _session_count(), 0)
    return {"jobs": jobs, "workers": workers, "sessions": sessions}


def _session_count() -> int:
    from django.contrib.sessions.models import Session

    return Session.objects.count() if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db" else 0


def prune_job(job: Job, progress: Progress) -> dict[str, Any]:
    counts = jobs_prune()
    audit_record(actor=None, action=CORE_PRUNED, detail=counts)
    return counts
