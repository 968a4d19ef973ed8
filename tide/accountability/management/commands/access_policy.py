from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tide.accountability.policy import POLICY_FILE, render_policy


class Command(BaseCommand):
    help = "Print the access policy table (every URL and who may use it); --write updates the committed copy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help=f"Write {POLICY_FILE.name} next to the code.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render_policy()
        if options["write"]:
            POLICY_FILE.write_text(text)
            self.stdout.write(f"Wrote {POLICY_FILE}")
        else:
            self.stdout.write(text, ending="")
