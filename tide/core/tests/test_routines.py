"""Daily routines are queued once a day when their time comes, by the worker or the web process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from tide.core import routines
from tide.core.models import Job, RoutineRun

DAY = dt.date(2026, 12, 7)


def at(hour: int, day: dt.date = DAY, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture(autouse=True)
def _daily_only(request, monkeypatch):
    """The tests below are about daily routines; the hourly ones have their own test."""
    if "hourly" not in request.node.name:
        monkeypatch.setattr(routines, "_hourly", {})


def test_an_hourly_routine_is_queued_once_an_hour(db, monkeypatch):
    assert [(r.kind, r.at.minute) for r in routines.hourly_routines()] == [("messages.sweep", 5)]
    monkeypatch.setattr(routines, "_routines", {})  # the daily ones have their own tests
    assert routines.routines_due(at(9, minute=4)) == []
    assert [j.kind for j in routines.routines_due(at(9, minute=5))] == ["messages.sweep"]
    assert routines.routines_due(at(9, minute=59)) == []
    assert [j.kind for j in routines.routines_due(at(10, minute=6))] == ["messages.sweep"]
    assert sorted(RoutineRun.objects.values_list("routine", flat=True)) == ["messages.sweep@09", "messages.sweep@10"]


def test_the_shipped_routines_keep_the_audit_head_escalate_actions_rescreen_the_ledger_and_watch_the_feeds_daily():
    assert [(r.kind, r.at) for r in routines.routines()] == [
        ("core.audit_head", dt.time(1)),
        ("identification.screen", dt.time(2)),
        ("core.prune", dt.time(3)),
        ("areas.prune", dt.time(3, 15)),
        ("coordination.escalate", dt.time(6)),
        ("intake.feed_watch", dt.time(6, 30)),
    ]


def test_a_routine_is_queued_once_its_time_has_come_and_once_a_day(db):
    assert routines.routines_due(at(0)) == []
    assert [j.kind for j in routines.routines_due(at(3))] == ["core.audit_head", "identification.screen", "core.prune"]
    assert [j.kind for j in routines.routines_due(at(7))] == [
        "areas.prune",
        "coordination.escalate",
        "intake.feed_watch",
    ]
    assert routines.routines_due(at(23)) == []
    assert [j.kind for j in routines.routines_due(at(7, DAY + dt.timedelta(days=1)))] == [
        "core.audit_head",
        "identification.screen",
        "core.prune",
        "areas.prune",
        "coordination.escalate",
        "intake.feed_watch",
    ]
    assert RoutineRun.objects.count() == 12
    assert all(run.job is not None for run in RoutineRun.objects.all())


def test_a_routine_another_process_queued_today_is_not_queued_again(db):
    RoutineRun.objects.create(routine="coordination.escalate", day=DAY)
    assert [j.kind for j in routines.routines_due(at(7))] == [
        "core.audit_head",
        "identification.screen",
        "core.prune",
        "areas.prune",
        "intake.feed_watch",
    ]


def test_the_worker_queues_due_routines_and_runs_them(db, monkeypatch, capsys):
    from tide.core.management.commands import worker

    monkeypatch.setattr(routines.timezone, "now", lambda: at(7))
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # it would end the test's transaction
    monkeypatch.setattr(routines, "_last_check", 0.0)
    call_command("worker", "--once")
    jobs = {job.kind: job for job in Job.objects.all()}
    assert set(jobs) == {
        "core.audit_head",
        "identification.screen",
        "core.prune",
        "areas.prune",
        "coordination.escalate",
        "intake.feed_watch",
    }
    assert {job.status for job in jobs.values()} == {Job.Status.SUCCEEDED}
    assert "queued as a daily routine" in capsys.readouterr().out


@pytest.mark.django_db
def test_on_one_machine_the_web_process_queues_them_after_a_request(monkeypatch):
    monkeypatch.setattr(routines.timezone, "now", lambda: at(7))
    monkeypatch.setattr(routines, "_last_check", 0.0)
    with override_settings(TIDE_JOBS_MODE="thread"):
        assert Client().get("/healthz").status_code == 200
    assert set(RoutineRun.objects.values_list("routine", flat=True)) == {
        "core.audit_head",
        "identification.screen",
        "core.prune",
        "areas.prune",
        "coordination.escalate",
        "intake.feed_watch",
    }
    # Within the minute, another request does not even look.
    RoutineRun.objects.all().delete()
    with override_settings(TIDE_JOBS_MODE="thread"):
        Client().get("/healthz")
    assert not RoutineRun.objects.exists()
