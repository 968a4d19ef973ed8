from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from tide.core.jobs import job_run_next
from tide.core.routines import routines_due_now_and_then


class Command(BaseCommand):
    help = (
        "Run queued background jobs (imports, linkage runs, reports) and queue the daily routines when "
        "they are due. Use with TIDE_JOBS_MODE=worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the queued jobs, then stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()
            for queued in routines_due_now_and_then():
                self.stdout.write(f"{queued}: queued as a daily routine")
            job = job_run_next()
            if job is not None:
                self.stdout.write(f"{job}: {job.message}")
                continue
            if options["once"]:
                return
            time.sleep(options["interval"])
