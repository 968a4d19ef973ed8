"""Accountability: cost of disclosure control and of the need-to-know gates.

    .venv/bin/python bench/accountability_bench.py [--tables 300] [--people 2000]

1. Disclosure control on random published tables (40 rows x 12 columns, counts skewed small): time per
   table with secondary suppression, against primary suppression only (baseline), and the share of
   cells hidden by each.
2. Opening a person's record through ``person_get_for`` (role, relationship providers, break-glass,
   audit) against the baseline of a plain primary-key read plus the audit row, on a throwaway SQLite
   database: milliseconds and queries per call.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def bench_disclosure(n_tables: int) -> None:
    from tide.accountability.disclosure import DisclosurePolicy, suppression_mask

    rng = random.Random(42)
    tables = [[[int(rng.expovariate(1 / 12)) for _ in range(12)] for _ in range(40)] for _ in range(n_tables)]
    for label, policy in [
        ("primary only (baseline)", DisclosurePolicy(secondary=False)),
        ("with secondary", DisclosurePolicy()),
    ]:
        start = time.perf_counter()
        hidden = cells = 0
        for t in tables:
            _, mask, _ = suppression_mask(t, policy)
            hidden += sum(map(sum, mask))
            cells += len(mask) * len(mask[0])
        elapsed = (time.perf_counter() - start) / n_tables * 1000
        print(f"disclosure {label:<24} {elapsed:7.2f} ms/table  cells hidden {hidden / cells:6.1%}")


def bench_gate(n_people: int, repeat: int) -> None:
    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ.update(TIDE_SQLITE_PATH=str(db), TIDE_LOCAL="1", DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    from django.core.exceptions import PermissionDenied
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from tide.accountability.services import break_glass_open
    from tide.areas.models import Role
    from tide.core.audit import audit_record
    from tide.people.models import Person
    from tide.people.selectors import person_get_for
    from tide.people.services import PersonInput, person_create
    from tide.testing.factories import AgencyFactory, AreaFactory, UserFactory

    area = AreaFactory()
    coordinator = UserFactory(area=area, role=Role.COORDINATOR)
    outsider = UserFactory(area=area, role=Role.PRACTITIONER, agency=AgencyFactory(area=area, sector="police"))
    people = [
        person_create(area=area, data=PersonInput(given_name="Sam", family_name=f"Bench{i}"), actor=coordinator)
        for i in range(n_people)
    ]
    sample = random.Random(1).sample(people, repeat)
    for person in sample[: repeat // 2]:
        break_glass_open(person=person, reason="Benchmark: urgent welfare check.", actor=outsider)

    def run(label: str, fn) -> None:
        times, queries = [], []
        for person in sample:
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                with contextlib.suppress(PermissionDenied):  # refusals are part of the workload
                    fn(person)
                times.append((time.perf_counter() - start) * 1000)
            queries.append(len(ctx.captured_queries))
        print(
            f"gate {label:<36} median {statistics.median(times):6.2f} ms  p95 {sorted(times)[int(len(times) * 0.95)]:6.2f} ms"
            f"  queries {statistics.mean(queries):4.1f}"
        )

    def baseline(person):
        p = Person.objects.prefetch_related("aliases", "identifiers__agency").get(pk=person.pk)
        audit_record(actor=coordinator, action="person.viewed", target=p, person_id=p.pk)

    run("baseline: read + audit", baseline)
    run("person_get_for, relationship", lambda p: person_get_for(user=coordinator, pk=p.pk))
    run("person_get_for, half break-glass/half refused", lambda p: person_get_for(user=outsider, pk=p.pk))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=300)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    bench_disclosure(args.tables)
    bench_gate(args.people, args.repeat)


if __name__ == "__main__":
    main()
