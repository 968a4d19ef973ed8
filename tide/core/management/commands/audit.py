from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tide.core.audit import AuditHead, audit_head, audit_heads_read, audit_verify


class Command(BaseCommand):
    help = (
        "Work with the audit log. `tide audit head` prints the row count and latest hash to keep outside "
        "the database; `tide audit verify` proves the hash chain or names the first broken row, and with "
        "--head or --head-file also that no rows were removed from its end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument(
            "--head",
            action="append",
            default=[],
            metavar="COUNT:HASH",
            help="A head recorded earlier by `tide audit head` (may be repeated).",
        )
        parser.add_argument(
            "--head-file",
            action="append",
            default=[],
            metavar="PATH",
            help="A file the daily routine appended heads to (TIDE_AUDIT_HEAD_FILE): every head in it is checked.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            head = audit_head()
            self.stdout.write(head.describe())
            self.stdout.write(f"Keep it outside the database; check later with: tide audit verify --head {head}")
            return
        try:
            heads = [AuditHead.parse(text) for text in options["head"]]
            for path in options["head_file"]:
                heads.extend(audit_heads_read(path))
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from None
        result = audit_verify(heads)
        if result.ok:
            against = f" and against {len(heads)} recorded head(s)" if heads else ""
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} rows verified{against}."))
            return
        if result.first_broken_id is None:
            raise CommandError(f"Audit log incomplete: {result.problem}.")
        raise CommandError(f"Audit chain broken at row {result.first_broken_id}: {result.problem}.")
