"""Cancelling a running import stops it and writes nothing (ADR 0067)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from tide.core import jobs
from tide.core.models import Job
from tide.intake.jobs import import_handler, incoming_save
from tide.intake.models import ExtractFile
from tide.intake.tests.extracts import police_csv
from tide.linkage.models import SourceRecord
from tide.service_use.models import ServiceEvent


def nothing_written() -> bool:
    return ExtractFile.objects.count() == SourceRecord.objects.count() == ServiceEvent.objects.count() == 0


def test_cancel_of_a_running_import_stops_it_and_writes_nothing(police, analyst, settings, tmp_path):
    """Eager mode (one connection): the cancel lands while the import is inside its transaction."""
    settings.MEDIA_ROOT = tmp_path

    def cancelled_midway(job, progress):
        def cancelling(fraction, message=""):
            if fraction > 0.5:
                Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # the web's request
            progress(fraction, message)

        return import_handler(job, cancelling)

    jobs.register("test.cancelled_import", cancelled_midway)
    job = Job.objects.create(
        kind="test.cancelled_import",
        params={"agency": police.pk, "filename": "p.csv", "incoming": incoming_save(police_csv())},
        created_by=analyst,
    )
    job = jobs.job_run(job.pk)
    assert job.status == Job.Status.CANCELLED
    assert job.message == "Cancelled by a user. Nothing it was writing was kept."
    assert nothing_written()


@pytest.fixture
def audit_flushable(transactional_db):
    """Let the flush after this transactional test empty the audit log: PostgreSQL refuses TRUNCATE on
    it (a trigger, migration core 0002). The flush runs after every fixture of the test is torn down,
    so the trigger stays off for the rest of this test session's database; row UPDATE/DELETE stay refused."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time: see ADR 0067")
@pytest.mark.django_db(transaction=True)
def test_cancel_from_the_web_of_a_running_import_stops_it_and_writes_nothing(
    audit_flushable, police, analyst, settings, tmp_path
):
    """The import holds its transaction open in its thread; the user cancels from another connection."""
    settings.MEDIA_ROOT = tmp_path
    settings.TIDE_JOBS_HEARTBEAT_SECONDS = 0.05
    settings.TIDE_JOBS_MODE = "thread"
    inside = threading.Event()

    def slow_import(job, progress):
        def pausing(fraction, message=""):
            progress(fraction, message)
            if fraction > 0.5:  # inside the import's transaction, with rows written
                inside.set()
                for _ in range(100):
                    time.sleep(0.05)
                    progress(fraction, message)

        return import_handler(job, pausing)

    jobs.register("test.slow_import", slow_import)
    job = jobs.job_enqueue(
        kind="test.slow_import",
        params={"agency": police.pk, "filename": "p.csv", "incoming": incoming_save(police_csv())},
        actor=analyst,
    )
    assert inside.wait(20)
    done = threading.Event()
    threading.Thread(target=lambda: (jobs.job_cancel(job=job, actor=analyst), done.set()), daemon=True).start()
    assert done.wait(3), "the cancel waited for the import's transaction"
    for _ in range(100):
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.05)
    assert job.status == Job.Status.CANCELLED
    assert nothing_written()
