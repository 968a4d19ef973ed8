"""``tide linkage_load_pairs PAIRS``: link the area's unlinked records from pairs scored on Spark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tide.areas.selectors import area_for_command
from tide.linkage.services import pairs_read, records_link_from_pairs


class Command(BaseCommand):
    help = (
        "Link the area's records that have no link yet from pairs a Spark job scored (a Parquet file or "
        "folder of unique_id_l, unique_id_r, match_probability), as Tide links new records itself."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("pairs", help="The pairs the Spark job wrote")
        parser.add_argument("--area", help="The area's code (needed when there is more than one area)")

    def handle(self, *args: Any, **options: Any) -> None:
        area = area_for_command(options["area"])
        path = Path(options["pairs"])
        if not path.exists():
            raise CommandError(f"No such file or folder: {path}")
        try:
            summary = records_link_from_pairs(area=area, pairs=pairs_read(path), actor=None)
        except ValueError as error:
            raise CommandError(f"{error} Nothing was linked.") from error
        self.stdout.write(
            f"Linked {summary.records:,} records: {summary.to_known:,} to people already known, "
            f"{summary.new_people:,} new people, {summary.best_matches:,} linked meanwhile to their likeliest "
            f"person, {summary.queued_for_review:,} pairs queued for review."
        )
