from __future__ import annotations

import os
import signal
import socket
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from tide.core import jobs
from tide.core.models import Worker
from tide.core.routines import routines_due_now_and_then

REAP_SECONDS = 5.0


class Command(BaseCommand):
    help = (
        "Run queued background jobs (imports, linkage runs, reports) and queue the daily routines when "
        "they are due. Use with TIDE_JOBS_MODE=worker. Beats while it runs; on SIGTERM it lets the "
        "current job finish within TIDE_WORKER_GRACE_SECONDS, or hands it back, then exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the queued jobs, then stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = f"{socket.gethostname()}:{os.getpid()}"[:200]
        previous = self._on_signals(self._stop)
        Worker.objects.update_or_create(
            name=name,
            defaults={"host": socket.gethostname()[:200], "pid": os.getpid(), "started_at": timezone.now()},
        )
        last_reap = 0.0
        try:
            while not jobs.stopping():
                if not connection.in_atomic_block:  # (a test's transaction) else drop a connection gone stale
                    close_old_connections()
                Worker.objects.filter(name=name).update(beat_at=timezone.now())
                if time.monotonic() - last_reap >= REAP_SECONDS:
                    last_reap = time.monotonic()
                    for pk in jobs.jobs_reap():
                        self.stdout.write(f"job #{pk}: its worker stopped beating")
                for queued in routines_due_now_and_then():
                    self.stdout.write(f"{queued}: queued as a daily routine")
                job = jobs.job_run_next(worker_row=name)
                if job is not None:
                    self.stdout.write(f"{job}: {job.message}")
                    continue
                if options["once"]:
                    return
                time.sleep(options["interval"])
            self.stdout.write("Stopped cleanly.")
        finally:
            Worker.objects.filter(name=name).delete()
            self._on_signals(previous)
            jobs.stopping_reset()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        grace = settings.TIDE_WORKER_GRACE_SECONDS
        self.stdout.write(f"{signal.Signals(signum).name}: stopping; the running job has {grace:g}s to finish.")
        jobs.stopping_begin(grace)

    @staticmethod
    def _on_signals(handler: Any) -> Any:
        """Install ``handler`` for SIGTERM and SIGINT (main thread only); the handlers it replaced."""
        if not isinstance(handler, dict):
            handler = {signal.SIGTERM: handler, signal.SIGINT: handler}
        try:
            return {sig: signal.signal(sig, h) for sig, h in handler.items()}
        except ValueError:  # not the main thread: leave signals alone
            return {}
