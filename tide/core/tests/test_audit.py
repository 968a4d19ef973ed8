import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tide.core.audit import GENESIS, audit_record, audit_verify
from tide.core.models import AuditEvent


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
