"""Print or export an area's cohort outcomes report: ``tide outcomes_report --area CODE [--quarter K] [--csv PATH]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tide.areas.models import Area
from tide.core.exports import csv_writer
from tide.outcomes import cohort, present
from tide.outcomes.selectors import cohort_inputs, framework_current, table_from


class Command(BaseCommand):
    help = "Print an area's cohort outcomes report for one quarter of support, or export every figure as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="the area's code")
        parser.add_argument("--quarter", type=int, default=4, help="the quarter of support to print (default 4)")
        parser.add_argument("--csv", help="write every figure for every quarter, unrounded, to this file")
        parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"No area with code {options['area']!r}.")
        spec = framework_current(area=area)
        k = options["quarter"]
        if not 1 <= k <= spec.window.follow_up_quarters:
            raise CommandError(f"--quarter must be 1 to {spec.window.follow_up_quarters}.")
        table = self._table(area, spec)
        report = cohort.cohort_report(table, seed=options["seed"])
        if options["csv"]:
            with open(options["csv"], "w", newline="", encoding="utf-8") as handle:
                writer = csv_writer(handle)
                writer.writerow(present.CSV_HEADER)
                for measure in report.measures:
                    for q in report.quarters():
                        writer.writerow(present.figure_csv_row(report.figure(measure.code, q)))
            self.stdout.write(f"Wrote {len(report.figures)} figures to {options['csv']}.")
            return
        self.stdout.write(f"{area.name}: {report.people} people started support; quarter {k} against the baseline")
        for row in present.report_rows(report, k):
            self.stdout.write(
                f"  {row['label'][:40]:40s} {row['before']:>8s} -> {row['after']:>8s}  {row['change']:28s} "
                f"CI {row['ci']:24s} p {row['p']:>9s}  n {row['n']}"
            )

    def _table(self, area: Area, spec: Any) -> cohort.PersonQuarters:
        # The command line may take its time: no inline limit here.
        return table_from(cohort_inputs(area_id=area.pk), spec)
