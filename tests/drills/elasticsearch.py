"""A private Elasticsearch node for the fault drills, started and stopped by scripts/elasticsearch.sh as the
three-node cluster test does (tests/search/test_cluster.py): ES_NAME names its data folder (var/<name>), log
and pid file, ES_PORT its HTTP port, ES_CLUSTER its cluster name. `stop` ends only the JVM whose pid the
script recorded; the suite's Elasticsearch on 9200 is never touched.

The cluster runner refuses HTTP ports above 9299 (its highest port), so the port is a free one in
9260–9299 (the three-node test uses 9250–9252).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess

from loadtest.stack import ROOT, port_open, wait_until

SCRIPT = ROOT / "scripts" / "elasticsearch.sh"
PORTS = range(9260, 9300)


def _free_port() -> int:
    candidates = [port for port in PORTS if not port_open(port)]
    if not candidates:
        raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for a private Elasticsearch")
    return random.choice(candidates)


class PrivateElasticsearch:
    def __init__(self, *, name: str = "es_drill", cluster: str = "ipmarket-drill"):
        self.name = name
        self.cluster = cluster
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = ROOT / "var" / name

    def _script(self, action: str, timeout: float) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "ELASTICSEARCH_URL"} | {
            "ES_NAME": self.name,
            "ES_PORT": str(self.port),
            "ES_CLUSTER": self.cluster,
        }
        return subprocess.run([str(SCRIPT), action], env=env, capture_output=True, text=True, timeout=timeout)

    def start(self) -> None:
        """Start the node (its indexes, if the data folder has some) and wait for yellow health."""
        started = self._script("start", timeout=240)
        if started.returncode != 0 or "not starting anything" in started.stderr:
            raise RuntimeError(f"private Elasticsearch did not start:\n{started.stderr[-3000:]}")
        assert started.stdout.strip() == f"export ELASTICSEARCH_URL={self.url}", started.stdout

    def stop(self) -> None:
        """Stop the JVM the script started (SIGTERM, then SIGKILL after 30 s) and wait for its port to close."""
        self._script("stop", timeout=90)
        wait_until(lambda: not port_open(self.port), timeout=30, what=f"Elasticsearch on {self.port} gone")

    def wipe(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def log_path(self):
        return ROOT / "var" / "log" / f"{self.name}.log"
