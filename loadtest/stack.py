"""The application's processes as an operator runs them, started and stopped from Python.

Used by `make loadtest` (loadtest/run.py) and by the fault drills (tests/drills/): the web process under
gunicorn with deploy/gunicorn.conf.py and the production settings, or `make run`'s development server; a Celery
worker and beat; and private copies of Redis and stripe-mock on free ports, so that a drill can stop and start
them without touching the services the rest of the suite uses.

Every `Process` runs in its own process group and `stop()` ends that group only: nothing is stopped that
was not started here.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LOG_DIR = ROOT / "var" / "log" / "stack"


def free_port() -> int:
    """A TCP port on the loopback nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll `condition` until it holds; TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)


def answers(url: str, *, status: int | None = None, timeout: float = 2.0) -> bool:
    """True when `url` answers (with `status`, if given) within `timeout` seconds."""
    try:
        response = requests.get(url, timeout=timeout)
    except requests.RequestException:
        return False
    return status is None or response.status_code == status


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Process:
    """One command in its own process group, its output in var/log/stack/<name>.log."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], cwd: Path = ROOT):
        self.name = name
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.log_path = LOG_DIR / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was not started"
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, signum: int) -> None:
        """`signum` to the whole group (gunicorn's and Celery's children too)."""
        if self.running:
            os.killpg(self.pid, signum)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM to the group, SIGKILL after `timeout` seconds; waits for the leader."""
        if self.popen is None:
            return
        if self.running:
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.popen.wait(10)
        try:  # children left behind by a leader that died first
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def __enter__(self) -> Process:
        return self if self.running else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- the application --------------------------------------------------------------------------------------------


def production_env(base: dict[str, str] | None = None, **overrides: str) -> dict[str, str]:
    """The environment of deploy/environment.example for a machine without nginx in front: production settings,
    the loopback as host, plain HTTP (no redirect to HTTPS, no HSTS), JSON logs. `base` (default: this
    process's environment) supplies DATABASE_URL, CELERY_BROKER_URL, ELASTICSEARCH_URL and the rest."""
    env = dict(os.environ if base is None else base)
    env.update(
        DJANGO_SETTINGS_MODULE="ipmarket.settings.production",
        SECRET_KEY=env.get("SECRET_KEY") or "stack-secret-key-for-loopback-runs-only-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        LOG_FORMAT="json",
        DEBUG="false",
    )
    env.update(overrides)
    return env


def web(env: dict[str, str], port: int, *, workers: int | None = None, name: str = "web") -> Process:
    """gunicorn with deploy/gunicorn.conf.py (workers from the core count unless `workers`)."""
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    return Process(name, [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env=env)


def runserver(env: dict[str, str], port: int, *, name: str = "runserver") -> Process:
    """`make run`'s web server: Django's development server (threaded, auto-reload off)."""
    argv = [str(BIN / "python"), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    return Process(name, argv, env=env)


def worker(env: dict[str, str], *, concurrency: int = 2, name: str = "worker") -> Process:
    """A Celery worker (prefork) with the deployment's settings: late acknowledgement, prefetch 1."""
    argv = [
        str(BIN / "celery"),
        "-A",
        "ipmarket",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        f"--hostname={name}-{os.getpid()}@%h",
        "--without-gossip",
        "--without-mingle",
    ]
    return Process(name, argv, env=env)


def beat(env: dict[str, str], *, name: str = "beat") -> Process:
    argv = [str(BIN / "celery"), "-A", "ipmarket", "beat", "--loglevel=INFO"]
    return Process(name, argv, env=env)


def wait_healthy(base_url: str, *, timeout: float = 60.0, process: Process | None = None) -> None:
    """Wait for `/healthz` to answer 200, failing early (with the log) if `process` died."""

    def ready() -> bool:
        if process is not None and not process.running:
            raise RuntimeError(f"{process.name} exited:\n{process.log_tail()}")
        return answers(f"{base_url}/healthz", status=200)

    wait_until(ready, timeout=timeout, what=f"{base_url}/healthz")


# --- private copies of services -----------------------------------------------------------------------------


def redis_server(port: int, *, name: str = "redis") -> Process:
    """A Redis of our own on `port`, in memory only (no dump file, no append-only file)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    return Process(name, argv, env=dict(os.environ))


def stripe_mock(port: int, *, name: str = "stripe-mock") -> Process:
    """A stripe-mock of our own on `port` (the binary scripts/stripe-mock.sh built under var/cache)."""
    binary = ROOT / "var" / "cache" / "go" / "bin" / "stripe-mock"
    socket_path = LOG_DIR / f"{name}-{port}-https.sock"  # its HTTPS listener on a socket, not another port
    socket_path.unlink(missing_ok=True)
    argv = [str(binary), "-http-addr", f"127.0.0.1:{port}", "-https-unix", str(socket_path)]
    return Process(name, argv, env=dict(os.environ))
