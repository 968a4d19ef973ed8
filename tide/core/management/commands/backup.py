from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tide.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc on PostgreSQL, the online backup API on SQLite) and the uploads "
        "under MEDIA_ROOT into a directory, with a manifest: migrations, rows per table, the audit head, "
        "checksums. Restore with `tide restore <manifest>`. See docs/backups.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, metavar="DIR", help="The directory to write the backup into.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path, manifest = backup_create(to_dir=Path(options["to"]), say=self.stdout.write)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest.row_counts.values())
        self.stdout.write(f"{len(manifest.row_counts)} tables, {rows} rows; audit head {manifest.audit_head}")
        if manifest.media:
            self.stdout.write(f"Uploads: {manifest.media}")
        self.stdout.write(self.style.SUCCESS(f"Backup written; manifest: {path}"))
