"""Coordinator home, coordination person page and person timeline: server time with 15 people x 2 years.

Run on PostgreSQL (the target of the issue's figure), from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tide_coordination \
        /work/main/.venv/bin/python bench/coordination_bench.py [--runs 30] [--coordinators 10]

It creates a throwaway test database, builds an area where each of ``--coordinators`` coordinators
holds 15 people with two years of history each (near-daily contacts like Charles's, quarterly plan
versions, monthly actions, service requests and declines, alerts, ledger events), then times each page
in-process through Django's test client (middleware, views, queries and templates: the server's
share of a request) and prints median and 95th percentile, queries per page, and the same figures
for /healthz as a baseline measured in the same run. Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TIDE_LOCAL", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

DAYS = 730
PER_COORDINATOR = 15


def build(n_coordinators: int, seed: int) -> tuple[object, list[object]]:
    from tide.areas.models import Role, Sector
    from tide.coordination import models as m
    from tide.identification.models import Alert
    from tide.service_use.models import ServiceEvent
    from tide.testing.factories import AgencyFactory, AreaFactory, PersonFactory, UserFactory

    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - dt.timedelta(days=DAYS)
    area = AreaFactory()
    link = AgencyFactory(area=area, name="Link service", code="link")
    agencies = [
        AgencyFactory(area=area, name=name, code=code, sector=sector)
        for name, code, sector in [
            ("Harbour Hostel", "hostel", Sector.HOUSING),
            ("Tideford A&E", "ae", Sector.NHS_ACUTE),
            ("Community mental health", "cmht", Sector.MENTAL_HEALTH),
            ("Drug and alcohol service", "dat", Sector.DRUG_ALCOHOL),
            ("Tideford Police", "police", Sector.POLICE),
        ]
    ]
    coordinators = [
        UserFactory(area=area, agency=link, role=Role.COORDINATOR, username=f"coord{i}") for i in range(n_coordinators)
    ]
    meeting = m.Meeting.objects.create(area=area, held_on=start)
    event_types = ["ae_attendance", "arrest", "hostel_night", "rough_sleeping_contact", "dat_contact"]
    contacts, events, versions, actions, involvements, alerts = [], [], [], [], [], []
    people = []
    for coordinator in coordinators:
        for _ in range(PER_COORDINATOR):
            person = PersonFactory(area=area)
            people.append(person)
            referral = m.Referral.objects.create(
                person=person,
                referrer_kind="agency",
                from_agency=agencies[1],
                offer="Keep seeing them",
                reasons="Repeated attendances",
                sharing_basis="consent",
                received_on=start,
                status="accepted",
                decided_at=meeting,
            )
            episode = m.SupportEpisode.objects.create(
                person=person, coordinator=coordinator, started_on=start, referral=referral, agreed_at=meeting
            )
            m.Allocation.objects.create(episode=episode, coordinator=coordinator, started_on=start)
            m.Decision.objects.create(meeting=meeting, person=person, referral=referral, text="Agreed")
            for day in range(DAYS):
                on = start + dt.timedelta(days=day)
                if rng.random() < 0.8:  # near-daily visits, calls and outreach
                    contacts.append(
                        m.Contact(
                            person=person,
                            kind=rng.choice(m.ContactKind.values),
                            occurred_on=on,
                            note="Saw them at the day centre.",
                            recorded_by=coordinator,
                        )
                    )
                if rng.random() < 0.15:
                    events.append(
                        ServiceEvent(
                            person=person,
                            event_type=rng.choice(event_types),
                            occurred_on=on,
                            agency=rng.choice(agencies),
                            event_id=f"b{len(events)}",
                        )
                    )
            for q in range(8):
                versions.append(
                    m.PlanVersion(
                        person=person,
                        number=q + 1,
                        in_their_words="Somewhere of my own.",
                        review_due_on=start + dt.timedelta(days=91 * (q + 1)),
                        agreed_with_person=True,
                        created_by=coordinator,
                        created_on=start + dt.timedelta(days=91 * q),
                    )
                )
            for month in range(24):
                due = start + dt.timedelta(days=30 * month + 14)
                done = due < today - dt.timedelta(days=20)
                actions.append(
                    m.Action(
                        area=area,
                        meeting=meeting,
                        person=person,
                        description="Chase the referral",
                        owner_agency=link,
                        owner=coordinator,
                        due_on=due,
                        status="done" if done else "open",
                        completed_on=due if done else None,
                    )
                )
            for k in range(10):
                requested = start + dt.timedelta(days=70 * k)
                declined = rng.random() < 0.4
                involvements.append(
                    m.ServiceInvolvement(
                        person=person,
                        agency=rng.choice(agencies),
                        service=rng.choice(m.ServiceKind.values),
                        requested_on=requested,
                        status="declined" if declined else "involved",
                        declined_on=requested + dt.timedelta(days=9) if declined else None,
                        decline_reason="no_capacity" if declined else "",
                        involved_on=None if declined else requested + dt.timedelta(days=5),
                    )
                )
            alerts += [Alert(person=person, kind="trigger", message="New arrest") for _ in range(20)]
    m.Contact.objects.bulk_create(contacts, batch_size=5000)
    ServiceEvent.objects.bulk_create(events, batch_size=5000)
    created_versions = m.PlanVersion.objects.bulk_create(versions, batch_size=5000)
    m.PlanGoal.objects.bulk_create(
        [m.PlanGoal(version=v, domain=d, goal="Goal") for v in created_versions for d in ("housing", "substances")],
        batch_size=5000,
    )
    m.Action.objects.bulk_create(actions, batch_size=5000)
    m.ServiceInvolvement.objects.bulk_create(involvements, batch_size=5000)
    Alert.objects.bulk_create(alerts, batch_size=5000)
    print(
        f"built: {len(people)} people, {len(contacts):,} contacts, {len(events):,} ledger events, "
        f"{len(actions):,} actions, {len(involvements):,} service rows, {len(alerts):,} alerts"
    )
    return coordinators[0], list(people[:PER_COORDINATOR])


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int, int]:
    client.get(url)  # warm caches, templates, connections
    times = []
    queries = 0
    status = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        queries, status = len(ctx.captured_queries), response.status_code
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], queries, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--coordinators", type=int, default=10)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--profile", action="store_true", help="Print where the time goes on each page.")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    print(f"database: {connection.vendor}; load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        coordinator, people = build(args.coordinators, args.seed)
        print(f"build time: {time.perf_counter() - t0:.1f} s")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        client = Client()
        client.force_login(coordinator)
        person = people[0]
        pages = [
            ("baseline /healthz", "/healthz"),
            ("coordinator home", "/coordination/"),
            ("person timeline (register page)", f"/people/{person.pk}/"),
            ("coordination person page", f"/coordination/people/{person.pk}/"),
        ]
        print(f"{'page':36} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>7}")
        for label, url in pages:
            median, p95, queries, status = measure(client, url, args.runs)
            print(f"{label:36} {median:10.1f} {p95:8.1f} {queries:8d} {status:7d}")
        print("target: coordinator home and person timeline under 150 ms server time")
        print(f"load average after: {os.getloadavg()[0]:.1f} (other work on the machine inflates every figure alike)")
        if args.profile:
            import cProfile
            import pstats

            for label, url in pages[1:]:
                timings: list[tuple[float, str]] = []

                def timed(execute, sql, params, many, context, timings=timings):  # type: ignore[no-untyped-def]
                    t = time.perf_counter()
                    try:
                        return execute(sql, params, many, context)
                    finally:
                        timings.append(((time.perf_counter() - t) * 1000, sql[:150]))

                with connection.execute_wrapper(timed):
                    client.get(url)
                print(f"--- {label}: {sum(t for t, _ in timings):.1f} ms in SQL; slowest:")
                for ms, sql in sorted(timings, reverse=True)[:5]:
                    print(f"  {ms:7.1f} ms  {sql}")
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(5):
                    client.get(url)
                profiler.disable()
                print(f"--- {label}")
                pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
