from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import AppConfig


def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Start the idle and absolute session clocks (see tide.core.middleware.SessionTimeoutMiddleware)."""
    import time

    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session["tide_auth_at"] = now
        session["tide_seen_at"] = now


class AreasConfig(AppConfig):
    name = "tide.areas"
    label = "areas"
    verbose_name = "Areas, agencies and staff"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tide.areas import checks  # noqa: F401 - registers the deploy check
        from tide.areas.services import sign_in_attempts_prune_job
        from tide.core import jobs, routines

        jobs.register("areas.prune", sign_in_attempts_prune_job, retry_safe=True)
        routines.daily("areas.prune", at=dt.time(3, 15))  # sign-in attempts hold IP addresses (ADR 0067)

        user_logged_in.connect(_start_session_clock, dispatch_uid="tide.areas.session_clock")
