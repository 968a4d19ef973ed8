"""Load an area's resident population estimates (for the equity report) from a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tide.areas.models import Area
from tide.identification.services import population_load


class Command(BaseCommand):
    help = "Load resident estimates: CSV dimension,group,count[,source]; dimension is sex, ethnicity or age."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("area", help="The area's code.")
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"No area has the code {options['area']!r}.")
        path = Path(options["path"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            rows = population_load(area=area, text=text, actor=None)
        except ValidationError as error:
            raise CommandError("The file was refused: " + " ".join(error.messages)) from None
        self.stdout.write(f"Loaded {rows} population estimates for {area.name}.")
