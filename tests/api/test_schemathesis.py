"""The OpenAPI schema tells the truth: Schemathesis fuzzes a live server on the demo data against it.

`st run --checks all` (every check: no server error, every status and content type documented, responses
as the schema says, schema-valid input accepted and schema-invalid input refused, authentication as
documented, …), once as an anonymous caller and once signed in as the demo enterprise `enterprise1`.
Settings, and the few places where the schema cannot say everything, are in tests/api/schemathesis.toml and
tests/api/schemathesis_hooks.py.

Bounded and repeatable: a deterministic generation of at most `max-examples` cases per operation and phase,
no example database or cache carried over between runs, and a fresh database with the demo data for every
run. The fuzzer writes (it creates patents, edits the organisation, posts actions); the
database is thrown away afterwards.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.core.management import call_command

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MINUTES = 60

# Committed data (the live server reads it from its own threads), thrown away after the test. Sequences are
# not reset: rows the migrations create (Wagtail's groups, say) would then clash with new ones.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_site(live_server):
    call_command("seed_demo", "--with-users", stdout=io.StringIO())
    return live_server.url


def _token(site: str, username: str) -> str:
    response = requests.post(
        f"{site}/api/v1/auth/token/", json={"username": username, "password": "demo12345"}, timeout=30
    )
    response.raise_for_status()
    return response.json()["token"]


def _fuzz(site: str, workdir: Path, *options: str) -> subprocess.CompletedProcess:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "--no-color",
        "run",
        f"{site}/api/schema/",
        "--checks",
        "all",
        *options,
    ]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}  # for the hooks module
    workdir.mkdir()
    return subprocess.run(command, cwd=workdir, env=environment, capture_output=True, text=True, timeout=25 * MINUTES)


def test_the_schema_tells_the_truth_to_the_public_and_to_an_enterprise(demo_site, tmp_path):
    token = _token(demo_site, "enterprise1")  # first: the anonymous run tries the token endpoint too
    runs = {
        # Without the coverage phase: its systematic cases run for enterprise1, and validation is the same for
        # everyone; what differs for an anonymous caller (401s, public reads) the other phases see.
        "an anonymous caller": _fuzz(demo_site, tmp_path / "anonymous", "--phases", "examples,fuzzing,stateful"),
        "enterprise1": _fuzz(demo_site, tmp_path / "enterprise1", "--header", f"Authorization: Token {token}"),
    }
    failed = {who: run for who, run in runs.items() if run.returncode != 0}
    report = "\n\n".join(
        f"===== Schemathesis as {who} =====\n{run.stdout}\n{run.stderr}" for who, run in failed.items()
    )
    assert not failed, report
