"""Fault drill: a Celery worker killed in the middle of a task.

A real, long-enough task: a patent import of 10,000 rows (ipmarket/assets/imports.py, committed in chunks of
500), on a worker of our own (prefork, one pool process) with a private Redis as its broker, on this test's
database.

- The pool process running the import is killed (SIGKILL) after its first chunks: the worker's main process
  sees it die and, with late acknowledgement and `task_reject_on_worker_lost`, puts the message back; a new pool
  process runs the task again, which resumes after the last committed chunk. Every row is imported once.
- The whole worker (main process and pool) is killed: nobody is left to put the message back. Redis holds it
  as unacknowledged until its visibility timeout (one hour) runs out; meanwhile the beat job
  `resume_stalled_patent_imports` finds the import without progress (for 10 minutes; the drill moves the
  import's clock back instead of waiting) and enqueues it again on the new worker. Every row once again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import signal
import time

import psutil
import pytest
from django.db.models import Count
from django.utils import timezone

from ipmarket.assets import imports
from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.imports import patent_import_create
from ipmarket.assets.models import Patent, PatentImport
from loadtest import stack
from tests.accounts.factories import OrganisationFactory, member_of

from .conftest import broker_client, drill_env, log_since, log_size, running, worker_ready

pytestmark = [pytest.mark.integration, pytest.mark.drill]

ROWS = 10_000
RUN_IMPORT = "ipmarket.assets.tasks.run_patent_import"


def patents_csv(rows: int) -> bytes:
    """`rows` granted invention patents in force, valid and distinct."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = list(imports.HEADERS)[:9]  # without the owner column: the import's owner holds them all
    writer.writerow(columns)
    paid_until = (timezone.localdate() + dt.timedelta(days=200)).isoformat()
    for i in range(rows):
        writer.writerow(
            [
                make_application_number(2019, "1", 300_000 + i),
                "invention",
                f"一种演练导入装置{i}",
                "本发明公开了一种演练装置。",
                "H01L 21/02",
                "2019-03-15",
                "2021-06-01",
                "granted",
                paid_until,
            ]
        )
    return out.getvalue().encode()


def new_import(owner, by) -> PatentImport:
    """The import as the upload page stores it. Its own on-commit task goes to the pt wrapper's broker, where
    no worker listens; the drills send the task to their worker's private broker themselves."""
    return patent_import_create(by=by, owner=owner, file_name="drill.csv", content=patents_csv(ROWS), language="en")


def progress(import_id: int) -> PatentImport:
    return PatentImport.objects.defer("content").get(pk=import_id)


def running_with_progress(import_id: int) -> bool:
    row = progress(import_id)
    return row.status == PatentImport.Status.RUNNING and row.processed_rows > 0


def assert_imported_once(patent_import: PatentImport, owner) -> PatentImport:
    done = progress(patent_import.pk)
    assert done.status == PatentImport.Status.DONE, (done.status, done.message)
    assert (done.total_rows, done.processed_rows, done.created, done.skipped, done.failed) == (ROWS, ROWS, ROWS, 0, 0)
    assert Patent.objects.filter(owner=owner).count() == ROWS
    assert not Patent.objects.values("application_number").annotate(n=Count("id")).filter(n__gt=1).exists()
    return done


def test_a_pool_process_killed_mid_import_runs_it_again_and_every_row_goes_in_once(database_url, private_redis):
    owner = OrganisationFactory(kind="enterprise", name="资阳演练导入有限公司")
    patent_import = new_import(owner, member_of(owner, role="admin"))
    worker = stack.worker(
        drill_env(database_url, CELERY_BROKER_URL=private_redis.url()), concurrency=1, name="drill-kill-pool"
    )
    since = log_size(worker)
    with running(worker):
        stack.wait_until(lambda: worker_ready(worker, since), timeout=60, what="worker ready")
        started = time.monotonic()
        with broker_client(private_redis.url()) as beat:
            task_id = beat.send_task(RUN_IMPORT, args=[patent_import.pk]).id
        stack.wait_until(
            lambda: running_with_progress(patent_import.pk), timeout=60, interval=0.02, what="the import under way"
        )
        pool = psutil.Process(worker.pid).children()
        assert len(pool) == 1, pool
        pool[0].send_signal(signal.SIGKILL)
        killed_at = progress(patent_import.pk).processed_rows
        assert 0 < killed_at < ROWS
        stack.wait_until(
            lambda: progress(patent_import.pk).finished, timeout=120, interval=0.2, what="the import finished"
        )
        took = time.monotonic() - started
        replacement = psutil.Process(worker.pid).children()
        log = log_since(worker, since)

    done = assert_imported_once(patent_import, owner)
    assert [p.pid for p in replacement] != [pool[0].pid]  # the main process started a new pool process
    assert "signal 9 (SIGKILL)" in log  # … after the killed one was reported lost
    assert log.count(f"{RUN_IMPORT}[{task_id}] received") == 2  # the message delivered twice
    assert f"patent import {patent_import.pk}: resuming after row" in log  # and the second run resumed
    print(
        f"\nworker drill (pool process killed): killed at row {killed_at} of {ROWS}; task run again, "
        f"import done in {took:.1f} s, created={done.created} skipped={done.skipped} failed={done.failed}"
    )


def test_a_whole_worker_killed_mid_import_is_resumed_by_the_stalled_imports_sweep(database_url, private_redis):
    owner = OrganisationFactory(kind="enterprise", name="资阳演练续传有限公司")
    patent_import = new_import(owner, member_of(owner, role="admin"))
    env = drill_env(database_url, CELERY_BROKER_URL=private_redis.url())
    first = stack.worker(env, concurrency=1, name="drill-kill-worker")
    since = log_size(first)
    with running(first):
        stack.wait_until(lambda: worker_ready(first, since), timeout=60, what="worker ready")
        with broker_client(private_redis.url()) as beat:
            beat.send_task(RUN_IMPORT, args=[patent_import.pk])
        stack.wait_until(
            lambda: running_with_progress(patent_import.pk), timeout=60, interval=0.02, what="the import under way"
        )
        first.signal(signal.SIGKILL)  # main process and pool process at once: nobody puts the message back
        stack.wait_until(lambda: not first.running, timeout=30, what="the worker gone")
    stalled_at = progress(patent_import.pk).processed_rows
    assert 0 < stalled_at < ROWS
    redis = private_redis.client()
    assert (redis.llen("celery"), redis.hlen("unacked")) == (0, 1)  # held until the visibility timeout

    second = stack.worker(env, concurrency=1, name="drill-kill-worker-2")
    since = log_size(second)
    with running(second):
        stack.wait_until(lambda: worker_ready(second, since), timeout=60, what="second worker ready")
        assert progress(patent_import.pk).processed_rows == stalled_at  # the lost message is not redelivered
        assert (redis.llen("celery"), redis.hlen("unacked")) == (0, 1)

        # Ten minutes on, the import has made no progress: beat's sweep enqueues it again.
        PatentImport.objects.filter(pk=patent_import.pk).update(
            updated_at=timezone.now() - imports.STALLED_AFTER - dt.timedelta(minutes=1)
        )
        started = time.monotonic()
        with broker_client(private_redis.url()) as beat:
            beat.send_task("ipmarket.assets.tasks.resume_stalled_patent_imports")
        stack.wait_until(
            lambda: progress(patent_import.pk).finished, timeout=120, interval=0.2, what="the import finished"
        )
        took = time.monotonic() - started
        log = log_since(second, since)

    done = assert_imported_once(patent_import, owner)
    assert f"patent import {patent_import.pk} stalled: enqueuing it again" in log
    assert f"patent import {patent_import.pk}: resuming after row {stalled_at}" in log
    print(
        f"\nworker drill (whole worker killed): stopped at row {stalled_at} of {ROWS}; the message stayed "
        f"unacknowledged in Redis; the stalled-imports sweep resumed it, done in {took:.1f} s, "
        f"created={done.created} skipped={done.skipped} failed={done.failed}"
    )
