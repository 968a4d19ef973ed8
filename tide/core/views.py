from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tide.core import jobs, metrics
from tide.core.access import PUBLIC, SIGNED_IN, access
from tide.core.jobs import job_cancel
from tide.core.models import Job
from tide.core.navigation import items_for, landing_for
from tide.core.request_context import client_ip

JOB_ADMIN_ROLES = {"administrator"}


@access(roles={SIGNED_IN})
def home(request: HttpRequest) -> HttpResponse:
    landing = landing_for(request.user)
    if landing and landing != request.path:
        return redirect(landing)
    cards = [item for item in items_for(request.user, "") if item["href"] != request.path]
    return render(request, "core/home.html", {"cards": cards})


def _database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@access(roles={PUBLIC}, note="Load balancers and monitoring")
def healthz(request: HttpRequest) -> JsonResponse:
    """The database, the worker's heartbeat and the queue's age, as JSON; names no one and no host.
    503 when the database cannot be reached or the oldest queued job has waited too long (ADR 0067)."""
    try:
        _database_check()
        queue = jobs.queue_health()
        worker = jobs.worker_health()
    except DatabaseError:
        return JsonResponse({"status": "database unavailable", "database": "unavailable"}, status=503)
    stuck = jobs.queue_stuck(queue)
    body = {"status": "queue stuck" if stuck else "ok", "database": "ok", "worker": worker, "queue": queue}
    return JsonResponse(body, status=503 if stuck else 200, json_dumps_params={"ensure_ascii": False})


def _job_for(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if job.created_by_id != request.user.pk and request.user.role not in JOB_ADMIN_ROLES:  # type: ignore[union-attr]
        raise PermissionDenied("Only the person who started this job can see it.")
    return job


@access(roles={PUBLIC}, note="Prometheus: a bearer token (TIDE_METRICS_TOKEN) or a trusted network only")
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Figures for Prometheus (ADR 0082): counts, ages and durations, by route name or job kind; no one named.
    404 while neither TIDE_METRICS_TOKEN nor TIDE_METRICS_NETWORKS is set."""
    ok, status = metrics.allowed(
        request, token=settings.TIDE_METRICS_TOKEN, networks=settings.TIDE_METRICS_NETWORKS, address=client_ip(request)
    )
    if not ok:
        response = HttpResponse(status=status, content_type="text/plain; charset=utf-8")
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="tide-metrics"'
        return response
    return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)


@access(roles={SIGNED_IN}, note="Only the job's owner or an administrator")
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    context: dict[str, object] = {"job": job, "stale_seconds": settings.TIDE_JOBS_STALE_SECONDS}
    if job.status == Job.Status.QUEUED:
        context["ahead"] = Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=job.created_at).count()
        context["queue"] = jobs.queue_health()
        context["worker"] = jobs.worker_health()
    return render(request, "core/job_detail.html", context)


@access(roles={SIGNED_IN}, note="Only the job's owner or an administrator")
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job_for(request, pk)
    return JsonResponse(
        {"status": job.status, "progress": job.progress, "message": job.message, "finished": job.is_finished}
    )


@require_POST
@access(roles={SIGNED_IN}, note="Only the job's owner or an administrator")
def job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    try:
        job_cancel(job=job, actor=request.user)
    except OperationalError:  # SQLite: the job itself is writing and holds the database for a moment
        messages.error(request, "Tide is busy writing this job's work. Try cancelling again in a few seconds.")
        return redirect("job-detail", pk=job.pk)
    job.refresh_from_db()
    if job.status == Job.Status.RUNNING:
        messages.info(request, "Cancelling: the job stops at its next step, and nothing it was writing is kept.")
    else:
        messages.info(request, "Cancelled.")
    return redirect("job-detail", pk=job.pk)


def _error(request: HttpRequest, status: int, title: str, body: str) -> HttpResponse:
    return render(request, "core/error.html", {"title": title, "body": body}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 400, "Sorry, there is a problem with your request", "Check the address or the form and try again."
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else "You do not have access to this page."
    return _error(request, 403, "You cannot see this page", reason)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. The record may not exist or may have been removed.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "title": "Sorry, there is a problem with the service",
            "body": "Try again later. Nothing you entered has been saved.",
        },
        status=500,
    )
