"""Fixtures of the fault drills (docs/operations.md, "Fault drills").

A drill runs the application as an operator does (loadtest/stack.py: gunicorn with the production settings, a
Celery worker) against this test's PostgreSQL database, stops a service under it and starts it again. Only
private copies are stopped (a Redis, an Elasticsearch node, a worker of our own); the suite's shared services
are never touched. Every process is started by the drill and stopped in `finally` or a fixture's teardown.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from celery import Celery

from loadtest import stack

ROOT = stack.ROOT
# VAR_DIR of the drills' web processes: only `static/` (collectstatic) is used, kept between runs.
DRILL_VAR_DIR = ROOT / "var" / "drills"
WEBHOOK_SECRET = "whsec_drill_secret"


# --- the test database, seen by the subprocesses --------------------------------------------------------------


@pytest.fixture
def database_url(transactional_db) -> str:
    """DATABASE_URL of this test's database (test_ipmarket_<name>): rows the test commits are the stack's rows."""
    from django.db import connection

    s = connection.settings_dict
    credentials = f"{quote(s['USER'], safe='')}:{quote(s['PASSWORD'] or '', safe='')}"
    return f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


# --- static files for the production settings' pages ------------------------------------------------------------


def _static_fingerprint() -> str:
    """What collectstatic would gather: every source file's path, size and modification time."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def static_var_dir() -> Path:
    """A VAR_DIR whose `static/` holds collectstatic's output, so that the production settings (manifest
    storage) render pages. Collected once (about two minutes) and again only when a static source changes."""
    DRILL_VAR_DIR.mkdir(parents=True, exist_ok=True)
    marker = DRILL_VAR_DIR / "static.fingerprint"
    fingerprint = _static_fingerprint()
    with open(DRILL_VAR_DIR / ".collect.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two sessions at once: one collects, the other waits
        if not (marker.exists() and marker.read_text() == fingerprint):
            marker.unlink(missing_ok=True)
            shutil.rmtree(DRILL_VAR_DIR / "static", ignore_errors=True)
            env = stack.production_env(VAR_DIR=str(DRILL_VAR_DIR))
            done = subprocess.run(
                [str(stack.BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            marker.write_text(fingerprint)
    return DRILL_VAR_DIR


# --- the stack's environment --------------------------------------------------------------------------------------


def drill_env(database_url: str, var_dir: Path | None = None, **overrides: str) -> dict[str, str]:
    """deploy/environment.example's settings for a stack on this test's database (the pt wrapper's services
    unless overridden: ELASTICSEARCH_URL, CELERY_BROKER_URL, STRIPE_API_BASE)."""
    env = stack.production_env(
        DATABASE_URL=database_url,
        VAR_DIR=str(var_dir or DRILL_VAR_DIR),
        STRIPE_API_KEY="sk_test_123",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        EMAIL_URL="consolemail://",
        LOG_LEVEL="INFO",
    )
    env.pop("CACHE_URL", None)  # each process's own memory unless the drill says otherwise
    env.update(overrides)
    return env


@contextmanager
def running(*processes: stack.Process) -> Iterator[None]:
    """Start the processes; stop them (their process groups only) whatever happens."""
    try:
        for process in processes:
            process.start()
        yield
    finally:
        for process in reversed(processes):
            process.stop()


def start_web(env: dict[str, str], *, name: str, workers: int = 3) -> tuple[stack.Process, str]:
    port = stack.free_port()
    return stack.web(env, port, workers=workers, name=name), f"http://127.0.0.1:{port}"


def worker_ready(worker: stack.Process, since: int = 0) -> bool:
    """The worker's log says it is consuming (Celery's `ready.` line), after byte `since` of the log."""
    if not worker.running:
        raise RuntimeError(f"{worker.name} exited:\n{worker.log_tail()}")
    try:
        with open(worker.log_path, "rb") as log:
            log.seek(since)
            return b" ready." in log.read()
    except FileNotFoundError:
        return False


def log_size(process: stack.Process) -> int:
    try:
        return process.log_path.stat().st_size
    except FileNotFoundError:
        return 0


def log_since(process: stack.Process, since: int) -> str:
    with open(process.log_path, "rb") as log:
        log.seek(since)
        return log.read().decode(errors="replace")


# --- a private Redis (broker, cache) ------------------------------------------------------------------------------


class PrivateRedis:
    """A Redis of our own on a free port (in memory: a restart comes back empty, as a lost Redis does)."""

    def __init__(self, name: str):
        self.port = stack.free_port()
        self.process = stack.redis_server(self.port, name=name)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process.start()
        stack.wait_until(lambda: stack.port_open(self.port), timeout=20, what=f"redis on {self.port}")

    def stop(self) -> None:
        self.process.stop()
        stack.wait_until(lambda: not stack.port_open(self.port), timeout=20, what=f"redis on {self.port} gone")

    def client(self, db: int = 0):
        import redis

        return redis.Redis.from_url(self.url(db), socket_connect_timeout=2, socket_timeout=5)


@pytest.fixture
def private_redis(request) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(f"drill-redis-{request.node.name[:40]}")
    try:
        redis.start()
        yield redis
    finally:
        redis.process.stop()


@contextmanager
def broker_client(url: str) -> Iterator[Celery]:
    """A bare Celery app on `url` that sends tasks by name to the default queue (what beat does)."""
    app = Celery("drill", set_as_current=False)
    # Celery prefers the environment's CELERY_BROKER_URL (the pt wrapper's Redis) to `broker_url`; the write
    # and read URLs come before it.
    app.conf.update(broker_write_url=url, broker_read_url=url, task_serializer="json", accept_content=["json"])
    try:
        yield app
    finally:
        app.close()


@pytest.fixture(autouse=True)
def _purge_the_wrapper_broker():
    """The test process's own enqueues (on commit of factory rows) go to the pt wrapper's broker, where no
    drill worker listens: drop them afterwards so that nothing piles up there."""
    yield
    from ipmarket.celery import app

    try:
        app.control.purge()
    except Exception:  # the wrapper's Redis is not ours to worry about
        pass


# --- HTTP ----------------------------------------------------------------------------------------------------------


def api_session(user=None) -> requests.Session:
    """A requests session, with `Authorization: Token …` of `user` (a token made in the database) if given."""
    session = requests.Session()
    if user is not None:
        from ipmarket.accounts.models import ApiToken

        token, _created = ApiToken.objects.get_or_create(
            user=user, defaults={"password_hash": user.get_session_auth_hash()}
        )
        session.headers["Authorization"] = f"Token {token.key}"
    return session
