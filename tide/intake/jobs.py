"""The background job that takes in an uploaded or posted extract (kind ``intake.import``)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Agency, Area
from tide.core.audit import audit_record
from tide.core.jobs import Progress, job_enqueue
from tide.core.models import Job
from tide.intake.audit_actions import INTAKE_ONLY_NEW_CONFIRMED
from tide.intake.services import extract_import, feed_alerts_raise

KIND = "intake.import"


def incoming_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "intake" / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def incoming_save(content: bytes | Iterable[bytes]) -> str:
    """Keep an uploaded file (bytes, or its chunks) until its job has run; returns the name to pass to the job."""
    name = f"{uuid.uuid4().hex}.bin"
    with (incoming_dir() / name).open("wb") as out:
        for chunk in [content] if isinstance(content, bytes) else content:
            out.write(chunk)
    return name


def import_handler(job: Job, progress: Progress) -> dict[str, Any]:
    path = incoming_dir() / Path(job.params["incoming"]).name
    agency = Agency.objects.select_related("area").get(pk=job.params["agency"])
    keep = False
    try:
        content = path.read_bytes()
        outcome = extract_import(
            agency=agency,
            content=content,
            filename=job.params["filename"],
            channel=job.params.get("channel", "upload"),
            actor=job.created_by,
            progress=progress,
            only_new=bool(job.params.get("only_new")),
        )
        # Kept only while the data lead may still choose to take just the new events (ADR 0014).
        keep = outcome.only_repeats_stand_in_the_way and not job.params.get("only_new")
    finally:
        if not keep:
            path.unlink(missing_ok=True)
    result: dict[str, Any] = {"accepted": outcome.accepted, "next_url": reverse("intake:upload-result", args=[job.pk])}
    if outcome.file is not None:
        result.update(
            file=outcome.file.pk,
            rows=outcome.file.row_count,
            records=outcome.file.record_count,
            new_records=outcome.file.new_record_count,
            events=outcome.file.event_count,
            already_received=outcome.file.skipped_count,
        )
    else:
        result.update(
            problems=outcome.problems_json(),
            truncated=outcome.truncated,
            already_received=outcome.repeated,
            new_events=outcome.new_rows,
            only_new_possible=keep,
        )
        count = len(outcome.problems)
        progress(1.0, f"Refused: {count}{'+' if outcome.truncated else ''} problem{'s' if count != 1 else ''} found")
    return result


def only_new_available(job: Job) -> bool:
    """Whether a refused import's file is still kept for taking only its new events."""
    if not job.result.get("only_new_possible"):
        return False
    return (incoming_dir() / Path(job.params["incoming"]).name).exists()


@transaction.atomic
def only_new_enqueue(*, job: Job, actor: Any) -> Job:
    """The data lead's confirmed choice: queue the refused file again to take only its new events. The
    refused job stops offering the choice, so it is taken once; the choice is audited."""
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if not locked.result.get("only_new_possible"):
        raise ValueError("This file is no longer waiting for a choice.")
    retry = job_enqueue(kind=KIND, params={**locked.params, "only_new": True, "refused_job": locked.pk}, actor=actor)
    locked.result = {**locked.result, "only_new_possible": False, "only_new_job": retry.pk}
    locked.save(update_fields=["result"])
    audit_record(
        actor=actor,
        action=INTAKE_ONLY_NEW_CONFIRMED,
        target=locked,
        detail={
            "filename": locked.params.get("filename", "")[:200],
            "already_received": locked.result.get("already_received", 0),
            "new_events": locked.result.get("new_events", 0),
            "job": retry.pk,
        },
    )
    return retry


FEED_WATCH = "intake.feed_watch"


def feed_watch_handler(job: Job, progress: Progress) -> dict[str, Any]:
    """The daily look at every area's feeds: raise an alert once per late or thin lapse (ADR 0015)."""
    raw = job.params.get("today")
    today = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    raised = 0
    areas = list(Area.objects.filter(agencies__feed_setting__isnull=False).distinct().order_by("pk"))
    for i, area in enumerate(areas):
        progress(i / max(1, len(areas)), f"Looking at the feeds of {area.name}")
        raised += len(feed_alerts_raise(area=area, today=today, actor=job.created_by))
    progress(1.0, f"{raised} feed alert{'' if raised == 1 else 's'} raised")
    return {"alerts": raised, "today": today.isoformat()}
