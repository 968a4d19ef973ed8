from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tide.core.access import PUBLIC, SIGNED_IN, access
from tide.core.jobs import job_cancel
from tide.core.models import Job
from tide.core.navigation import items_for

JOB_ADMIN_ROLES = {"administrator"}


@access(roles={SIGNED_IN})
def home(request: HttpRequest) -> HttpResponse:
    cards = [item for item in items_for(request.user, "") if item["href"] != request.path]
    return render(request, "core/home.html", {"cards": cards})


@access(roles={PUBLIC}, note="Load balancers and monitoring")
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _job_for(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if job.created_by_id != request.user.pk and request.user.role not in JOB_ADMIN_ROLES:  # type: ignore[union-attr]
        raise PermissionDenied("Only the person who started this job can see it.")
    return job


@access(roles={SIGNED_IN}, note="Only the job's owner or an administrator")
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return render(request, "core/job_detail.html", {"job": job})


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
    job_cancel(job=job, actor=request.user)
    messages.info(request, "Cancellation requested.")
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
