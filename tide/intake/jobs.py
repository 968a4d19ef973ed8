"""The background job that takes in an uploaded or posted extract (kind ``intake.import``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from tide.areas.models import Agency
from tide.core.jobs import Progress
from tide.core.models import Job
from tide.intake.services import extract_import

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
    try:
        content = path.read_bytes()
        outcome = extract_import(
            agency=agency,
            content=content,
            filename=job.params["filename"],
            channel=job.params.get("channel", "upload"),
            actor=job.created_by,
            progress=progress,
        )
    finally:
        path.unlink(missing_ok=True)
    result: dict[str, Any] = {"accepted": outcome.accepted, "next_url": reverse("intake:upload-result", args=[job.pk])}
    if outcome.file is not None:
        result.update(
            file=outcome.file.pk,
            rows=outcome.file.row_count,
            records=outcome.file.record_count,
            new_records=outcome.file.new_record_count,
            events=outcome.file.event_count,
        )
    else:
        result.update(problems=outcome.problems_json(), truncated=outcome.truncated)
        count = len(outcome.problems)
        progress(1.0, f"Refused: {count}{'+' if outcome.truncated else ''} problem{'s' if count != 1 else ''} found")
    return result
