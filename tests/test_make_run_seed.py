"""`make run`'s demo data loads on its SQLite database: every step of `seed_demo --with-users`, twice (the
second run adds only what is missing). The suite's other seeding runs on PostgreSQL; a PostgreSQL-only query
in a step (the statistics' thinning once used `jsonb_build_object`) broke `make run` unseen."""

import sqlite3
import tempfile
from pathlib import Path

import pytest

from tests.test_sqlite_concurrency import Server

pytestmark = pytest.mark.integration


def test_seed_demo_loads_on_sqlite_and_again():
    with tempfile.TemporaryDirectory(prefix="ipmarket-seed-") as folder:
        server = Server(Path(folder))
        server.manage("ensure_dirs")
        server.manage("migrate", "--noinput")
        first = server.manage("seed_demo", "--with-users").stdout
        assert "statistics:" in first and "disputes:" in first, first[-2000:]
        with sqlite3.connect(Path(folder) / "db.sqlite3") as db:
            counts = {
                table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
                for table in ("disputes_dispute", "cms_statistics_statisticssnapshot", "accounts_user")
            }
        assert all(counts.values()), counts
        server.manage("seed_demo", "--with-users")
        with sqlite3.connect(Path(folder) / "db.sqlite3") as db:
            again = {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in counts}  # noqa: S608
        assert again == counts
