from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tide.core.audit import audit_verify


class Command(BaseCommand):
    help = "Work with the audit log. `tide audit verify` proves the hash chain or names the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} rows verified."))
            return
        raise CommandError(f"Audit chain broken at row {result.first_broken_id}: {result.problem}.")
