"""``tide linkage_export FOLDER``: the area's records and active model, for a Spark job on a cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from tide.areas.selectors import area_for_command
from tide.linkage import model
from tide.linkage.services import linkage_export, model_active


class Command(BaseCommand):
    help = (
        "Write the area's agency records as linkage rows (records.parquet) and its active model "
        "(model.json) into FOLDER, for scoring on Spark (docs/how-to/run-linkage-on-spark.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", help="Where to write records.parquet and model.json")
        parser.add_argument("--area", help="The area's code (needed when there is more than one area)")

    def handle(self, *args: Any, **options: Any) -> None:
        area = area_for_command(options["area"])
        count = linkage_export(area=area, folder=Path(options["folder"]), actor=None)
        version = model_active(area=area)
        self.stdout.write(
            f"Wrote {count:,} records and model {version} to {options['folder']}. Score the pairs at "
            f"{model.evidence_floor(version.lower)} or above, then load them with linkage_load_pairs."
        )
