"""Reads of the intake room, with who may see what."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from tide.areas.models import Role
from tide.core.models import Job
from tide.intake.models import AgencyToken, ExtractFile, ExtractFormat

IMPORT_KIND = "intake.import"


def files_for(*, user: Any) -> QuerySet[ExtractFile]:
    return ExtractFile.objects.filter(area_id=user.area_id).select_related("agency", "received_by", "format")


def file_get_for(*, user: Any, pk: int) -> ExtractFile:
    file = files_for(user=user).filter(pk=pk).first()
    if file is None:
        raise Http404("No such file in your area.")
    return file


def import_job_for(*, user: Any, pk: int) -> Job:
    """An import job the user started (administrators see every import job of their area)."""
    job = Job.objects.filter(pk=pk, kind=IMPORT_KIND).first()
    if job is None:
        raise Http404("No such upload.")
    if job.created_by_id != user.pk and getattr(user, "role", "") != Role.ADMINISTRATOR:
        raise Http404("No such upload.")
    return job


def formats_all() -> QuerySet[ExtractFormat]:
    return ExtractFormat.objects.all()


def format_get(*, code: str) -> ExtractFormat:
    fmt = ExtractFormat.objects.filter(code=code).first()
    if fmt is None:
        raise Http404("No such format.")
    return fmt


def tokens_for(*, user: Any) -> QuerySet[AgencyToken]:
    return AgencyToken.objects.filter(agency__area_id=user.area_id).select_related("agency", "created_by")
