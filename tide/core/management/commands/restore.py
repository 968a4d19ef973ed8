from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tide.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `tide backup` into the configured database (which must be empty unless "
        "--force), after checking its checksums, database vendor and field keys; then check the migrations, "
        "the rows per table and the audit chain against the head recorded at backup time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("manifest", help="The backup's manifest (tide-<stamp>.json).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database (and MEDIA_ROOT) that are not empty.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(
                manifest_path=Path(options["manifest"]), force=options["force"], say=self.stdout.write
            )
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        if report.problems:
            raise CommandError("Restored, but the checks failed: " + "; ".join(report.problems) + ".")
        manifest = report.manifest
        self.stdout.write(f"{len(manifest.row_counts)} tables, {sum(manifest.row_counts.values())} rows, as recorded.")
        if report.media_files:
            self.stdout.write(f"{report.media_files} upload(s) restored under MEDIA_ROOT.")
        self.stdout.write(
            f"Audit chain intact: {report.audit_rows} rows verified against the head {manifest.audit_head}."
        )
        pending = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(f"{len(pending)} migration(s) of this Tide are not yet applied: run `tide migrate`.")
        self.stdout.write(self.style.SUCCESS("Restore complete."))
