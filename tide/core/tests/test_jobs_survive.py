"""Jobs survive what operators meet: a worker that dies, a cancel, a shutdown, a job queued where no
worker runs, and tables that would otherwise keep growing (ADR 0067)."""

from __future__ import annotations

import datetime as dt
import json
import signal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from tide.areas.models import SignInAttempt
from tide.core import jobs
from tide.core.models import Job, RoutineRun, Worker

STOPPED = "The worker running this job stopped (last heard from at "


@pytest.fixture(autouse=True)
def handlers():
    def ok(job, progress):
        progress(0.5, "half way")
        return {"answer": job.params.get("n", 0) * 2}

    def stops_the_worker(job, progress):
        signal.raise_signal(signal.SIGTERM)  # as systemd or docker would, half way through
        progress(0.5, "half way")
        return {"finished": True}

    jobs.register("test.ok", ok)
    jobs.register("test.ok_retry", ok, retry_safe=True)
    jobs.register("test.stops_the_worker", stops_the_worker)
    jobs.register("test.stops_the_worker_retry", stops_the_worker, retry_safe=True)
    yield
    jobs.stopping_reset()


def running(kind: str, *, heard: dt.timedelta, **fields) -> Job:
    now = timezone.now()
    return Job.objects.create(
        kind=kind,
        status=Job.Status.RUNNING,
        started_at=now - heard - dt.timedelta(minutes=1),
        heartbeat_at=now - heard,
        worker="web-1:4242:tide-job",
        progress=0.03,
        **fields,
    )


# --- a worker that died ----------------------------------------------------------------------------


@override_settings(TIDE_JOBS_STALE_SECONDS=60)
def test_a_job_whose_worker_stopped_beating_is_failed_with_a_message(db):
    dead = running("test.ok", heard=dt.timedelta(seconds=61))
    alive = running("test.ok", heard=dt.timedelta(seconds=5))
    assert jobs.jobs_reap() == [dead.pk]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == Job.Status.FAILED
    assert dead.message.startswith(STOPPED)
    assert dead.message.endswith("Nothing it was writing was kept; start it again.")
    assert dead.finished_at is not None
    assert alive.status == Job.Status.RUNNING


@override_settings(TIDE_JOBS_STALE_SECONDS=60)
def test_the_next_poll_of_a_worker_fails_a_dead_workers_job(db):
    dead = running("test.ok", heard=dt.timedelta(minutes=5))
    call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    dead.refresh_from_db()
    assert dead.status == Job.Status.FAILED
    assert dead.message.startswith(STOPPED)


@override_settings(TIDE_JOBS_STALE_SECONDS=60)
def test_a_job_safe_to_retry_is_queued_again_and_runs(db):
    dead = running("test.ok_retry", heard=dt.timedelta(minutes=5), params={"n": 2}, attempts=1)
    call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    dead.refresh_from_db()
    assert dead.status == Job.Status.SUCCEEDED
    assert dead.result == {"answer": 4}
    assert dead.attempts == 2


@override_settings(TIDE_JOBS_STALE_SECONDS=60)
def test_a_job_safe_to_retry_is_not_retried_for_ever(db):
    dead = running("test.ok_retry", heard=dt.timedelta(minutes=5), attempts=jobs.MAX_ATTEMPTS)
    jobs.jobs_reap()
    dead.refresh_from_db()
    assert dead.status == Job.Status.FAILED


# --- cancel ------------------------------------------------------------------------------------------


@override_settings(TIDE_JOBS_STALE_SECONDS=60)
def test_cancelling_a_job_whose_worker_died_ends_it_at_once(coordinator):
    dead = running("test.ok", heard=dt.timedelta(minutes=5), created_by=coordinator)
    jobs.job_cancel(job=dead, actor=coordinator)
    dead.refresh_from_db()
    assert dead.status == Job.Status.CANCELLED
    assert dead.finished_at is not None


def test_a_queued_job_cancelled_never_starts(coordinator):
    job = Job.objects.create(kind="test.ok", created_by=coordinator)
    jobs.job_cancel(job=job, actor=coordinator)
    assert jobs.job_run_next() is None
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.started_at is None


# --- a job queued where no worker runs ---------------------------------------------------------------


def test_a_job_queued_from_the_command_line_runs_at_the_next_web_request(db, monkeypatch):
    """``tide import`` queued a screen and exited before its thread ran it (TIDE_JOBS_MODE=thread)."""
    job = Job.objects.create(kind="test.ok", params={"n": 5})
    monkeypatch.setattr(jobs, "_start_runner", lambda: jobs.jobs_drain())  # run inline in the test
    monkeypatch.setattr(jobs, "_last_poll", 0.0)
    with override_settings(TIDE_JOBS_MODE="thread"):
        assert Client().get("/healthz").status_code == 200
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"answer": 10}


def test_a_job_queued_from_the_command_line_runs_when_a_worker_polls(db):
    job = Job.objects.create(kind="test.ok", params={"n": 1})
    call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


# --- SIGTERM -----------------------------------------------------------------------------------------


class WorkerIgnoredSigtermError(Exception):
    pass


@pytest.fixture
def sigterm_kept_from_pytest():
    """If the worker does not take SIGTERM itself, the signal fails the job instead of the test run."""

    def fallback(*args):
        raise WorkerIgnoredSigtermError("the worker did not take SIGTERM")

    previous = signal.signal(signal.SIGTERM, fallback)
    yield
    signal.signal(signal.SIGTERM, previous)


@override_settings(TIDE_WORKER_GRACE_SECONDS=0)
def test_sigterm_hands_a_job_safe_to_retry_back_to_the_queue_and_the_worker_exits(db, sigterm_kept_from_pytest):
    job = Job.objects.create(kind="test.stops_the_worker_retry")
    later = Job.objects.create(kind="test.ok")
    call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    job.refresh_from_db()
    later.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert (job.worker, job.started_at, job.heartbeat_at) == ("", None, None)
    assert "handed back" in job.message
    assert later.status == Job.Status.QUEUED  # a stopping worker takes no more work
    assert not Worker.objects.exists()


@override_settings(TIDE_WORKER_GRACE_SECONDS=0)
def test_sigterm_fails_a_job_not_safe_to_retry_with_a_message(db, sigterm_kept_from_pytest):
    job = Job.objects.create(kind="test.stops_the_worker")
    call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Nothing it was writing was kept; start it again." in job.message


@override_settings(TIDE_WORKER_GRACE_SECONDS=30)
def test_sigterm_within_the_grace_period_lets_the_job_finish(db, sigterm_kept_from_pytest):
    job = Job.objects.create(kind="test.stops_the_worker")
    call_command("worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"finished": True}


# --- /healthz ----------------------------------------------------------------------------------------


def test_healthz_in_thread_mode_says_jobs_run_in_the_web_process(db):
    with override_settings(TIDE_JOBS_MODE="thread"):
        response = Client().get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["database"] == "ok"
    assert body["worker"] == {"status": "no worker — jobs run in the web process"}
    assert body["queue"] == {"queued": 0, "oldest_queued_seconds": None}


def test_healthz_reports_the_worker_heartbeat_and_the_queue_age(db):
    now = timezone.now()
    Worker.objects.create(name="w1", host="h", pid=1, beat_at=now - dt.timedelta(seconds=7))
    Job.objects.create(kind="test.ok")
    Job.objects.filter().update(created_at=now - dt.timedelta(seconds=90))
    with override_settings(TIDE_JOBS_MODE="worker"):
        body = json.loads(Client().get("/healthz").content)
    assert body["worker"]["status"] == "ok"
    assert 7 <= body["worker"]["last_beat_seconds"] < 60
    assert body["queue"]["queued"] == 1
    assert 90 <= body["queue"]["oldest_queued_seconds"] < 200
    assert "w1" not in json.dumps(body)  # names no one, not even a host


@override_settings(TIDE_JOBS_MODE="worker", TIDE_JOBS_QUEUE_STUCK_SECONDS=600)
def test_healthz_is_503_when_the_queue_is_stuck(db):
    Job.objects.create(kind="test.ok")
    Job.objects.update(created_at=timezone.now() - dt.timedelta(minutes=11))
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "queue stuck"


def test_healthz_is_503_when_the_database_is_down(db, monkeypatch):
    from tide.core import views

    def down():
        raise views.DatabaseError("connection refused")

    monkeypatch.setattr(views, "_database_check", down)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "database unavailable", "database": "unavailable"}


# --- pruning -----------------------------------------------------------------------------------------


@override_settings(TIDE_JOBS_KEEP_DAYS=90, TIDE_SIGN_IN_ATTEMPTS_KEEP_DAYS=30)
def test_the_daily_prune_drops_old_jobs_sign_in_attempts_and_expired_sessions(db):
    now = timezone.now()
    old = Job.objects.create(kind="test.ok", status=Job.Status.SUCCEEDED, finished_at=now - dt.timedelta(days=91))
    recent = Job.objects.create(kind="test.ok", status=Job.Status.FAILED, finished_at=now - dt.timedelta(days=89))
    queued = Job.objects.create(kind="test.ok")
    Job.objects.filter(pk=queued.pk).update(created_at=now - dt.timedelta(days=200))
    run = RoutineRun.objects.create(routine="test.ok", day=dt.date(2026, 1, 1), job=old)
    SignInAttempt.objects.create(
        username="a", ip_address="192.0.2.1", stage="password", succeeded=False, at=now - dt.timedelta(days=31)
    )
    kept = SignInAttempt.objects.create(
        username="b", ip_address="192.0.2.2", stage="password", succeeded=True, at=now - dt.timedelta(days=29)
    )
    expired = SessionStore()
    expired.set_expiry(-1)
    expired.create()
    live = SessionStore()
    live.create()

    for kind in ("core.prune", "areas.prune"):
        job = Job.objects.create(kind=kind)
        job = jobs.job_run(job.pk)
        assert job.status == Job.Status.SUCCEEDED, job.error

    assert set(Job.objects.filter(kind="test.ok").values_list("pk", flat=True)) == {recent.pk, queued.pk}
    run.refresh_from_db()
    assert run.job is None
    assert list(SignInAttempt.objects.all()) == [kept]
    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session_key}


def test_the_prunes_are_daily_routines():
    from tide.core import routines

    kinds = {r.kind for r in routines.routines()}
    assert {"core.prune", "areas.prune"} <= kinds


def test_the_page_of_a_queued_job_shows_the_queue_age(client, coordinator):
    Job.objects.create(kind="test.ok", created_by=coordinator)
    job = Job.objects.create(kind="test.ok", created_by=coordinator)
    Job.objects.filter(kind="test.ok").update(created_at=timezone.now() - dt.timedelta(seconds=120))
    client.force_login(coordinator)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "1 job ahead of it" in page or "0 jobs ahead of it" in page
    assert "The oldest job waiting has waited 12" in page


def test_cancel_of_a_running_job_says_it_stops_at_its_next_step(client, coordinator):
    job = running("test.ok", heard=dt.timedelta(seconds=1), created_by=coordinator)
    client.force_login(coordinator)
    page = client.post(f"/jobs/{job.pk}/cancel", follow=True).content.decode()
    assert "the job stops at its next step" in page
    job.refresh_from_db()
    assert job.cancel_requested
    assert job.status == Job.Status.RUNNING
