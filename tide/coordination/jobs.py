"""Background job that escalates overdue actions (run daily by the worker or ``manage.py escalate_actions``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from tide.coordination.services import actions_escalate
from tide.core.jobs import Progress
from tide.core.models import Job

ESCALATE = "coordination.escalate"


def escalate_handler(job: Job, progress: Progress) -> dict[str, Any]:
    raw = job.params.get("today")
    today = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    progress(0.0, f"Escalating actions overdue on {date_format(today)}")
    made = actions_escalate(today=today, actor=job.created_by)
    progress(1.0, f"{len(made)} escalations")
    return {"escalations": len(made), "today": today.isoformat()}
