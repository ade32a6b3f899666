"""A private PostgreSQL cluster for the fault drills: its own data folder in a temporary directory, its own
port on the loopback, stopped and started with `pg_ctl` on that folder only.

The suite's PostgreSQL (127.0.0.1:55432) is never touched: a drill that restarts the database restarts this
cluster. Built as scripts/postgres.sh builds the development cluster: PostgreSQL 15's binaries, run as the
`postgres` OS user when we are root (PostgreSQL refuses to run as root), durability traded for speed
(fsync off). The superuser signs in without a password over the Unix socket, which lives in the cluster's
folder (mode 700); TCP asks for the application role's password.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from loadtest.stack import free_port, port_open, wait_until

PG_VERSION = 15
PG_BIN = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
ROLE, PASSWORD = "ipmarket", "ipmarket"

CONFIG = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
max_connections = 50
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
autovacuum = off
logging_collector = off
password_encryption = 'scram-sha-256'
statement_timeout = 120000
"""


def _as_postgres() -> bool:
    return os.geteuid() == 0


class PrivateCluster:
    """`init()` once, then `start()`, `stop()`, `restart()`; `destroy()` stops it and removes its folder."""

    def __init__(self, *, port: int | None = None):
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ipmarket-drill-pg-"))
        self.data = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self.initialised = False

    # --- commands on this cluster only --------------------------------------------------------------------

    def _run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = list(argv)
        if _as_postgres():
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        return result

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args, timeout=timeout)

    def init(self) -> PrivateCluster:
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL {PG_VERSION} missing in {PG_BIN} (see scripts/postgres.sh)")
        if _as_postgres():
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        os.chmod(self.root, 0o700)
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(CONFIG.format(port=self.port, socket_dir=self.root))
        self.initialised = True
        return self

    def start(self) -> None:
        self._pg_ctl("-l", str(self.log_path), "-w", "-t", "60", "start", timeout=90)

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "-t", "60", "stop", timeout=90)
        wait_until(lambda: not port_open(self.port), timeout=30, what=f"port {self.port} closed")

    def restart(self) -> None:
        self._pg_ctl("-m", "fast", "-l", str(self.log_path), "-w", "-t", "60", "restart", timeout=120)

    def destroy(self) -> None:
        """Stop the cluster if it runs (immediately: it is thrown away) and remove its folder."""
        pid_file = self.data / "postmaster.pid"
        try:
            if pid_file.exists():
                try:
                    self._pg_ctl("-m", "immediate", "-w", "-t", "30", "stop", timeout=60)
                except (RuntimeError, subprocess.TimeoutExpired):
                    if pid_file.exists():  # this cluster's postmaster only, by the id it wrote
                        os.kill(int(pid_file.read_text().splitlines()[0]), signal.SIGKILL)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except (FileNotFoundError, PermissionError):
            return ""

    # --- SQL ------------------------------------------------------------------------------------------------

    def admin(self, dbname: str = "postgres") -> psycopg.Connection:
        """The superuser over the Unix socket (autocommit)."""
        return psycopg.connect(host=str(self.root), port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """The database `name` owned by the application role (created once); its DATABASE_URL."""
        with self.admin() as conn:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone():
                conn.execute(f"CREATE ROLE \"{ROLE}\" LOGIN CREATEDB PASSWORD '{PASSWORD}'")
            clause = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}" OWNER "{ROLE}"{clause}')
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgres://{ROLE}:{PASSWORD}@127.0.0.1:{self.port}/{name}"

    def backends(self, dbname: str) -> list[int]:
        """Process ids of the client connections to `dbname` (the application's, not ours)."""
        with self.admin() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'"
                " AND pid <> pg_backend_pid()",
                [dbname],
            ).fetchall()
        return [pid for (pid,) in rows]


def timed(what: str, timings: dict[str, float]):
    """A context manager recording how long its block took under `what`."""

    class _Timer:
        def __enter__(self):
            self.started = time.monotonic()

        def __exit__(self, *exc):
            timings[what] = round(time.monotonic() - self.started, 2)

    return _Timer()
