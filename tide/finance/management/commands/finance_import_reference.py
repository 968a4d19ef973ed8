"""Load a newer HM Treasury GDP deflator series, or a newer edition of the Unit Cost Database.

    manage.py finance_import_reference --deflators FILE --name "GDP deflators (Budget 2025)" \
        --source "HM Treasury, GDP deflators at market prices" --attribution "HM Treasury, OGL v3.0"
    manage.py finance_import_reference --unit-costs FILE --name "Unit Cost Database v3.0" \
        --licence "CC BY 4.0" --attribution "Unit Cost Database, GMCA, CC BY 4.0"

The file must have the same columns as the shipped one (tide/finance/data). A deflator series becomes the
one used for uprating, so the default price year becomes its latest actual (non-forecast) year. A bad
file is refused whole with the line at fault, and nothing changes. Each import is audited.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tide.finance.services import cost_edition_import, deflator_series_import
from tide.finance.uprating import DeflatorSeries as PureSeries
from tide.finance.uprating import parse_deflator_csv


class Command(BaseCommand):
    help = "Import a newer GDP deflator series (--deflators) or Unit Cost Database edition (--unit-costs)."

    def add_arguments(self, parser: CommandParser) -> None:
        kind = parser.add_mutually_exclusive_group(required=True)
        kind.add_argument("--deflators", type=Path, help="CSV: financial_year, pct_change…, index…, forecast")
        kind.add_argument("--unit-costs", type=Path, help="CSV with the Unit Cost Database's columns")
        parser.add_argument("--name", required=True)
        parser.add_argument("--source", default="")
        parser.add_argument("--attribution", default="")
        parser.add_argument("--licence", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["deflators"] or options["unit_costs"]
        try:
            data = path.read_bytes()
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        digest = hashlib.sha256(data).hexdigest()
        try:
            if options["deflators"]:
                series = deflator_series_import(
                    name=options["name"],
                    text=text,
                    source=options["source"],
                    attribution=options["attribution"],
                    actor=None,
                    sha256=digest,
                )
                latest = PureSeries(parse_deflator_csv(text)).latest_actual
                self.stdout.write(f"Deflators: {series.name} now used; default price year {latest}")
            else:
                edition = cost_edition_import(
                    name=options["name"],
                    text=text,
                    licence=options["licence"],
                    attribution=options["attribution"],
                    source=options["source"],
                    actor=None,
                    sha256=digest,
                )
                self.stdout.write(f"Unit costs: {edition.name} ({edition.costs.count()} lines)")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
