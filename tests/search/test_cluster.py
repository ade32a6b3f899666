"""Nothing assumes one node: the search tests run again against a three-node cluster started by the
same script (ES_NODES=3), with three shards and one replica per index."""

import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from elasticsearch import Elasticsearch

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "elasticsearch.sh"
CLUSTER = {"ES_NAME": "es3", "ES_NODES": "3", "ES_PORT": "9250", "ES_CLUSTER": "ipmarket-es3", "ES_HEAP": "768m"}

pytestmark = [pytest.mark.cluster, pytest.mark.integration]


def _script(action: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ELASTICSEARCH_URL"} | CLUSTER
    return subprocess.run([str(SCRIPT), action], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def cluster_url():
    started = _script("start")
    assert started.returncode == 0, started.stderr[-2000:]
    url = started.stdout.strip().split("=", 1)[1]
    yield url
    _script("stop")


def test_the_cluster_has_three_nodes(cluster_url):
    health = Elasticsearch([cluster_url]).cluster.health(wait_for_status="green", timeout="60s")
    assert health["number_of_nodes"] == 3 and health["status"] == "green"


def test_the_search_tests_pass_on_the_cluster(cluster_url):
    database = environ.Env.db_url_config(
        os.environ.get("DATABASE_URL", "postgres://ipmarket:ipmarket@127.0.0.1:55432/ipmarket")
    )
    url = f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/ipmarket_cluster"
    env = os.environ | {
        "ELASTICSEARCH_URL": cluster_url,
        "ELASTICSEARCH_SHARDS": "3",
        "ELASTICSEARCH_REPLICAS": "1",
        "ELASTICSEARCH_INDEX_PREFIX": "ipmarket_cluster",
        "DATABASE_URL": url,
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/search",
            "-m",
            "not cluster",
            "-q",
            "-p",
            "no:cacheprovider",
            "--create-db",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout.splitlines()[-1]
