"""The restore drill (issue 21, ADR 0085): back up, restore into a fresh database, prove it — on
whichever database the suite runs on (SQLite in .ci/run step 1, PostgreSQL in step 2)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from tide.core.audit import audit_record
from tide.core.backup import Manifest, backup_create
from tide.core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]
KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


class FreshDatabase:
    """An empty database of the suite's vendor, reached by a ``tide`` subprocess through its environment."""

    def __init__(self, tmp_path: Path) -> None:
        self.vendor = connection.vendor
        self.conf = connection.settings_dict
        if self.vendor == "postgresql":
            self.name = f"tide_drill_{uuid.uuid4().hex[:10]}"
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.name = str(tmp_path / f"restored-{uuid.uuid4().hex[:6]}.sqlite3")

    def _admin(self, sql: str) -> None:
        import psycopg

        conf = self.conf
        with psycopg.connect(
            dbname="postgres",
            user=conf["USER"] or None,
            password=conf["PASSWORD"] or None,
            host=conf["HOST"] or None,
            port=conf["PORT"] or None,
            autocommit=True,
        ) as admin:
            admin.execute(sql)

    def env(self, tmp_path: Path, key: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TIDE_SQLITE_PATH"}}
        env.update(TIDE_LOCAL="1", TIDE_VAR_DIR=str(tmp_path / "var"), TIDE_FIELD_KEYS=key)
        env["TIDE_MEDIA_ROOT"] = str(tmp_path / "media-restored")
        if self.vendor == "postgresql":
            conf = self.conf
            auth = quote(conf["USER"] or "") + (":" + quote(conf["PASSWORD"]) if conf["PASSWORD"] else "")
            env["DATABASE_URL"] = f"postgres://{auth}@{conf['HOST'] or 'localhost'}:{conf['PORT'] or 5432}/{self.name}"
        else:
            env["TIDE_SQLITE_PATH"] = self.name
        return env

    def counts(self) -> dict[str, int]:
        if self.vendor == "postgresql":
            import psycopg

            conf = self.conf
            with psycopg.connect(
                dbname=self.name,
                user=conf["USER"] or None,
                password=conf["PASSWORD"] or None,
                host=conf["HOST"] or None,
                port=conf["PORT"] or None,
            ) as db:
                tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
        if not Path(self.name).exists():
            return {}
        with sqlite3.connect(self.name) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {
                t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                for t in tables
                if not t.startswith("sqlite_")
            }

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _tide(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.fixture
def fresh(tmp_path):
    databases: list[FreshDatabase] = []

    def make() -> FreshDatabase:
        databases.append(FreshDatabase(tmp_path))
        return databases[-1]

    yield make
    for database in databases:
        database.drop()


@pytest.fixture
def audit_flushable(transactional_db):
    """Let the flush after these transactional tests empty the audit log: PostgreSQL refuses TRUNCATE on
    it (migration core 0002), as in tide/intake/tests/test_import_cancel.py."""
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate")


@pytest.fixture
def seeded(audit_flushable, settings, tmp_path, coordinator):
    """Some rows, an encrypted secret under a known field key, audit rows and an upload on disk."""
    settings.TIDE_FIELD_KEYS = KEY
    settings.MEDIA_ROOT = str(tmp_path / "media")
    coordinator.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    coordinator.save()
    for step in range(5):
        audit_record(actor=coordinator, action="test.drill", detail={"step": step})
    upload = tmp_path / "media" / "intake" / "incoming" / "waiting.bin"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"agency,extract\n1,2\n")
    return coordinator


def test_restore_drill_into_a_fresh_database(seeded, tmp_path, fresh):
    before = _counts()
    path, manifest = backup_create(to_dir=tmp_path / "backup")
    assert manifest.row_counts == before
    assert manifest.audit_head.startswith(f"{before['core_auditevent']}:")
    assert manifest.media
    assert manifest.key_samples

    target = fresh()
    env = target.env(tmp_path, KEY)
    result = _tide(env, "restore", str(path))
    assert result.returncode == 0, result.stderr
    assert "Audit chain intact" in result.stdout

    restored = target.counts()
    # Every table as backed up, plus the restore's own audit row.
    assert restored == {**before, "core_auditevent": before["core_auditevent"] + 1}
    assert (
        tmp_path / "media-restored" / "intake" / "incoming" / "waiting.bin"
    ).read_bytes() == b"agency,extract\n1,2\n"
    verify = _tide(env, "audit", "verify", "--head", manifest.audit_head)
    assert verify.returncode == 0, verify.stderr
    assert "against 1 recorded head" in verify.stdout


def test_restore_with_the_wrong_field_key_is_refused_and_changes_nothing(seeded, tmp_path, fresh):
    path, _ = backup_create(to_dir=tmp_path / "backup")
    target = fresh()
    result = _tide(target.env(tmp_path, OTHER_KEY), "restore", str(path))
    assert result.returncode != 0
    assert "field keys cannot read" in result.stderr
    assert "areas_user.totp_secret" in result.stderr
    assert target.counts() == {}


def _copy(path: Path, to: Path) -> Path:
    shutil.copytree(path.parent, to)
    return to / path.name


def test_a_tampered_dump_is_refused_and_nothing_changes(seeded, tmp_path):
    path, manifest = backup_create(to_dir=tmp_path / "backup")
    tampered = _copy(path, tmp_path / "tampered")
    dump = tampered.parent / manifest.dump
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    before = _counts()
    with pytest.raises(CommandError, match="does not match the checksum"):
        call_command("restore", str(tampered), "--force")
    assert _counts() == before


def test_missing_dump_wrong_vendor_and_bad_manifest_are_refused(seeded, tmp_path):
    path, manifest = backup_create(to_dir=tmp_path / "backup")
    before = _counts()
    with pytest.raises(CommandError, match="No manifest"):
        call_command("restore", str(tmp_path / "nowhere.json"))

    missing = _copy(path, tmp_path / "missing")
    (missing.parent / manifest.dump).unlink()
    with pytest.raises(CommandError, match=r"database dump .* is missing"):
        call_command("restore", str(missing), "--force")

    other = _copy(path, tmp_path / "other")
    data = json.loads(other.read_text())
    data["vendor"] = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    other.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="same kind of database"):
        call_command("restore", str(other), "--force")

    other.write_text("{not json")
    with pytest.raises(CommandError, match="not a Tide backup manifest"):
        call_command("restore", str(other), "--force")
    assert _counts() == before


def test_restore_over_a_database_that_is_not_empty_needs_force(seeded, tmp_path):
    path, _ = backup_create(to_dir=tmp_path / "backup")
    rows = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))
    assert AuditEvent.objects.count() == rows


def test_the_manifest_records_the_facts_of_the_backup(seeded, tmp_path):
    path, manifest = backup_create(to_dir=tmp_path / "backup")
    read = Manifest.read(path)
    assert read == manifest
    assert ["core", "0001_initial"] in read.migrations
    assert read.vendor == connection.vendor
    last = AuditEvent.objects.filter(action="test.drill").order_by("-id").first()
    assert read.audit_head.endswith(last.hash)
    # The backup itself is audited, after the snapshot it describes.
    assert AuditEvent.objects.order_by("-id").first().action == "backup.made"
