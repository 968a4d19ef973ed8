"""Load the vendored unit costs and deflators, and give each area the shipped price map and rate card."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tide.areas.models import Area
from tide.finance.reference import ReferenceDataError
from tide.finance.services import outcome_rate_card_seed, price_map_seed, reference_data_load


class Command(BaseCommand):
    help = "Import the Unit Cost Database v1.4 and GDP deflators shipped in tide/finance/data (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", help="Only seed this area's price map and rate card (area code).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            edition, series = reference_data_load(actor=None)
        except ReferenceDataError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Unit costs: {edition.name} ({edition.costs.count()} lines)")
        self.stdout.write(f"Deflators: {series.name} ({series.years.count()} years)")
        areas = Area.objects.all()
        if options["area"]:
            areas = areas.filter(code=options["area"])
            if not areas:
                raise CommandError(f"No area with code {options['area']!r}.")
        for area in areas:
            rules = price_map_seed(area=area, edition=edition, actor=None)
            rates = outcome_rate_card_seed(area=area, actor=None)
            self.stdout.write(f"{area.name}: {rules} price rules and {rates} outcome rates added")
