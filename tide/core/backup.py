"""Backups that carry their own proof, and restores that check it (ADR 0085).

``backup_create`` writes three files side by side, named by the moment taken:

- ``tide-<stamp>.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``tide-<stamp>.sqlite3`` (SQLite's online
  backup API): the database;
- ``tide-<stamp>-media.tar`` (when ``MEDIA_ROOT`` holds files): uploads waiting for their job;
- ``tide-<stamp>.json``: the manifest — when, Tide's version, the database vendor, the migrations
  applied, the rows per table and the audit head, all read from the same snapshot as the dump, the
  SHA-256 of each file, and a few encrypted values to prove the field keys before anything is restored.

``backup_restore`` refuses (changing nothing) a missing file, a wrong checksum, another vendor, field
keys that cannot read the backup, or a target database that is not empty (unless forced); then it
restores and checks the migrations, the rows per table and the audit chain against the recorded head.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # pg_dump and pg_restore, with argument lists and no shell
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tide.core.audit import GENESIS, AuditHead, audit_record, audit_verify
from tide.core.audit_actions import BACKUP_MADE, BACKUP_RESTORED
from tide.core.fields import PREFIX, EncryptedMixin, decrypt
from tide.core.models import AuditEvent

MANIFEST_FORMAT = 1
KEY_SAMPLES_PER_COLUMN = 3
# libpq connection options Django passes through OPTIONS that pg_dump/pg_restore must keep too.
LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword", "target_session_attrs"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


Say = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class Manifest:
    created_at: str
    tide_version: str
    vendor: str
    dump: str
    dump_sha256: str
    migrations: list[list[str]]
    row_counts: dict[str, int]
    audit_head: str
    key_samples: list[dict[str, str]] = field(default_factory=list)
    media: str = ""
    media_sha256: str = ""
    format: int = MANIFEST_FORMAT

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**data)
            AuditHead.parse(manifest.audit_head)
        except FileNotFoundError:
            raise BackupError(f"No manifest at {path}: give the .json file `tide backup` wrote.") from None
        except (ValueError, TypeError) as error:
            raise BackupError(f"{path} is not a Tide backup manifest ({error}).") from None
        if manifest.format != MANIFEST_FORMAT:
            raise BackupError(f"{path} is manifest format {manifest.format}; this Tide reads {MANIFEST_FORMAT}.")
        return manifest


def tide_version() -> str:
    try:
        return metadata.version("tide")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- Reading the facts a manifest records, from one cursor (one snapshot) -----------------------


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def snapshot_facts(cursor: Any, vendor: str) -> dict[str, Any]:
    """Rows per table, migrations applied, the audit head and key samples, as the cursor sees them."""
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[list[str]] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[app, name] for app, name in cursor.fetchall()]
    audit_table = AuditEvent._meta.db_table
    head = f"0:{GENESIS}"
    if counts.get(audit_table):
        cursor.execute(f"SELECT hash FROM {_quote(audit_table)} ORDER BY id DESC LIMIT 1")  # noqa: S608
        head = f"{counts[audit_table]}:{cursor.fetchone()[0]}"
    return {
        "row_counts": counts,
        "migrations": migrations,
        "audit_head": head,
        "key_samples": _key_samples(cursor, vendor, counts),
    }


def encrypted_columns() -> list[tuple[str, str]]:
    """Every (table, column) kept encrypted by :mod:`tide.core.fields`."""
    return sorted(
        (model._meta.db_table, model_field.column)
        for model in apps.get_models()
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, EncryptedMixin)
    )


def _key_samples(cursor: Any, vendor: str, tables: dict[str, int]) -> list[dict[str, str]]:
    """A few encrypted values per column (the first and last in sort order): restore proves the keys on
    them before it changes anything."""
    mark = "%s" if vendor == "postgresql" else "?"
    samples: dict[tuple[str, str], dict[str, str]] = {}
    for table, column in encrypted_columns():
        if not tables.get(table):
            continue
        for order in ("ASC", "DESC"):
            cursor.execute(
                f"SELECT {_quote(column)} FROM {_quote(table)} WHERE {_quote(column)} LIKE {mark} "  # noqa: S608
                f"ORDER BY 1 {order} LIMIT {KEY_SAMPLES_PER_COLUMN}",
                [PREFIX + "%"],
            )
            for (value,) in cursor.fetchall():
                samples[(f"{table}.{column}", value)] = {"column": f"{table}.{column}", "value": value}
    return list(samples.values())


def keys_check(samples: list[dict[str, str]]) -> None:
    """Raise if ``TIDE_FIELD_KEYS`` (with the key derived from the secret key) cannot read every sample."""
    unreadable = set()
    for sample in samples:
        try:
            decrypt(sample["value"])
        except InvalidToken:
            unreadable.add(sample["column"])
    if unreadable:
        raise BackupError(
            "The field keys cannot read this backup's encrypted columns "
            f"({', '.join(sorted(unreadable))}). Set TIDE_FIELD_KEYS (and TIDE_SECRET_KEY) to the values in "
            "use when the backup was taken — the escrowed copies (docs/backups.md) — and run restore again. "
            "Nothing was restored."
        )


# --- Backup -----------------------------------------------------------------------------------


def _pg_conninfo_env() -> tuple[str, dict[str, str]]:
    from psycopg.conninfo import make_conninfo

    conf = connection.settings_dict
    params = {
        "dbname": conf["NAME"],
        "user": conf.get("USER") or None,
        "host": conf.get("HOST") or None,
        "port": str(conf.get("PORT") or "") or None,
    }
    params.update({k: str(v) for k, v in (conf.get("OPTIONS") or {}).items() if k in LIBPQ_OPTIONS})
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return make_conninfo(**{k: v for k, v in params.items() if v}), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools of the server's version.")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


def _backup_postgresql(dump: Path) -> dict[str, Any]:
    if connection.in_atomic_block:
        raise BackupError("Take a backup outside a transaction: it exports its own snapshot.")
    conninfo, env = _pg_conninfo_env()
    pg_dump = _pg_tool("pg_dump")
    with connection.cursor() as cursor:
        # pg_dump reads the exported snapshot: the dump, the counts and the head are one moment.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            facts = snapshot_facts(cursor, "postgresql")
            args = [pg_dump, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", str(dump)]
            _run([*args, "-d", conninfo], env)
        finally:
            cursor.execute("ROLLBACK")
    return facts


def _backup_sqlite(dump: Path) -> dict[str, Any]:
    connection.ensure_connection()
    target = sqlite3.connect(dump)
    try:
        connection.connection.backup(target)  # the online backup API: a consistent copy while in use
        cursor = target.cursor()
        facts = snapshot_facts(cursor, "sqlite")
    finally:
        target.close()
    return facts


def _media_archive(path: Path) -> bool:
    media = Path(settings.MEDIA_ROOT)
    files = [p for p in media.rglob("*") if p.is_file()] if media.is_dir() else []
    if not files:
        return False
    with tarfile.open(path, "w") as archive:
        for file in sorted(files):
            archive.add(file, arcname=str(file.relative_to(media)))
    return True


def backup_create(*, to_dir: Path, actor: Any = None, say: Say = _quiet) -> tuple[Path, Manifest]:
    """Back up the database (and uploads on disk) into ``to_dir``; return the manifest's path and it."""
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"Backups of {connection.vendor} are not supported.")
    to_dir.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    dump = to_dir / f"tide-{stamp}.{'dump' if connection.vendor == 'postgresql' else 'sqlite3'}"
    if dump.exists():
        raise BackupError(f"{dump} already exists: wait a second or choose another directory.")
    say(f"Backing up the {connection.vendor} database to {dump} …")
    facts = _backup_postgresql(dump) if connection.vendor == "postgresql" else _backup_sqlite(dump)
    media = to_dir / f"tide-{stamp}-media.tar"
    has_media = _media_archive(media)
    manifest = Manifest(
        created_at=now.isoformat(timespec="seconds"),
        tide_version=tide_version(),
        vendor=connection.vendor,
        dump=dump.name,
        dump_sha256=sha256_of(dump),
        media=media.name if has_media else "",
        media_sha256=sha256_of(media) if has_media else "",
        **facts,
    )
    path = to_dir / f"tide-{stamp}.json"
    manifest.write(path)
    audit_record(
        actor=actor,
        action=BACKUP_MADE,
        detail={"manifest": path.name, "audit_head": manifest.audit_head, "tables": len(manifest.row_counts)},
    )
    return path, manifest


# --- Restore ----------------------------------------------------------------------------------


def _checked_file(folder: Path, name: str, sha256: str, what: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise BackupError(f"The {what} {path} is missing: keep it beside its manifest. Nothing was restored.")
    if sha256_of(path) != sha256:
        raise BackupError(
            f"The {what} {path} does not match the checksum in its manifest: it is damaged or was altered. "
            "Use another backup. Nothing was restored."
        )
    return path


def _target_tables() -> list[str]:
    return connection.introspection.table_names()


def _media_conflicts(archive: Path) -> list[str]:
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(archive) as tar:
        return [m.name for m in tar.getmembers() if (media / m.name).exists()]


def restore_preflight(manifest_path: Path, *, force: bool = False) -> tuple[Manifest, Path, Path | None]:
    """Every check that needs no change: the files, their checksums, the vendor, the keys, the target."""
    manifest = Manifest.read(manifest_path)
    folder = manifest_path.parent
    dump = _checked_file(folder, manifest.dump, manifest.dump_sha256, "database dump")
    media = _checked_file(folder, manifest.media, manifest.media_sha256, "media archive") if manifest.media else None
    if manifest.vendor != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest.vendor} database but Tide is set up for {connection.vendor} "
            "(DATABASE_URL): restore it into the same kind of database. Nothing was restored."
        )
    keys_check(manifest.key_samples)
    if not force:
        tables = _target_tables()
        if tables:
            raise BackupError(
                f"The target database is not empty ({len(tables)} tables): restore into a fresh database, "
                "or pass --force to replace everything in it. Nothing was restored."
            )
        conflicts = _media_conflicts(media) if media else []
        if conflicts:
            raise BackupError(
                f"{len(conflicts)} file(s) of the backup already exist under MEDIA_ROOT ({conflicts[0]} …): "
                "restore into an empty MEDIA_ROOT or pass --force. Nothing was restored."
            )
    return manifest, dump, media


def _restore_postgresql(dump: Path, *, force: bool) -> None:
    conninfo, env = _pg_conninfo_env()
    connection.close()
    args = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, "-d", conninfo, str(dump)], env)


def _restore_sqlite(dump: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    connection.close()
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The target is an in-memory SQLite database: set TIDE_SQLITE_PATH to a file.")
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(name)
    try:
        source.backup(target)  # replaces every page of the target, in one step
    finally:
        source.close()
        target.close()


def _restore_media(archive: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        tar.extractall(media, filter="data")  # refuses absolute paths, "..", links out of MEDIA_ROOT
    return len(members)


@dataclass
class RestoreReport:
    manifest: Manifest
    audit_rows: int
    media_files: int
    problems: list[str]


def restore_check(manifest: Manifest) -> tuple[int, list[str]]:
    """After a restore: the migrations, the rows per table and the audit chain against the recorded head."""
    problems = []
    with connection.cursor() as cursor:
        facts = snapshot_facts(cursor, connection.vendor)
    if facts["migrations"] != manifest.migrations:
        problems.append("the migrations applied differ from the manifest's")
    for table, rows in sorted(manifest.row_counts.items()):
        found = facts["row_counts"].get(table)
        if found != rows:
            problems.append(f"{table} has {found} rows, the manifest says {rows}")
    result = audit_verify([AuditHead.parse(manifest.audit_head)])
    if not result.ok:
        where = f" at row {result.first_broken_id}" if result.first_broken_id else ""
        problems.append(f"the audit chain fails verification against the recorded head{where}: {result.problem}")
    return result.checked, problems


def backup_restore(*, manifest_path: Path, force: bool = False, actor: Any = None, say: Say = _quiet) -> RestoreReport:
    """Restore a backup written by :func:`backup_create` into the configured database and check it."""
    manifest, dump, media = restore_preflight(manifest_path, force=force)
    say(f"Restoring {dump.name} ({manifest.vendor}, taken {manifest.created_at}) …")
    if manifest.vendor == "postgresql":
        _restore_postgresql(dump, force=force)
    else:
        _restore_sqlite(dump)
    media_files = _restore_media(media) if media else 0
    audit_rows, problems = restore_check(manifest)
    if not problems:
        audit_record(
            actor=actor,
            action=BACKUP_RESTORED,
            detail={"manifest": manifest_path.name, "audit_head": manifest.audit_head, "taken": manifest.created_at},
        )
    return RestoreReport(manifest, audit_rows, media_files, problems)
