"""The migration to event ids keeps an agency's id where a row holds one and gives every other row a
Tide-made id, deleting nothing (ADR 0014)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("service_use", "0004_serviceevent_without_linkage_fk")]
AFTER = [("service_use", "0005_serviceevent_event_id")]


# SQLite cannot change a schema inside the test's transaction; PostgreSQL can, and cannot flush its
# append-only audit log after a transactional test.
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_existing_events_keep_their_agency_id_or_get_a_tide_made_one():
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    # Every other app stays at its latest migration unless that needs the one under test (the historical
    # models must match the tables, e.g. a column added to agencies later).
    before = BEFORE + [
        leaf for leaf in graph.leaf_nodes() if leaf[0] != "service_use" and AFTER[0] not in graph.forwards_plan(leaf)
    ]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    area_model = apps.get_model("areas", "Area")
    agency_model = apps.get_model("areas", "Agency")
    person_model = apps.get_model("people", "Person")
    event_model = apps.get_model("service_use", "ServiceEvent")
    area = area_model.objects.create(name="Migrationton", code="migrationton")
    agency = agency_model.objects.create(area=area, name="Police", code="police", sector="police")
    person = person_model.objects.create(area=area, given_name="Test", family_name="person_model")
    day = dt.date(2026, 1, 1)
    rows = {
        "agency_id": ("CU00000000001", "PP1"),
        "repeat": ("CU00000000001", "PP1"),
        "record_ref_copy": ("PP2", "PP2"),
        "blank": ("", "PP3"),
    }
    pks = {
        name: event_model.objects.create(
            person=person, agency=agency, event_type="arrest", occurred_on=day, source_ref=ref, record_ref=rec
        ).pk
        for name, (ref, rec) in rows.items()
    }
    if connection.vendor == "postgresql":  # no foreign-key checks left pending before the schema changes
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    event_model = executor.loader.project_state(AFTER).apps.get_model("service_use", "ServiceEvent")
    ids = dict(event_model.objects.values_list("pk", "event_id"))
    assert ids[pks["agency_id"]] == "CU00000000001"
    for name in ("repeat", "record_ref_copy", "blank"):
        assert ids[pks[name]] == f"tide-{pks[name]}"
    assert len(ids) == 4
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
