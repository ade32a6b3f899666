"""`make loadtest`'s arithmetic (loadtest/run.py): reading Locust's CSV, choosing the sustained step, the
BENCH lines; and the process harness it shares with the fault drills (loadtest/stack.py). No service."""

import csv
import os
import sys

import pytest

from loadtest import run, stack

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
    "99.99%,100%"
).split(",")


def write_stats(path, rows):
    """Locust's `_stats.csv`: one row per request name and the Aggregated row, as Locust 2.x writes them."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for kind, name, count, failures, rps, p95 in rows:
            writer.writerow([kind, name, count, failures, 10, 12.5, 1, 900, 1000, rps, 0, 10, 20, 30, 40, 50, p95])
            # the row is short of the last five percentiles: DictReader leaves them None, which read_stats ignores


def test_a_step_is_read_from_locusts_csv(tmp_path):
    path = tmp_path / "production_16_stats.csv"
    write_stats(
        path,
        [
            ("GET", "visitor: home", 120, 0, 4.0, 80),
            ("POST", "enterprise: apply", 12, 0, 0.4, 350),
            ("GET", "bank: propose", 0, 0, 0.0, 0),  # never sent: no class line
            ("", "Aggregated", 132, 0, 4.4, 290),
        ],
    )
    step = run.read_stats(path, 16)
    assert (step.users, step.rps, step.failures, step.p95_ms, step.requests) == (16, 4.4, 0, 290.0, 132)
    assert step.p95_by_class == {"visitor: home": 80.0, "enterprise: apply": 350.0}
    assert step.sustained


def test_a_csv_without_the_aggregated_row_is_refused(tmp_path):
    path = tmp_path / "x_stats.csv"
    write_stats(path, [("GET", "visitor: home", 1, 0, 1.0, 10)])
    with pytest.raises(ValueError, match="Aggregated"):
        run.read_stats(path, 1)


def step(users, rps, p95, failures=0, **by_class):
    return run.Step(users=users, rps=rps, failures=failures, p95_ms=p95, p95_by_class=by_class, requests=100)


def test_the_sustained_step_has_no_failure_and_a_p95_under_500_ms():
    steps = [step(8, 10, 100), step(16, 20, 300), step(32, 35, 499), step(64, 50, 650), step(96, 60, 200, failures=1)]
    assert run.sustained(steps).users == 32
    assert not run.Step(users=1, rps=0, failures=0, p95_ms=1, requests=0).sustained  # nothing answered
    assert run.sustained([step(8, 10, 500)]) is None  # 500 ms is not under the limit


def test_classes_are_compared_at_the_most_users_both_sustained():
    ours = [step(8, 10, 100, home=50), step(16, 20, 200, home=60), step(32, 40, 300, home=70)]
    theirs = [step(8, 9, 200, home=100), step(16, 12, 480, home=400), step(32, 8, 900, home=2000)]
    assert run.reference_users(ours, theirs) == 16
    lines = run.report(ours, ours, theirs)
    assert lines[0] == "BENCH name=loadtest_sustained_rps ours=40 baseline=12 unit=req/s ratio=3.33"
    assert lines[1] == "BENCH name=loadtest_page_cache_rps ours=40 baseline=40 unit=req/s ratio=1.00"
    assert lines[2] == "BENCH name=loadtest_p95_home ours=60 baseline=400 unit=ms ratio=6.67 users=16"


def test_a_baseline_that_sustained_nothing_gives_a_zero_ratio_not_a_crash():
    ours = [step(8, 10, 100, home=50)]
    theirs = [step(8, 3, 2000, failures=4, home=1900)]
    lines = run.report(ours, ours, theirs)
    assert lines[0] == "BENCH name=loadtest_sustained_rps ours=10 baseline=0 unit=req/s ratio=0.00"
    assert lines[2].startswith("BENCH name=loadtest_p95_home ours=50 baseline=1900 unit=ms ratio=38.00")


def test_a_process_stops_with_its_children_and_nothing_else(tmp_path):
    """stop() ends the process group it started (a shell and its child), and a process it did not start
    (this test's own neighbour) keeps running."""
    neighbour = stack.Process("neighbour", [sys.executable, "-c", "import time; time.sleep(60)"], env=dict(os.environ))
    script = (
        "import subprocess, sys, time; "
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    )
    parent = stack.Process("parent", [sys.executable, "-c", script], env=dict(os.environ))
    with neighbour:
        with parent:
            assert parent.running
            pgid = parent.pid
        assert not parent.running
        with pytest.raises(ProcessLookupError):
            os.killpg(pgid, 0)  # no process of that group is left, the child included
        assert neighbour.running
    assert not neighbour.running


def test_wait_until_names_what_did_not_happen():
    with pytest.raises(TimeoutError, match="the moon: not within 0 s"):
        stack.wait_until(lambda: False, timeout=0.05, what="the moon", interval=0.01)
    stack.wait_until(lambda: True, timeout=0.05, what="now")


def test_free_ports_are_free():
    port = stack.free_port()
    assert not stack.port_open(port)


def test_make_loadtest_runs_the_runner():
    makefile = (stack.ROOT / "Makefile").read_text()
    assert "loadtest: install\n\t@scripts/with-services.sh $(PY) loadtest/run.py" in makefile
