from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tide.areas.models import Role
from tide.simulate.demo import DEMO_PASSWORD, PERSONAS, demo_exists, demo_load


class Command(BaseCommand):
    help = "Load the demo area (Tidemouth): personas for every role and a synthetic population."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--preset", default="demo", help="Simulator preset (tiny for a quick load).")
        parser.add_argument("--reset", action="store_true", help="Empty the SQLite database first.")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not set up yet: run `tide migrate` first (scripts/serve does both).")
        if options["reset"]:
            if connection.vendor != "sqlite" or (not settings.DEBUG and not _local()):
                raise CommandError("--reset is only for the local SQLite demo; the audit log elsewhere is append-only.")
            call_command("flush", interactive=False, verbosity=0)
        if demo_exists():
            self.stdout.write("The demo area is already loaded.")
        else:
            try:
                demo_load(seed=options["seed"], preset=options["preset"], say=self.stdout.write)
            except ValueError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})"))
        for persona in PERSONAS:
            self.stdout.write(
                f"  {persona.username:<10} {Role(persona.role).label:<22} {persona.first_name} {persona.last_name}, {persona.job_title}"
            )


def _local() -> bool:
    import os

    return os.environ.get("TIDE_LOCAL", "").lower() in {"1", "true", "yes", "on"}
