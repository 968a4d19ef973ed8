"""Load an area's licensed NDT wording from a CSV or JSON file (refused whole if anything is wrong)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tide.identification.services import ndt_wording_load


class Command(BaseCommand):
    help = "Load the licensed NDT level wording: CSV (item,level,text) or JSON ({item: [five texts]})."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            rows = ndt_wording_load(text=text, filename=path.name, actor=None)
        except ValidationError as error:
            raise CommandError("The file was refused: " + " ".join(error.messages)) from None
        self.stdout.write(f"Loaded {rows} wording rows from {path}.")
