"""Shared set-up of the benchmarks: Django on a fresh `<database>_bench` PostgreSQL database."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_suffix: str = "bench", *, keep: bool = False) -> None:
    """Point DATABASE_URL at a database next to the configured one (new and empty unless `keep`, which
    reuses what an earlier run left, e.g. seeded demo data), migrate it, set Django up."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipmarket.settings.test")
    import environ
    import psycopg

    url = os.environ.get("DATABASE_URL", "postgres://ipmarket:ipmarket@127.0.0.1:55432/ipmarket")
    config = environ.Env.db_url_config(url)
    name = f"{config['NAME']}_{database_suffix}"
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"],
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not keep:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not keep:
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def report(
    name: str,
    ours: float,
    baseline: float,
    unit: str,
    higher_is_better: bool = True,
    *,
    runs: list[float] | None = None,
) -> None:
    """One `BENCH` line; ratio > 1 means ours is better. With `runs` (the figures of repeated measurements,
    `ours` usually their median) the line ends with `runs=a,b,c spread=<max − min>`, after the five fields
    every line has."""
    ratio = ours / baseline if higher_is_better else baseline / ours
    line = f"BENCH name={name} ours={ours:.4g} baseline={baseline:.4g} unit={unit} ratio={ratio:.2f}"
    if runs:
        line += f" runs={','.join(f'{r:.4g}' for r in runs)} spread={max(runs) - min(runs):.4g}"
    print(line, flush=True)
