"""Backups that restore: `manage.py backup --output DIR` and `manage.py restore DIR`.

A backup folder holds
- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite, a copy by sqlite3's backup API);
- `media.tar.gz` (MEDIA_ROOT) and `private.tar.gz` (PRIVATE_MEDIA_ROOT);
- `manifest.json`: when, the database vendor, the last applied migration of each app, the row count of each
  table (counted in the very snapshot that was dumped) and the sha256 of each file.

The database is dumped before the folders are packed: a document's file is written before its row, so every
row of the dump finds its file in the archive. The restore checks the files' sha256 first, refuses a database
that already has tables and folders that already hold files (unless --force), then compares every table's row
count with the manifest.

Credentials come from the settings' DATABASES (or --database-url); the password reaches pg_dump and
pg_restore in the PGPASSWORD environment variable, never on their command line.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_FILE = "media.tar.gz"
PRIVATE_FILE = "private.tar.gz"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


# --- databases --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    vendor: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, config: dict) -> Database:
        engine = config["ENGINE"]
        if engine.endswith("postgresql"):
            vendor = "postgresql"
        elif engine.endswith("sqlite3"):
            vendor = "sqlite"
        else:
            raise BackupError(f"Backups know PostgreSQL and SQLite, not {engine}.")
        return cls(
            vendor=vendor,
            name=str(config["NAME"]),
            user=config.get("USER") or "",
            password=config.get("PASSWORD") or "",
            host=config.get("HOST") or "",
            port=str(config.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        import environ

        return cls.from_settings(environ.Env.db_url_config(url))

    # PostgreSQL
    def pg_env(self) -> dict:
        """The environment of pg_dump / pg_restore: the connection, with the password, out of the arguments."""
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", self.name),
        ):
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        return env

    def connect(self):
        if self.vendor == "sqlite":
            return contextlib.closing(sqlite3.connect(self.name))
        import psycopg

        return psycopg.connect(
            dbname=self.name,
            user=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port or None,
            autocommit=True,
        )


def tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def row_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in tables(cursor, vendor):
        cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")  # noqa: S608 (a quoted catalogue name)
        counts[table] = cursor.fetchone()[0]
    return counts


def migration_heads(cursor) -> dict[str, str]:
    """The last applied migration of each app (django_migrations, in the order they were applied)."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: under PG_BIN if set, else the newest /usr/lib/postgresql/*/bin (as
    scripts/postgres.sh finds the server's), else on PATH."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]) / name)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name or 0))
    candidates += [Path(p) / name for p in reversed(versions)]
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client or set PG_BIN.")
    return found


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


# --- files ------------------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pack(folder: Path, archive: Path) -> None:
    """`folder`'s files (an empty archive when it does not exist), paths relative to it."""
    with tarfile.open(archive, "w:gz") as tar:
        if folder.is_dir():
            for child in sorted(folder.iterdir()):
                tar.add(child, arcname=child.name)


def unpack(archive: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(folder, filter="data")  # no absolute paths, no `..`, no links out of the folder


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


# --- backup -----------------------------------------------------------------------------------------------


def backup(*, database: Database, media_root: Path, private_root: Path, output: Path) -> dict:
    """Write a backup folder; answers its manifest."""
    output = Path(output)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(f"{output} exists and is not an empty folder; choose a new one.")
    output.mkdir(parents=True, exist_ok=True)
    if database.vendor == "postgresql":
        db_file = PG_DUMP_FILE
        counts, heads = _dump_postgresql(database, output / db_file)
    else:
        db_file = SQLITE_FILE
        counts, heads = _copy_sqlite(database, output / db_file)
    pack(Path(media_root), output / MEDIA_FILE)
    pack(Path(private_root), output / PRIVATE_FILE)
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "database": {"vendor": database.vendor, "file": db_file, "migrations": heads, "tables": counts},
        "files": {name: sha256_of(output / name) for name in (db_file, MEDIA_FILE, PRIVATE_FILE)},
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return manifest


def _dump_postgresql(database: Database, path: Path):
    """pg_dump of the very snapshot whose rows were counted (an exported snapshot of a repeatable-read
    transaction kept open until the dump ends)."""
    with database.connect() as conn:
        conn.autocommit = False
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(cursor, "postgresql")
            heads = migration_heads(cursor)
            _run(
                [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
                database.pg_env(),
            )
        conn.rollback()
    return counts, heads


def _copy_sqlite(database: Database, path: Path):
    if not Path(database.name).is_file():
        raise BackupError(f"No SQLite database at {database.name}.")
    source = sqlite3.connect(database.name)
    target = sqlite3.connect(path)
    try:
        source.backup(target)  # a consistent copy even while the site writes
    finally:
        source.close()
    try:
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        cursor = target.cursor()
        return row_counts(cursor, "sqlite"), migration_heads(cursor)
    finally:
        target.close()


# --- restore ----------------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as e:
        raise BackupError(f"{folder} holds no {MANIFEST}: not a backup folder.") from e
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        if not (folder / name).is_file():
            raise BackupError(f"{name} is missing from {folder}.")
        if sha256_of(folder / name) != expected:
            raise BackupError(f"{name} does not match its sha256 in the manifest: the backup is damaged.")
    return manifest


def restore(*, folder: Path, database: Database, media_root: Path, private_root: Path, force: bool = False) -> dict:
    """Restore a backup folder into `database` and the two media folders; answers the restored row counts,
    which equal the manifest's (else BackupError)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    vendor = manifest["database"]["vendor"]
    if vendor != database.vendor:
        raise BackupError(f"The backup is of a {vendor} database; the target is {database.vendor}.")
    if not force:
        existing = _existing_tables(database)
        if existing:
            raise BackupError(
                f"The target database {database.name} already has {len(existing)} tables; restore into an empty "
                f"database (or pass --force to replace them)."
            )
        for root in (media_root, private_root):
            if _has_files(Path(root)):
                raise BackupError(f"{root} already holds files; restore into empty folders (or pass --force).")
    if vendor == "postgresql":
        args = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={database.name}"]
        if force:
            args += ["--clean", "--if-exists"]
        _run([*args, str(folder / PG_DUMP_FILE)], database.pg_env())
    else:
        target = Path(database.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(folder / SQLITE_FILE, target)
    unpack(folder / MEDIA_FILE, Path(media_root))
    unpack(folder / PRIVATE_FILE, Path(private_root))
    with database.connect() as conn:
        cursor = conn.cursor()
        counts = row_counts(cursor, vendor)
    expected = manifest["database"]["tables"]
    if counts != expected:
        differ = sorted(t for t in set(counts) | set(expected) if counts.get(t) != expected.get(t))
        raise BackupError(f"Restored row counts differ from the manifest in: {', '.join(differ[:20])}")
    return counts


def _existing_tables(database: Database) -> list[str]:
    if database.vendor == "sqlite" and not Path(database.name).is_file():
        return []
    with database.connect() as conn:
        return tables(conn.cursor(), database.vendor)
