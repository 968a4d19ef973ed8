"""Background jobs: long work outside the web request, with progress, cancellation and a record.

A room registers a handler for a job kind (``register("intake.import", handler)``). A handler takes
``(job, progress)``; it calls ``progress(fraction, message)`` now and then, which also raises
:class:`JobCancelledError` if a user asked to cancel. Where the job runs depends on ``TIDE_JOBS_MODE``:
``thread`` (one machine: a thread starts after the enqueuing transaction commits), ``eager`` (tests:
inline, after commit) or ``worker`` (production: ``tide worker`` picks jobs up).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from tide.core.actors import actor_user
from tide.core.audit import audit_record
from tide.core.audit_actions import JOB_CANCEL_REQUESTED, JOB_QUEUED
from tide.core.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Handler = Callable[[Job, Progress], dict[str, Any]]
_handlers: dict[str, Handler] = {}


class JobCancelledError(Exception):
    pass


def register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def job_enqueue(*, kind: str, params: dict[str, Any], actor: Any) -> Job:
    if kind not in _handlers:
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
            job_run(job_id)
        finally:
            close_old_connections()

    threading.Thread(target=target, name=f"tide-job-{job_id}", daemon=True).start()


def job_cancel(*, job: Job, actor: Any) -> None:
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            cancel_requested=True
        )
        if updated:
            Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
                status=Job.Status.CANCELLED, finished_at=timezone.now(), message="Cancelled before it started."
            )
            audit_record(actor=actor, action=JOB_CANCEL_REQUESTED, target=job)


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=timezone.now()
        )
    return Job.objects.get(pk=job_id) if claimed else None


def job_run(job_id: int) -> Job:
    """Run one queued job to the end, recording success, failure or cancellation."""
    job = _claim(job_id)
    if job is None:
        return Job.objects.get(pk=job_id)
    handler = _handlers[job.kind]

    def progress(fraction: float, message: str = "") -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        Job.objects.filter(pk=job.pk).update(progress=fraction, message=message[:500])
        if Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise JobCancelledError

    try:
        result = handler(job, progress)
    except JobCancelledError:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.CANCELLED, finished_at=timezone.now(), message="Cancelled by a user."
        )
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=str(exc)[:500],
            error=traceback.format_exc()[-10000:],
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.SUCCEEDED, finished_at=timezone.now(), progress=1.0, result=result or {}
        )
    job.refresh_from_db()
    return job


def job_run_next() -> Job | None:
    job_id = Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at").values_list("pk", flat=True).first()
    return job_run(job_id) if job_id else None
