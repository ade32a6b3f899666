"""Fault drill: Elasticsearch stopped under load.

A private Elasticsearch node, gunicorn with the production settings and a Celery worker on this test's
database. Four clients search without pause (the two search APIs and the two search pages) while the node is
stopped: every answer is a 200, from the database (`"backend": "database"`, the pages' reduced-mode notice).
Organisations and patents are changed meanwhile, through the ORM and the API, and their search documents wait
in the outbox (PendingChange). The node is started again on the same data folder; the outbox replay (the beat
job `search.tasks.replay_pending`, sent to the worker) brings the index up to date, and `search_reconcile`
finds nothing missing, stale or extra.
"""

from __future__ import annotations

import io
import re
import statistics
import threading
import time
from dataclasses import dataclass

import pytest
import requests
from django.core.management import call_command

from ipmarket.assets.models import Patent
from loadtest import stack
from search import indexes
from search.builders import ip_document_id
from search.client import get_client
from search.models import PendingChange
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory
from tests.market.factories import ListingFactory

from .conftest import api_session, broker_client, drill_env, log_size, running, start_web, worker_ready
from .elasticsearch import PrivateElasticsearch

pytestmark = [pytest.mark.integration, pytest.mark.drill]

PATHS = [
    "/api/v1/search/firms/?q=演练",
    "/api/v1/search/ip/?q=演练",
    "/firms/?q=演练",
    "/ip/?q=演练",
]
REDUCED_MODE = 'class="notice search-reduced"'  # search/_notices.html, shown when the database answered


@dataclass(frozen=True)
class Answer:
    path: str
    started: float  # time.monotonic()
    finished: float
    status: int  # 0: no HTTP answer at all
    backend: str  # "elasticsearch", "database" or "" (no answer)


class SearchLoad:
    """`threads` clients, each asking PATHS in turn without pause until stopped."""

    def __init__(self, base_url: str, threads: int = 4):
        self.base_url = base_url
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def __enter__(self) -> SearchLoad:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def _run(self, offset: int) -> None:
        session = requests.Session()
        i = offset
        while not self._stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            started = time.monotonic()
            try:
                response = session.get(self.base_url + path, timeout=30)
                status = response.status_code
                if path.startswith("/api/"):
                    backend = response.json().get("backend", "") if status == 200 else ""
                else:
                    backend = "database" if REDUCED_MODE in response.text else "elasticsearch"
            except (requests.RequestException, ValueError):
                status, backend = 0, ""
            with self._lock:
                self.answers.append(Answer(path, started, time.monotonic(), status, backend))

    def between(self, start: float, end: float = float("inf")) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.started >= start and a.finished <= end]


def test_searches_answer_from_the_database_while_elasticsearch_is_down_and_the_index_catches_up(
    database_url, static_var_dir, private_redis, settings
):
    prefix = f"{settings.ELASTICSEARCH_INDEX_PREFIX}_drill_search"
    es = PrivateElasticsearch()
    es.stop()  # a node left by an interrupted run (the script stops only the pid it recorded)
    es.wipe()
    timings: dict[str, float] = {}
    try:
        t0 = time.monotonic()
        es.start()
        timings["elasticsearch start"] = time.monotonic() - t0
        settings.ELASTICSEARCH_URL = es.url
        settings.ELASTICSEARCH_INDEX_PREFIX = prefix

        enterprise = OrganisationFactory(kind="enterprise", name="资阳演练科技有限公司")
        owner_person = member_of(enterprise, role="admin")
        firms = [OrganisationFactory(kind="law_firm", name=f"资阳演练第{i}知识产权事务所") for i in range(6)]
        patents = [PatentFactory(owner=enterprise, title=f"一种演练检索装置{i}") for i in range(4)]
        ListingFactory(patent=patents[0])
        for kind in indexes.KINDS:
            indexes.rebuild(kind)
        PendingChange.objects.all().delete()  # the rebuild holds every row created so far

        env = drill_env(
            database_url,
            static_var_dir,
            ELASTICSEARCH_URL=es.url,
            ELASTICSEARCH_INDEX_PREFIX=prefix,
            ELASTICSEARCH_TIMEOUT="5",
            CELERY_BROKER_URL=private_redis.url(),
        )
        web, base_url = start_web(env, name="drill-search-web")
        worker = stack.worker(env, concurrency=1, name="drill-search-worker")
        since = log_size(worker)
        with running(web, worker):
            stack.wait_healthy(base_url, process=web)
            stack.wait_until(lambda: worker_ready(worker, since), timeout=60, what="worker ready")

            with SearchLoad(base_url) as load:
                warm = time.monotonic()
                stack.wait_until(lambda: len(load.between(warm)) >= 40, timeout=60, what="40 searches before")

                down_at = time.monotonic()
                es.stop()
                stopped_at = time.monotonic()
                timings["elasticsearch stop"] = stopped_at - down_at

                # Writes while it is down: an edit, a new firm, a firm leaving the directory, a new patent
                # (ORM, committed), and a patent edited through the API of the running site.
                firms[0].name = "资阳演练改名知识产权事务所"
                firms[0].save()
                new_firm = OrganisationFactory(kind="law_firm", name="资阳演练新设知识产权事务所")
                firms[1].is_active = False
                firms[1].save()
                new_patent = PatentFactory(owner=enterprise, title="一种演练期间登记的装置")
                patch_started = time.monotonic()
                patched = api_session(owner_person).patch(
                    f"{base_url}/api/v1/patents/{patents[1].pk}/", json={"title": "一种演练期间改名的装置"}, timeout=30
                )
                timings["API write while down"] = time.monotonic() - patch_started
                assert patched.status_code == 200, patched.text[:500]
                changed = {
                    ("organisations", str(firms[0].pk)),
                    ("organisations", str(new_firm.pk)),
                    ("organisations", str(firms[1].pk)),
                    ("ip", ip_document_id("patent", new_patent.pk)),
                    ("ip", ip_document_id("patent", patents[1].pk)),
                }
                assert changed <= set(PendingChange.objects.values_list("index", "doc_id"))

                stack.wait_until(lambda: len(load.between(stopped_at)) >= 80, timeout=60, what="80 searches while down")
                restart_at = time.monotonic()
                es.start()  # the same data folder: the indexes come back
                timings["elasticsearch restart"] = time.monotonic() - restart_at
                up_at = time.monotonic()
                stack.wait_until(
                    lambda: any(
                        a.backend == "elasticsearch" and a.path.startswith("/api/") for a in load.between(up_at)
                    ),
                    timeout=60,
                    what="searches answered by Elasticsearch again",
                )
                timings["back on Elasticsearch after"] = time.monotonic() - up_at

            everything = load.between(0)
            before = load.between(0, down_at)
            outage = load.between(stopped_at, restart_at)
            assert all(a.status == 200 for a in everything), sorted({(a.path, a.status) for a in everything})
            assert {a.path for a in before if a.backend == "elasticsearch"} == set(PATHS)
            assert len(outage) >= 80
            assert {a.backend for a in outage} == {"database"}, sorted({(a.path, a.backend) for a in outage})
            assert {a.path for a in outage} == set(PATHS)

            # Back up: the outbox replay (what beat sends every minute) through the worker.
            replay_at = time.monotonic()
            with broker_client(private_redis.url()) as beat:
                beat.send_task("search.tasks.replay_pending", kwargs={"older_than_seconds": 0})
            stack.wait_until(
                lambda: not PendingChange.objects.exists(), timeout=60, what="the outbox emptied by the replay"
            )
            timings["replay"] = time.monotonic() - replay_at

            client = get_client()
            for kind in ("organisations", "ip"):
                client.indices.refresh(index=indexes.alias(kind))
            firms_alias, ip_alias = indexes.alias("organisations"), indexes.alias("ip")
            assert client.get(index=firms_alias, id=firms[0].pk)["_source"]["name"] == "资阳演练改名知识产权事务所"
            assert client.get(index=firms_alias, id=new_firm.pk)["_source"]["name"] == "资阳演练新设知识产权事务所"
            assert not client.exists(index=firms_alias, id=firms[1].pk)
            assert client.exists(index=ip_alias, id=ip_document_id("patent", new_patent.pk))
            renamed = client.get(index=ip_alias, id=ip_document_id("patent", patents[1].pk))["_source"]
            assert renamed["title"] == Patent.objects.get(pk=patents[1].pk).title == "一种演练期间改名的装置"

            out = io.StringIO()
            call_command("search_reconcile", "--dry-run", stdout=out)
            line = out.getvalue().strip()
            counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
            assert counts["checked"] > 0 and (counts["missing"], counts["stale"], counts["extra"]) == (0, 0, 0), line

            found = requests.get(f"{base_url}/api/v1/search/firms/", params={"q": "改名"}, timeout=30).json()
            assert found["backend"] == "elasticsearch"
            assert [r["name"] for r in found["results"]] == ["资阳演练改名知识产权事务所"]

        seconds = [a.finished - a.started for a in outage]
        print(
            f"\nsearch drill: {len(everything)} searches, {len(outage)} while Elasticsearch was down "
            f"(all 200 from the database; median {statistics.median(seconds) * 1000:.0f} ms, "
            f"max {max(seconds) * 1000:.0f} ms), 0 errors; {len(changed)} documents replayed; {line}; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        )
    finally:
        es.stop()
        es.wipe()
