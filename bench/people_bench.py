"""Person search and person page server time at 100,000 people on PostgreSQL.

    .venv/bin/python bench/people_bench.py [--people 100000] [--database-url postgres://postgres@127.0.0.1:5432/tide_bench]

Creates (or reuses) a benchmark database, fills it with synthetic people from tide.simulate and
service events, then times requests in-process through Django's test client (server time: request in,
response out, including every query). Baseline in the same run: a naive case-insensitive substring
search over names, which cannot tolerate misspellings and scans the table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/tide_bench")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("TIDE_LOCAL", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["TIDE_ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _ensure_database(args.database_url)
    call_command("migrate", verbosity=0)
    user, sample = _populate(args.people)

    client = Client()
    client.force_login(user)
    queries = [_misspell(f"{p.given_name} {p.family_name}") for p in sample[: args.repeat]]

    def timed(path: str, params: dict[str, str] | None = None) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path, params or {})
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, (path, response.status_code)
        return elapsed * 1000, len(ctx.captured_queries)

    client.get("/people/", {"q": queries[0]})  # warm caches
    search = [timed("/people/", {"q": q}) for q in queries]
    found = sum(
        1
        for q, p in zip(queries, sample, strict=False)
        if f"/people/{p.pk}/" in client.get("/people/", {"q": q}).content.decode()
    )
    page = [timed(f"/people/{p.pk}/") for p in sample[: args.repeat]]

    from tide.people.models import Person

    def naive(q: str) -> float:
        start = time.perf_counter()
        list(Person.objects.filter(search_name__icontains=q.split()[-1].lower())[:25])
        return (time.perf_counter() - start) * 1000

    naive_ms = [naive(f"{p.given_name} {p.family_name}") for p in sample[: args.repeat]]

    n = Person.objects.count()
    print(f"people in register: {n:,} (PostgreSQL {connection.pg_version})")
    _report("search, misspelt full name (server ms)", [s for s, _ in search], max(q for _, q in search))
    print(f"  found the intended person in the results: {found}/{len(queries)}")
    _report("person page with timeline (server ms)", [s for s, _ in page], max(q for _, q in page))
    print(f"baseline: naive substring query only, exact surname (ms): median {statistics.median(naive_ms):.1f}")
    print(
        f"ratio search page / naive query: {statistics.median([s for s, _ in search]) / statistics.median(naive_ms):.2f}"
    )


def _report(label: str, values: list[float], max_queries: int) -> None:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    print(
        f"{label}: median {statistics.median(values):.1f}, p95 {p95:.1f}, max {values[-1]:.1f}; queries <= {max_queries}"
    )


def _misspell(name: str) -> str:
    """Swap two inner letters of the surname: a typical typing error."""
    given, _, family = name.partition(" ")
    if len(family) > 4:
        family = family[:2] + family[3] + family[2] + family[4:]
    return f"{given} {family}"


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _populate(n_people: int):
    import datetime as dt

    import numpy as np
    from django.db import transaction

    from tide.areas.models import Area, Role
    from tide.areas.services import agency_create, area_create, staff_create
    from tide.people.models import Person
    from tide.people.services import people_bulk_create
    from tide.service_use.models import ServiceEvent
    from tide.simulate.config import SimConfig
    from tide.simulate.demo import _person_input
    from tide.simulate.population import make_people

    area = Area.objects.filter(code="bench").first()
    if area is None or Person.objects.filter(area=area).count() < n_people:
        with transaction.atomic():
            if area is None:
                area = area_create(name="Benchmark area", code="bench", actor=None)
                agency_create(area=area, name="Bench agency", code="bench", sector="police", actor=None)
                staff_create(
                    area=area,
                    username="bench",
                    first_name="Bench",
                    last_name="User",
                    role=Role.COORDINATOR,
                    password="x" * 12,
                    actor=None,
                )
            have = Person.objects.filter(area=area).count()
            cfg = SimConfig(seed=7, n_people=n_people)
            people = make_people(cfg, np.random.default_rng(7), have, n_people - have)
            people = people.drop_duplicates("nhs_number")
            start = time.perf_counter()
            created = people_bulk_create(
                area=area,
                rows=[_person_input(r) for r in people.itertuples(index=False)],
                actor=None,
                reason="benchmark",
            )
            agency = area.agencies.get(code="bench")
            rng = np.random.default_rng(8)
            events = []
            for person in created[:: max(1, len(created) // 2000)]:
                for _ in range(40):
                    events.append(
                        ServiceEvent(
                            person=person,
                            agency=agency,
                            event_type="ae_attendance",
                            occurred_on=dt.date(2024, 1, 1) + dt.timedelta(days=int(rng.integers(0, 900))),
                        )
                    )
            ServiceEvent.objects.bulk_create(events, batch_size=5000)
            print(f"loaded {len(created):,} people in {time.perf_counter() - start:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from tide.coordination.models import SupportEpisode

    user = area.users.get(username="bench")
    with_events = list(Person.objects.filter(area=area, service_events__isnull=False).distinct()[:60])
    for person in with_events:  # the need-to-know gate: the bench user coordinates these people
        SupportEpisode.objects.get_or_create(
            person=person, coordinator=user, defaults={"started_on": dt.date(2025, 1, 1)}
        )
    return user, with_events


if __name__ == "__main__":
    main()
