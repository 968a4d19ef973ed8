"""Bring the demo area's coordinated support to life (run after the demo area is loaded)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tide.areas.models import Area
from tide.coordination.demo import demo_coordination_load


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", default="tidemouth", help="Area code (default: the demo area).")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--people", type=int, default=60, help="How many open episodes to fill in.")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"No area with code {options['area']!r}; load the demo first (tide demo).")
        demo_coordination_load(area=area, seed=options["seed"], people=options["people"], say=self.stdout.write)
