"""Screen the whole ledger against the enabled definitions and refresh the by-name list.

Run it daily (cron or a systemd timer) so that people without new events move to inactive on time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tide.identification.services import definitions_install_shipped, screening_run


class Command(BaseCommand):
    help = "Screen everyone in the ledger against the definitions and refresh the by-name list."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as-of", help="Screen as on this date (YYYY-MM-DD); default today.")
        parser.add_argument("--install-defaults", action="store_true", help="Add missing shipped definitions first.")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError("--as-of must be a date like 2026-09-30.") from None
        if options["install_defaults"]:
            definitions_install_shipped(actor=None)
        summary = screening_run(as_of=as_of)
        self.stdout.write(f"Screened {summary.people} people.")
        for code, n in sorted(summary.meets.items()):
            self.stdout.write(f"  {code}: {n} meet, {summary.near.get(code, 0)} close")
