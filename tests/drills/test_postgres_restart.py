"""Fault drill: PostgreSQL goes down and comes back under traffic.

The web process runs as in production (gunicorn, deploy/gunicorn.conf.py, the production settings,
CONN_MAX_AGE=60 as in deploy/environment.example, so each worker keeps its connection between requests) on a
private PostgreSQL cluster of its own (tests/drills/postgres.py; the suite's server is never touched). Client
threads send API reads and writes, `/healthz` and two pages (the loan products, never cached, and the market,
which the page cache keeps) without a pause while the cluster is stopped, held down until every kind of
request has been answered during the outage, and started again.

Proves: no request is ever answered 500; during the outage the API answers 503 `{"detail", "code":
"unavailable"}` with Retry-After, pages the 503 page with Retry-After, `/healthz` 503 with the database
"down" (the page cache may still serve the market to anonymous visitors); once the database is back every
request succeeds at once, with the same gunicorn master and workers (each reconnects by itself:
CONN_HEALTH_CHECKS), and every write acknowledged before the outage is there.
"""

import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import psutil
import pytest
import requests
from django.db import connection
from django.utils import timezone

from loadtest import stack
from tests.drills.postgres import PG_BIN, PrivateCluster, timed

pytestmark = [pytest.mark.integration, pytest.mark.drill]

WORKERS = 3
CLIENTS = 4
DRILL_DB = "drill"
OUTAGE_SECONDS = 3
SETUP = """
import json
from ipmarket.accounts.services import api_token_issue
from tests.accounts.factories import OrganisationFactory, member_of
person = member_of(OrganisationFactory(kind="enterprise"), role="admin", username="drill_writer")
print(json.dumps({"token": api_token_issue(user=person).key}))
"""


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=stack.ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"manage.py {args[0]}:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def copy_of_the_test_database(cluster: PrivateCluster, url: str) -> None:
    """The suite's migrated test database (pytest-django's), dumped and restored into `url`: a `migrate`
    from nothing takes over a minute, the copy a few seconds."""
    source = connection.settings_dict
    dump = cluster.root / "test-database.dump"
    commands = [
        [str(PG_BIN / "pg_dump"), "-h", source["HOST"], "-p", str(source["PORT"]), "-U", source["USER"]]
        + ["-d", source["NAME"], "-Fc", "--no-owner", "--no-privileges", "-f", str(dump)],
        [str(PG_BIN / "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "-d", url, str(dump)],
    ]
    for command in commands:
        env = dict(os.environ, PGPASSWORD=source["PASSWORD"] or "")
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{command[0]}: {done.stderr[-3000:]}"


@pytest.fixture
def private_stack(db, static_var_dir):
    """A private cluster with a copy of the migrated test database (`db`: pytest-django makes it) and a person
    with an API token in it, and gunicorn on it (the static files collected by tests/drills/conftest.py).
    Everything stopped and removed afterwards."""
    timings: dict[str, float] = {}
    cluster = PrivateCluster()
    web = None
    try:
        with timed("cluster", timings):
            cluster.init().start()
            url = cluster.create_database(DRILL_DB)
        with timed("database copy", timings):
            copy_of_the_test_database(cluster, url)
        port = stack.free_port()
        env = stack.production_env(
            DATABASE_URL=url,
            CONN_MAX_AGE="60",
            VAR_DIR=str(static_var_dir),
            # Nothing listens: search indexing waits in the database (PendingChange), the shared cluster's
            # indices stay untouched. /healthz says "degraded", still 200 while the database answers.
            ELASTICSEARCH_URL=f"http://127.0.0.1:{stack.free_port()}",
            # No recycling of workers after 1,000 requests: a worker restart seen here is the outage's doing.
            GUNICORN_MAX_REQUESTS="0",
        )
        with timed("person and token", timings):
            token = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])["token"]
        web = stack.web(env, port, workers=WORKERS, name="drill-postgres-web")
        with timed("gunicorn", timings):
            web.start()
            stack.wait_healthy(f"http://127.0.0.1:{port}", process=web)
        yield Stack(cluster=cluster, web=web, base_url=f"http://127.0.0.1:{port}", token=token, timings=timings)
    finally:
        if web is not None:
            web.stop()
        cluster.destroy()
    assert not cluster.root.exists()


@dataclass
class Stack:
    cluster: PrivateCluster
    web: stack.Process
    base_url: str
    token: str
    timings: dict[str, float]
    registration_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(40_000_000))

    def worker_pids(self) -> set[int]:
        return {child.pid for child in psutil.Process(self.web.pid).children()}


# --- the traffic ---------------------------------------------------------------------------------------------


@dataclass
class Answer:
    kind: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    headers: dict = field(default_factory=dict)
    body: str = ""
    error: str = ""

    def json(self) -> dict:
        return json.loads(self.body)


class Traffic:
    """CLIENTS threads, each sending API reads, API writes (a new trademark each), /healthz, a page that reads
    the database (the loan products) and a page the page cache serves (the market) in turn until stopped; every
    answer recorded with when it was sent and received."""

    KINDS = ("api_read", "api_write", "healthz", "page", "cached_page")
    # What must answer 503 while the database is down (a cached page may still be served from memory).
    NEED_THE_DATABASE = KINDS[:4]

    def __init__(self, drill: Stack):
        self.drill = drill
        self.answers: list[Answer] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.registration_date = (timezone.localdate() - dt.timedelta(days=3 * 365)).isoformat()
        self.threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(CLIENTS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)
        assert not any(thread.is_alive() for thread in self.threads), "a client thread did not finish"

    def send(self, kind: str) -> Answer:
        auth = {"Authorization": f"Token {self.drill.token}", "Accept": "application/json"}
        url = self.drill.base_url
        started = time.monotonic()
        try:
            if kind == "api_read":
                response = requests.get(f"{url}/api/v1/trademarks/", headers=auth, timeout=60)
            elif kind == "api_write":
                with self.lock:
                    number = next(self.drill.registration_numbers)
                body = {
                    "registration_number": str(number),
                    "mark_name": f"演练{number}",
                    "nice_classes": [9],
                    "goods_services": "计算机软件",
                    "registration_date": self.registration_date,
                    "status": "registered",
                }
                response = requests.post(f"{url}/api/v1/trademarks/", json=body, headers=auth, timeout=60)
            elif kind == "healthz":
                response = requests.get(f"{url}/healthz", timeout=60)
            elif kind == "page":
                response = requests.get(f"{url}/financing/products/", timeout=60)
            else:
                response = requests.get(f"{url}/market/", timeout=60)
        except requests.RequestException as error:
            return Answer(kind, started, time.monotonic(), None, error=repr(error))
        return Answer(kind, started, time.monotonic(), response.status_code, dict(response.headers), response.text)

    def _client(self, index: int) -> None:
        for n in itertools.count(index):
            if self.stop.is_set():
                return
            answer = self.send(self.KINDS[n % len(self.KINDS)])
            with self.lock:
                self.answers.append(answer)
            self.stop.wait(0.02)  # a breath between two requests of one client, not a wait for anything

    def between(self, start: float, end: float = float("inf")) -> list[Answer]:
        """The answers to requests sent at or after `start` and answered by `end`."""
        with self.lock:
            return [a for a in self.answers if a.started >= start and a.ended <= end]

    def each_kind_answered(self, start: float, times: int, statuses: set[int], kinds=KINDS) -> bool:
        counts = Counter(a.kind for a in self.between(start) if a.status in statuses)
        return all(counts[kind] >= times for kind in kinds)


# --- the drill ----------------------------------------------------------------------------------------------


def test_requests_during_a_database_outage_answer_503_and_succeed_once_it_is_back(private_stack):
    drill = private_stack
    cluster = drill.cluster
    master, workers = drill.web.pid, drill.worker_pids()
    assert len(workers) == WORKERS

    with Traffic(drill) as traffic:
        # Before: everything answers, and every worker keeps its connection open (CONN_MAX_AGE).
        began = time.monotonic()
        stack.wait_until(
            lambda: traffic.each_kind_answered(began, 3, {200, 201}) and len(cluster.backends(DRILL_DB)) >= WORKERS,
            timeout=90,
            what="every kind of request answered and a kept connection in each worker",
        )
        kept_connections = cluster.backends(DRILL_DB)

        stop_began = time.monotonic()
        cluster.stop("fast")
        down = time.monotonic()
        # The outage lasts OUTAGE_SECONDS at least, and until every kind of request has been answered a few times
        # while the database is down.
        stack.wait_until(
            lambda: (
                time.monotonic() - down >= OUTAGE_SECONDS
                and traffic.each_kind_answered(down, 3, {503}, Traffic.NEED_THE_DATABASE)
            ),
            timeout=90,
            what="every kind of request answered during the outage",
        )
        start_began = time.monotonic()
        cluster.start()
        up = time.monotonic()
        stack.wait_until(
            lambda: traffic.each_kind_answered(up, 5, {200, 201}),
            timeout=90,
            what="every kind of request answered after the restart",
        )
        recovered = time.monotonic()

    answers = traffic.answers
    during = traffic.between(down, start_began)
    during_ids = {id(a) for a in during}
    after = traffic.between(up)
    first_success_after = min(a.ended for a in after if a.status in (200, 201))
    summary = {
        "timings_s": drill.timings,
        "requests": len(answers),
        "statuses": dict(Counter(a.status for a in answers)),
        "outage_s": round(start_began - stop_began, 2),
        "during_outage": dict(Counter(f"{a.kind} {a.status}" for a in during)),
        "straddling": dict(
            Counter(
                f"{a.kind} {a.status}"
                for a in answers
                if id(a) not in during_ids and a.started < up and a.ended > stop_began
            )
        ),
        "after_restart": dict(Counter(f"{a.kind} {a.status}" for a in after)),
        "pg_start_s": round(up - start_began, 2),
        "first_success_after_start_s": round(first_success_after - up, 3),
        "each_kind_5x_ok_after_start_s": round(recovered - up, 2),
        "kept_connections_before": len(kept_connections),
    }
    print("\nPostgreSQL restart drill:", json.dumps(summary, ensure_ascii=False))

    # Never a 500, never a refused or dropped request: gunicorn answered everything.
    unexpected = [a for a in answers if a.status not in (200, 201, 503)]
    assert not unexpected, [(a.kind, a.status, a.error or a.body[:300]) for a in unexpected[:5]] + [
        drill.web.log_tail(60)
    ]

    # During the outage: 503 with Retry-After, in the shape of each kind; the market from the page cache or 503.
    assert during and {a.status for a in during if a.kind in Traffic.NEED_THE_DATABASE} == {503}
    for answer in during:
        if answer.status == 200:
            assert answer.kind == "cached_page" and answer.headers["X-Page-Cache"] == "hit", answer
            continue
        if answer.kind == "healthz":  # a monitor's probe: the checks, no Retry-After
            assert answer.json()["checks"]["database"] == "down", answer.body
            continue
        assert int(answer.headers["Retry-After"]) > 0, answer
        if answer.kind.startswith("api"):
            assert answer.json()["code"] == "unavailable" and answer.json()["detail"], answer.body
        else:
            assert answer.headers["Content-Type"].startswith("text/html")
            assert "<main" in answer.body and "Traceback" not in answer.body

    # After: every request sent once PostgreSQL accepted connections again succeeded, from the same processes.
    assert after and {a.status for a in after} <= {200, 201}, Counter(a.status for a in after)
    assert drill.web.running and drill.web.pid == master
    assert drill.worker_pids() == workers, "a gunicorn worker was restarted"

    # Every write acknowledged (201) is in the database, those made before the outage included.
    created = [json.loads(a.body)["id"] for a in answers if a.kind == "api_write" and a.status == 201]
    before = [a for a in answers if a.kind == "api_write" and a.status == 201 and a.ended < stop_began]
    assert before
    with cluster.admin(DRILL_DB) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM assets_trademark WHERE id = ANY(%s)", [created])}
    assert stored == set(created)
    first = json.loads(before[0].body)["id"]
    read = requests.get(
        f"{drill.base_url}/api/v1/trademarks/{first}/", headers={"Authorization": f"Token {drill.token}"}, timeout=30
    )
    assert read.status_code == 200 and read.json()["id"] == first


def test_a_database_restart_between_two_requests_goes_unnoticed(private_stack):
    """Each worker holds a connection that PostgreSQL's restart ended; its next request opens a new one
    (CONN_HEALTH_CHECKS) instead of failing on the dead one (without the health checks, the first request of
    each worker after the restart answered 503)."""
    drill = private_stack
    cluster = drill.cluster
    workers = drill.worker_pids()

    with Traffic(drill) as traffic:
        began = time.monotonic()
        stack.wait_until(
            lambda: traffic.each_kind_answered(began, 2, {200, 201}) and len(cluster.backends(DRILL_DB)) >= WORKERS,
            timeout=90,
            what="a kept connection in each worker",
        )
    kept = set(cluster.backends(DRILL_DB))
    assert len(kept) >= WORKERS

    restart_began = time.monotonic()
    cluster.restart()  # pg_ctl restart -m fast: every session ended, the server back at once
    up = time.monotonic()

    with Traffic(drill) as traffic:
        stack.wait_until(
            lambda: traffic.each_kind_answered(up, 3, {200, 201}), timeout=90, what="requests after the restart"
        )
    reconnected = set(cluster.backends(DRILL_DB))
    statuses = Counter(f"{a.kind} {a.status}" for a in traffic.answers)
    print(
        "\nPostgreSQL quick restart drill:",
        json.dumps(
            {
                "timings_s": drill.timings,
                "restart_s": round(up - restart_began, 2),
                "kept_connections_before": len(kept),
                "connections_after": len(reconnected),
                "answers_after": dict(statuses),
            }
        ),
    )
    assert {a.status for a in traffic.answers} <= {200, 201}, statuses
    assert reconnected and not reconnected & kept  # new sessions, the old ones ended by the restart
    assert drill.worker_pids() == workers
