"""``tide import --agency police FILE``: check an extract and take it in whole, or refuse it whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tide.areas.models import Agency
from tide.areas.selectors import area_for_command
from tide.intake.models import Channel
from tide.intake.services import extract_import, formats_load_shipped


class Command(BaseCommand):
    help = "Check an agency extract against its declared format and import it, all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", help="CSV or XLSX extract files")
        parser.add_argument("--agency", required=True, help="The agency's code, e.g. police")
        parser.add_argument("--area", help="The area's code (needed when there is more than one area)")
        parser.add_argument("--load-formats", action="store_true", help="Load the shipped formats first")
        parser.add_argument(
            "--only-new",
            action="store_true",
            help="When a file holds events Tide already received, take only the new ones (all or nothing, audited)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(area=area_for_command(options["area"]), code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with code {options['agency']!r} in this area.")
        if options["load_formats"]:
            formats_load_shipped(actor=None)
        refused = 0
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {name}")

            def progress(fraction: float, message: str = "") -> None:
                self.stderr.write(f"\r{fraction:4.0%} {message[:70]:<70}", ending="")

            outcome = extract_import(
                agency=agency,
                content=path.read_bytes(),
                filename=path.name,
                channel=Channel.COMMAND,
                actor=None,
                progress=progress,
                only_new=options["only_new"],
            )
            self.stderr.write("")
            if outcome.file is not None:
                f = outcome.file
                self.stdout.write(
                    f"{path.name}: accepted, {f.event_count} events from {f.record_count} records ({f.new_record_count} new)"
                    + (f"; {f.skipped_count} already received, left out." if f.skipped_count else ".")
                )
            else:
                refused += 1
                self.stdout.write(f"{path.name}: refused, nothing recorded. {len(outcome.problems)} problem(s):")
                for problem in outcome.problems:
                    self.stdout.write(f"  {problem}")
                if outcome.only_repeats_stand_in_the_way:
                    self.stdout.write(f"  To take only its {outcome.new_rows} new events, run again with --only-new.")
        if refused:
            raise CommandError(f"{refused} file(s) refused.")
