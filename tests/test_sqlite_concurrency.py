"""`make run` (SQLite) takes concurrent writes, and a database lock that outlasts the busy timeout is a 503.

A real server (`manage.py runserver`, threaded, as `make run` starts it) on a fresh SQLite file in a temporary
folder, migrated, with ten enterprises; ten clients then create five trademarks each, all at once, through the
API. Before WAL, IMMEDIATE transactions and a busy timeout, 44 of these 50 requests were 500 "database is
locked".
"""

import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLIENTS, WRITES = 10, 5
PASSWORD = "pw-12345-test"  # tests.accounts.factories.UserFactory's
SETUP = f"""
from tests.accounts.factories import OrganisationFactory, member_of
for i in range({CLIENTS}):
    member_of(OrganisationFactory(kind="enterprise"), role="admin", username=f"writer{{i}}")
"""

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(var_dir: Path, settings_module: str = "ipmarket.settings.base") -> dict:
    """The environment of `make run`: SQLite and a filesystem broker under var/, no search cluster."""
    dropped = {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_LOCK_TIMEOUT"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DEBUG="true",
        SECRET_KEY="sqlite-concurrency-test-key",  # `make run` keeps one in var/secret_key
        VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'db.sqlite3'}",
        ELASTICSEARCH_URL="http://127.0.0.1:9",  # nothing listens: indexing waits in PendingChange rows
        PYTHONPATH=os.pathsep.join(filter(None, [str(var_dir), env.get("PYTHONPATH")])),
    )
    return env


class Server:
    """`manage.py runserver --noreload` on a fresh, migrated SQLite database with CLIENTS enterprises."""

    def __init__(self, var_dir: Path, settings_module: str = "ipmarket.settings.base"):
        self.var_dir = var_dir
        self.env = server_env(var_dir, settings_module)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def manage(self, *args, timeout=600):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        return result

    def start(self):
        self.manage("ensure_dirs")  # the broker's folders, as `make run` makes them
        self.manage("migrate", "--noinput")
        self.manage("shell", "-c", SETUP)
        self.log = open(self.var_dir / "server.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.var_dir / "server.log").read_text()[-4000:]
            try:
                urllib.request.urlopen(f"{self.url}/robots.txt", timeout=5)
                return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError("the server did not answer within 60 s")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
            self.log.close()

    def request(self, method, path, body=None, token=None, timeout=60):
        """(status, headers, parsed JSON or text) of one request."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, got_headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, got_headers, raw = error.code, error.headers, error.read()
        text = raw.decode("utf-8", "replace")
        try:
            return status, got_headers, json.loads(text)
        except ValueError:
            return status, got_headers, text

    def token(self, username):
        status, _, body = self.request("POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD})
        assert status == 200, body
        return body["token"]


def write_all_at_once(server: Server) -> list[tuple[int, str | None]]:
    """CLIENTS threads, each creating WRITES trademarks of its own enterprise at the same time: (status,
    Retry-After) of every request."""
    tokens = [server.token(f"writer{i}") for i in range(CLIENTS)]

    def client(i):
        answers = []
        for j in range(WRITES):
            body = {
                "registration_number": str(40_000_000 + i * 100 + j),
                "mark_name": f"并发{i}-{j}",
                "nice_classes": [9],
                "goods_services": "计算机软件",
                "registration_date": "2022-01-10",
                "status": "registered",
            }
            status, headers, _ = server.request("POST", "/api/v1/trademarks/", body, token=tokens[i])
            answers.append((status, headers.get("Retry-After")))
        return answers

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = [future.result(timeout=300) for future in [pool.submit(client, i) for i in range(CLIENTS)]]
    return [answer for answers in results for answer in answers]


@pytest.fixture(scope="module")
def sqlite_server():
    with tempfile.TemporaryDirectory(
        prefix="ipmarket-sqlite-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None
    ) as d:
        server = Server(Path(d))
        try:
            yield server.start()
        finally:
            server.stop()


def test_ten_clients_writing_at_once_all_succeed(sqlite_server):
    answers = write_all_at_once(sqlite_server)
    statuses = [status for status, _ in answers]
    print(
        f"SQLite, {CLIENTS} clients x {WRITES} writes: " + ", ".join(f"{s}: {statuses.count(s)}" for s in set(statuses))
    )
    assert 500 not in statuses, (sqlite_server.var_dir / "server.log").read_text()[-3000:]
    assert all(retry_after for status, retry_after in answers if status == 503)
    assert statuses.count(201) == CLIENTS * WRITES, statuses
    with sqlite3.connect(sqlite_server.var_dir / "db.sqlite3", timeout=30) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT COUNT(*) FROM assets_trademark").fetchone()[0] == CLIENTS * WRITES


def _hold_the_write_lock(server: Server) -> sqlite3.Connection:
    """Another process's writer, mid-transaction: it holds SQLite's write lock until it rolls back."""
    holder = sqlite3.connect(server.var_dir / "db.sqlite3", timeout=30, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_write_lock_held_beyond_the_busy_timeout_is_a_503_with_retry_after(sqlite_server):
    token = sqlite_server.token("writer0")
    body = {
        "registration_number": "49999999",
        "mark_name": "锁",
        "nice_classes": [9],
        "registration_date": "2022-01-10",
    }
    holder = _hold_the_write_lock(sqlite_server)
    try:
        started = time.monotonic()
        status, headers, answer = sqlite_server.request("POST", "/api/v1/trademarks/", body, token=token)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 503, answer
    assert answer["code"] == "busy" and answer["detail"]
    assert int(headers["Retry-After"]) > 0
    assert waited >= 5  # the server waited for the lock (busy timeout) before giving up
    # Once the lock is gone the same request succeeds.
    assert sqlite_server.request("POST", "/api/v1/trademarks/", body, token=token)[0] == 201


def test_a_page_that_cannot_get_the_write_lock_is_a_503_page(sqlite_server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"{sqlite_server.url}/accounts/login/"
    form = opener.open(login, timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": "writer1", "password": PASSWORD})
    holder = _hold_the_write_lock(sqlite_server)
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(urllib.request.Request(login, data=data.encode(), headers={"Referer": login}), timeout=60)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.value.code == 503
    assert int(answer.value.headers["Retry-After"]) > 0
    page = answer.value.read().decode()
    assert "<html" in page and "Traceback" not in page
