from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tide.areas.models import Agency, Role
from tide.core.access import PUBLIC, access
from tide.core.api import json_endpoint
from tide.core.forms import form_post
from tide.core.jobs import job_enqueue
from tide.core.models import Job
from tide.intake import api, selectors
from tide.intake.forms import FeedSettingForm, TokenForm, UploadForm
from tide.intake.jobs import KIND, incoming_save, only_new_available, only_new_enqueue
from tide.intake.models import AgencyToken, Channel, FeedSetting
from tide.intake.services import feed_setting_save, formats_load_shipped, token_create, token_revoke

INTAKE_ROLES = {Role.ADMINISTRATOR, Role.TEAM_MANAGER}
ADMIN_ROLES = {Role.ADMINISTRATOR}
JOB_ID = re.compile(r"[1-9][0-9]{0,17}")  # a positive id that fits a 64-bit key


@require_http_methods(["GET", "POST"])
@access(roles=INTAKE_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    area = request.user.area  # type: ignore[union-attr]
    form = UploadForm(request.POST or None, request.FILES or None, area=area)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_enqueue(
            kind=KIND,
            params={
                "agency": form.cleaned_data["agency"].pk,
                "filename": upload.name,
                "incoming": incoming_save(upload.chunks()),
                "channel": Channel.UPLOAD,
            },
            actor=request.user,
        )
        return redirect("intake:upload-result", pk=job.pk)
    files = selectors.files_for(user=request.user)[:50]
    panel = selectors.feeds_panel(request.user)  # the data lead lands here: feed health at a glance
    return render(request, "intake/index.html", {"form": form, "files": files, "panel": panel})


@require_GET
@access(roles=INTAKE_ROLES)
def upload_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_for(user=request.user, pk=pk)
    file = None
    if job.status == Job.Status.SUCCEEDED and job.result.get("file"):
        file = selectors.files_for(user=request.user).filter(pk=job.result["file"]).first()
    context = {"job": job, "result": job.result, "file": file, "only_new": job.is_finished and only_new_available(job)}
    return render(request, "intake/upload_result.html", context)


@require_http_methods(["GET", "POST"])
@access(roles=INTAKE_ROLES)
def upload_only_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then take only the new events of a file refused because some were already received."""
    job = selectors.import_job_for(user=request.user, pk=pk)
    if not (job.is_finished and only_new_available(job)):
        raise Http404("This file is no longer waiting: upload it again.")
    if request.method == "POST":
        retry = only_new_enqueue(job=job, actor=request.user)
        return redirect("intake:upload-result", pk=retry.pk)
    return render(request, "intake/upload_only_new.html", {"job": job, "result": job.result})


@require_GET
@access(roles=INTAKE_ROLES)
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.file_get_for(user=request.user, pk=pk)
    return render(request, "intake/file_detail.html", {"file": file})


@require_GET
@access(roles=INTAKE_ROLES)
def file_summary(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.file_get_for(user=request.user, pk=pk)
    return render(
        request,
        "intake/file_summary.html",
        {"file": file, "summary": selectors.file_summary(user=request.user, file=file)},
    )


@require_GET
@access(roles=INTAKE_ROLES)
def formats(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/formats.html", {"formats": selectors.formats_all()})


@require_GET
@access(roles=INTAKE_ROLES)
def format_detail(request: HttpRequest, code: str) -> HttpResponse:
    fmt = selectors.format_get(code=code)
    return render(request, "intake/format_detail.html", {"format": fmt, "spec_json": json.dumps(fmt.spec, indent=2)})


@require_POST
@access(roles=ADMIN_ROLES)
def formats_load(request: HttpRequest) -> HttpResponse:
    loaded = formats_load_shipped(actor=request.user)
    messages.success(request, f"{len(loaded)} shipped formats are loaded.")
    return redirect("intake:formats")


@require_http_methods(["GET", "POST"])
@access(roles=ADMIN_ROLES)
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, area=request.user.area)  # type: ignore[union-attr]
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = token_create(
            agency=form.cleaned_data["agency"], label=form.cleaned_data["label"], actor=request.user
        )
        form = TokenForm(area=request.user.area)  # type: ignore[union-attr]
    return render(
        request,
        "intake/tokens.html",
        {"form": form, "tokens": selectors.tokens_for(user=request.user), "secret": secret},
    )


@require_POST
@access(roles=ADMIN_ROLES)
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.tokens_for(user=request.user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    token_revoke(token=token, actor=request.user)
    messages.success(request, f"The token “{token.label}” is revoked.")
    return redirect("intake:tokens")


# --- feed health (ADR 0015) ----------------------------------------------------------------------


@require_GET
@access(roles=INTAKE_ROLES)
def feeds(request: HttpRequest) -> HttpResponse:
    area = request.user.area  # type: ignore[union-attr]
    health = selectors.feed_health(area=area)
    context = {
        "health": health,
        "late": [h for h in health if h.late],
        "thin": [h for h in health if h.thin],
        "alerts": selectors.feed_alerts_open(area=area),
        "coverage": selectors.coverage_of(health),
        "without_feed": Agency.objects.filter(area=area, active=True, feed_setting__isnull=True),
    }
    return render(request, "intake/feeds.html", context)


@require_http_methods(["GET", "POST"])
@access(roles=INTAKE_ROLES)
def feed_setting(request: HttpRequest, agency: int) -> HttpResponse:
    found = selectors.agency_for_feed(area=request.user.area, pk=agency)  # type: ignore[union-attr]
    current = FeedSetting.objects.filter(agency=found).first() or FeedSetting(agency=found)
    initial = {"expected_every_days": current.expected_every_days, "grace_days": current.grace_days}
    return form_post(
        request,
        FeedSettingForm(request.POST or None, initial=initial),
        on_valid=lambda data: feed_setting_save(agency=found, actor=request.user, **data),
        success="intake:feeds",
        message=lambda s: f"{s.agency.name}: a file is now expected every {s.expected_every_days} days.",
        template="intake/feed_setting.html",
        context={"agency": found, "setting": current},
    )


# --- JSON API for agency systems ----------------------------------------------------------------


@csrf_exempt
@json_endpoint(methods=["POST"])
@access(roles={PUBLIC}, note="Agency systems: bearer token issued per agency")
def api_extracts(request: HttpRequest) -> HttpResponse:
    try:
        agency = api.agency_required(request)
        incoming, filename = api.extract_receive(request)
    except api.ApiRefusalError as refusal:
        return refusal.response()
    job = job_enqueue(
        kind=KIND,
        params={"agency": agency.pk, "filename": filename, "incoming": incoming, "channel": Channel.API},
        actor=None,
    )
    return JsonResponse(
        {
            "job": job.pk,
            "status": job.status,
            "status_url": request.build_absolute_uri(reverse("intake:api-job", args=[job.pk])),
        },
        status=202,
    )


@json_endpoint(methods=["GET"])
@access(roles={PUBLIC}, note="Agency systems: bearer token issued per agency; only their own jobs")
def api_job(request: HttpRequest, job: str) -> HttpResponse:
    try:
        agency = api.agency_required(request)
    except api.ApiRefusalError as refusal:
        return refusal.response()
    found = Job.objects.filter(pk=int(job), kind=KIND).first() if JOB_ID.fullmatch(job) else None
    if found is None or found.params.get("agency") != agency.pk:
        return api.error(404, "No such job for this agency.")
    body: dict[str, Any] = {
        "job": found.pk,
        "status": found.status,
        "progress": found.progress,
        "message": found.message,
    }
    if found.status == Job.Status.SUCCEEDED:
        body.update({k: v for k, v in found.result.items() if k != "next_url"})
    return JsonResponse(body)


@json_endpoint(methods=["GET"])
@access(roles={PUBLIC}, note="The published API description")
def api_openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(api.openapi(request))


__all__ = ["AgencyToken"]
