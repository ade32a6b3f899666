"""Backups that restore: `manage.py backup` of real rows and private documents, `manage.py restore` into a new
PostgreSQL database and new folders, and every row and document found again (ipmarket/core/backups.py)."""

import hashlib
import json
import secrets
import sqlite3
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from financing.models import Document as FinancingDocument
from ipmarket.core import backups
from ipmarket.disputes import services as disputes
from ipmarket.disputes.models import Document as DisputeDocument
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory
from tests.disputes.factories import dispute, upload, world


def _admin_connection():
    """A connection to the test server's maintenance database, to create and drop the restore target."""
    config = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or None,
        autocommit=True,
    )


def _url(name: str) -> str:
    c = connection.settings_dict
    return f"postgres://{c['USER']}:{c['PASSWORD']}@{c['HOST']}:{c['PORT']}/{name}"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_new_database_with_every_row_and_private_document(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (tmp_path / "media" / "images").mkdir(parents=True)
    (tmp_path / "media" / "images" / "logo.png").write_bytes(b"\x89PNG public image")

    OrganisationFactory.create_batch(3, kind="enterprise")
    PatentFactory.create_batch(2)
    w = world()
    case = dispute(w)
    for content in (b"%PDF-1.4 first evidence", b"%PDF-1.4 second evidence"):
        disputes.document_upload(dispute=case, by=w.owner, kind="evidence", upload=upload(content=content))
    assert DisputeDocument.objects.count() == 2

    out = tmp_path / "backup"
    call_command("backup", output=str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert {p.name for p in out.iterdir()} == {"manifest.json", "database.dump", "media.tar.gz", "private.tar.gz"}
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["created"]
    assert manifest["database"]["migrations"]["disputes"] and manifest["database"]["migrations"]["accounts"]
    for name, digest in manifest["files"].items():
        assert _sha256(out / name) == digest
    with connection.cursor() as cursor:
        source_counts = backups.row_counts(cursor, "postgresql")
    assert manifest["database"]["tables"] == source_counts
    assert source_counts[DisputeDocument._meta.db_table] == 2
    assert source_counts["accounts_organisation"] >= 3 + 8  # the batch and the world's organisations

    # A folder that already holds something is never written over.
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", output=str(out))

    documents = list(DisputeDocument.objects.values_list("file", "sha256"))
    target = f"ipmarket_restore_{secrets.token_hex(4)}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        settings.MEDIA_ROOT = tmp_path / "restored" / "media"
        settings.PRIVATE_MEDIA_ROOT = tmp_path / "restored" / "private"
        call_command("restore", str(out), database_url=_url(target))

        restored_db = backups.Database.from_url(_url(target))
        with restored_db.connect() as conn:
            cursor = conn.cursor()
            restored_counts = backups.row_counts(cursor, "postgresql")
            cursor.execute(f'SELECT file, sha256 FROM "{DisputeDocument._meta.db_table}" ORDER BY id')
            restored_documents = cursor.fetchall()
            cursor.execute(f'SELECT file, sha256 FROM "{FinancingDocument._meta.db_table}"')
            restored_documents += cursor.fetchall()
            cursor.execute("SELECT count(*) FROM accounts_organisation WHERE name = %s", [w.claimant.name])
            assert cursor.fetchone()[0] == 1
        assert restored_counts == manifest["database"]["tables"] == source_counts
        assert sorted(restored_documents) == sorted(documents)
        for name, digest in restored_documents:
            path = tmp_path / "restored" / "private" / name
            assert path.is_file(), name
            assert _sha256(path) == digest
        assert (tmp_path / "restored" / "media" / "images" / "logo.png").read_bytes() == b"\x89PNG public image"

        # A second restore into the now full database is refused.
        with pytest.raises(CommandError, match="already has"):
            call_command("restore", str(out), database_url=_url(target))
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_a_damaged_backup_is_refused(tmp_path):
    (tmp_path / "media").mkdir()
    db = tmp_path / "site.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)")
    backups.backup(
        database=backups.Database(vendor="sqlite", name=str(db)),
        media_root=tmp_path / "media",
        private_root=tmp_path / "private",
        output=tmp_path / "b",
    )
    with open(tmp_path / "b" / "private.tar.gz", "ab") as f:
        f.write(b"tampered")
    with pytest.raises(backups.BackupError, match="sha256"):
        backups.read_manifest(tmp_path / "b")


def test_a_sqlite_backup_restores_every_row_and_file(tmp_path):
    source = tmp_path / "site.sqlite3"
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA journal_mode=WAL")  # as `make run` keeps it
        conn.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)")
        conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('disputes', '0001_initial', 'x')")
        conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('disputes', '0002_more', 'x')")
        conn.execute("CREATE TABLE notes (id integer primary key, body text)")
        conn.executemany("INSERT INTO notes (body) VALUES (?)", [("一",), ("二",), ("三",)])
    (tmp_path / "private" / "disputes").mkdir(parents=True)
    (tmp_path / "private" / "disputes" / "1-a.pdf").write_bytes(b"%PDF-1.4 private")
    out = tmp_path / "b"
    manifest = backups.backup(
        database=backups.Database(vendor="sqlite", name=str(source)),
        media_root=tmp_path / "media",  # absent: an empty archive
        private_root=tmp_path / "private",
        output=out,
    )
    assert manifest["database"]["tables"] == {"django_migrations": 2, "notes": 3}
    assert manifest["database"]["migrations"] == {"disputes": "0002_more"}

    target = tmp_path / "restored" / "db.sqlite3"
    counts = backups.restore(
        folder=out,
        database=backups.Database(vendor="sqlite", name=str(target)),
        media_root=tmp_path / "restored" / "media",
        private_root=tmp_path / "restored" / "private",
    )
    assert counts == manifest["database"]["tables"]
    with sqlite3.connect(target) as conn:
        assert [r[0] for r in conn.execute("SELECT body FROM notes ORDER BY id")] == ["一", "二", "三"]
    assert (tmp_path / "restored" / "private" / "disputes" / "1-a.pdf").read_bytes() == b"%PDF-1.4 private"
    with pytest.raises(backups.BackupError, match="already has"):
        backups.restore(
            folder=out,
            database=backups.Database(vendor="sqlite", name=str(target)),
            media_root=tmp_path / "other" / "media",
            private_root=tmp_path / "other" / "private",
        )
