import logging
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tide.core import routines
from tide.core.audit import GENESIS, audit_record, audit_verify
from tide.core.jobs import job_enqueue, job_run
from tide.core.models import AuditEvent, Job


@pytest.fixture
def three_rows(coordinator):
    return [audit_record(actor=coordinator, action=f"test.step{i}", detail={"i": i}) for i in range(3)]


def test_rows_chain_each_to_the_previous(three_rows):
    before = AuditEvent.objects.filter(id__lt=three_rows[0].id).last()
    assert three_rows[0].prev_hash == (before.hash if before else GENESIS)
    assert three_rows[1].prev_hash == three_rows[0].hash
    assert three_rows[2].prev_hash == three_rows[1].hash
    assert audit_verify().ok


def test_verify_names_a_row_whose_content_was_altered(three_rows):
    target = three_rows[1]
    _bypass_update(target.id, "test.forged")
    result = audit_verify()
    assert not result.ok
    assert result.first_broken_id == target.id
    assert "altered" in result.problem


def test_audit_verify_command_names_the_tampered_row(three_rows):
    _bypass_update(three_rows[2].id, "test.forged")
    with pytest.raises(CommandError, match=f"row {three_rows[2].id}"):
        call_command("audit", "verify")


def test_verify_notices_a_removed_row(three_rows):
    _bypass_delete(three_rows[1].id)
    result = audit_verify()
    assert result.first_broken_id == three_rows[2].id
    assert "removed" in result.problem


def test_audit_verify_command_passes_on_an_intact_chain(three_rows, capsys):
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_of_audit_rows(three_rows):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=three_rows[0].pk).update(action="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=three_rows[0].pk).delete()


def _bypass_update(pk, action):
    """Tamper the way an attacker with database access would (switching triggers off on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", [action, pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _bypass_delete(pk):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


# --- The head: row count and latest hash, kept outside the database -------------------------------


def _head(capsys):
    call_command("audit", "head")
    out = capsys.readouterr().out
    match = re.search(r"audit head: (\d+) rows, sha256 ([0-9a-f]{64})", out)
    assert match, out
    return f"{match.group(1)}:{match.group(2)}"


def test_audit_head_prints_the_row_count_and_the_latest_hash(three_rows, capsys):
    head = _head(capsys)
    assert head == f"{AuditEvent.objects.count()}:{three_rows[-1].hash}"


def test_verify_against_the_head_fails_when_the_last_rows_were_removed(three_rows, capsys):
    head = _head(capsys)
    _bypass_delete(three_rows[2].id)
    _bypass_delete(three_rows[1].id)
    call_command("audit", "verify")  # the chain alone cannot tell: what is left still links up
    with pytest.raises(CommandError, match="removed from the end"):
        call_command("audit", "verify", "--head", head)


def test_verify_against_the_head_fails_when_the_end_was_rewritten(three_rows, capsys):
    head = _head(capsys)
    _bypass_delete(three_rows[2].id)
    audit_record(actor=None, action="test.replacement")  # same row count, a different last row
    with pytest.raises(CommandError, match="does not match the recorded head"):
        call_command("audit", "verify", "--head", head)


def test_verify_against_the_head_passes_with_rows_added_since(three_rows, capsys):
    head = _head(capsys)
    audit_record(actor=None, action="test.later")
    call_command("audit", "verify", "--head", head)
    assert "intact" in capsys.readouterr().out


def test_verify_refuses_a_malformed_head_clearly(three_rows):
    with pytest.raises(CommandError, match="COUNT:HASH"):
        call_command("audit", "verify", "--head", "twelve:abc")


def test_verify_checks_every_head_in_a_head_file(three_rows, tmp_path, settings):
    from tide.core.audit import audit_head_write

    settings.TIDE_AUDIT_HEAD_FILE = str(tmp_path / "audit-heads.log")
    audit_head_write()
    audit_record(actor=None, action="test.later")
    audit_head_write()
    call_command("audit", "verify", "--head-file", settings.TIDE_AUDIT_HEAD_FILE)
    _bypass_delete(AuditEvent.objects.order_by("-id").first().id)
    with pytest.raises(CommandError, match="removed from the end"):
        call_command("audit", "verify", "--head-file", settings.TIDE_AUDIT_HEAD_FILE)


def test_the_daily_routine_appends_the_head_to_the_file_and_the_log(three_rows, tmp_path, settings, caplog):
    settings.TIDE_AUDIT_HEAD_FILE = str(tmp_path / "audit-heads.log")
    assert "core.audit_head" in {routine.kind for routine in routines.routines()}
    with caplog.at_level(logging.INFO, logger="tide.audit"):
        job_enqueue(kind="core.audit_head", params={}, actor=None)  # would run on commit; tests never commit
        job_run(Job.objects.get(kind="core.audit_head").pk)
    job = Job.objects.get(kind="core.audit_head")
    assert job.status == Job.Status.SUCCEEDED, job.message
    lines = (tmp_path / "audit-heads.log").read_text().splitlines()
    assert len(lines) == 1
    assert re.search(r"audit head: \d+ rows, sha256 [0-9a-f]{64}", lines[0])
    assert lines[0].split("audit head: ")[1] in caplog.text
    # The next day's run checks the chain against the heads already written, and refuses to vouch for a cut log.
    _bypass_delete(AuditEvent.objects.order_by("-id").first().id)
    _bypass_delete(AuditEvent.objects.order_by("-id").first().id)
    job_enqueue(kind="core.audit_head", params={}, actor=None)
    second = Job.objects.filter(kind="core.audit_head").order_by("-id").first()
    job_run(second.pk)
    second.refresh_from_db()
    assert second.status == Job.Status.FAILED
    assert len((tmp_path / "audit-heads.log").read_text().splitlines()) == 1


def test_deferred_rows_join_the_chain_at_the_end_of_the_block_in_order(coordinator):
    from tide.core.audit import audit_deferred

    before = AuditEvent.objects.count()
    with transaction.atomic():
        with audit_deferred():
            held = [audit_record(actor=coordinator, action=f"test.deferred{i}") for i in range(3)]
            assert AuditEvent.objects.count() == before  # nothing written, so no lock taken, yet
        assert AuditEvent.objects.count() == before + 3
    rows = list(AuditEvent.objects.order_by("-id")[:3])[::-1]
    assert [r.action for r in rows] == ["test.deferred0", "test.deferred1", "test.deferred2"]
    assert held[1].prev_hash == held[0].hash
    assert held[2].prev_hash == held[1].hash
    assert audit_verify().ok


def test_deferred_rows_go_with_a_transaction_that_fails(coordinator):
    from tide.core.audit import audit_deferred

    def failing_import() -> None:
        with transaction.atomic(), audit_deferred():
            audit_record(actor=coordinator, action="test.deferred")
            raise RuntimeError("the import failed")

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        failing_import()
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok
