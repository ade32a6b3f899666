"""Concurrent actions against the real PostgreSQL, in threads that start together.

To be sure the calls really overlap, the first caller to reach the guard waits until the others are queued
on the row lock (seen in pg_stat_activity) before going on. With the locks in place that always happens;
without them nobody would queue, every caller would pass the guard on the same stale state, and the
assertions on the outcome would fail."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from djmoney.money import Money
from rest_framework.test import APIClient

from financing import guards, services
from financing.models import Application, Event
from ipmarket.core.errors import GuardFailed

from .conftest import act, fresh

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_on_locks() -> int:
    """How many other connections to this database wait for a lock right now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def hold_first_caller(monkeypatch, module, name, others: int):
    """Patch `module.name` so that the first caller waits (up to 10 s) for `others` callers to queue on a lock."""
    original, first = getattr(module, name), threading.Lock()
    seen = {"queued": 0}

    def patched(*args, **kwargs):
        if first.acquire(blocking=False):
            deadline = time.monotonic() + 10
            while (queued := waiting_on_locks()) < others and time.monotonic() < deadline:
                time.sleep(0.01)  # polling the database, not a timing assumption
            seen["queued"] = queued
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, patched)
    return seen


def together(calls):
    """Run the calls in threads released at once by a barrier; each closes its own connection."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_approvers_at_once_make_one_approval(monkeypatch, parties, make_app):
    app = make_app("valued")
    services.application_bank_propose(
        application=app, by=parties.officer, principal=Decimal("3000000"), annual_rate=Decimal("0.045")
    )
    seen = hold_first_caller(monkeypatch, guards, "approval_refusal", others=1)

    def approve(person):
        def call():
            client = APIClient()
            return act(client, person, app.pk, "bank_approve", {"principal": "3000000", "annual_rate": "0.045"})

        return call

    responses = together([approve(parties.approver), approve(parties.approver2)])
    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [200, 409]
    conflict = next(r for r in responses if r.status_code == 409).json()
    assert conflict["code"] == "invalid_transition" and "underwrite" in conflict["allowed"]
    assert Event.objects.filter(application=app, action="bank_approve").count() == 1
    winner = next(r for r in responses if r.status_code == 200).json()
    assert fresh(app).approved_by_id == winner["approved_by"]
    assert seen["queued"] == 1  # the second approval really waited for the first


def test_parallel_filings_never_overcommit_the_pool(monkeypatch, parties, programme, make_app):
    programme.pool_balance = Money("1000000", "CNY")  # capacity 1,000,000 × 10 = 10,000,000
    programme.save()
    apps = [make_app("insured", principal="3000000") for _ in range(6)]  # 18,000,000 asked for
    seen = hold_first_caller(monkeypatch, guards, "headroom_refusal", others=len(apps) - 1)

    def file(app):
        return lambda: services.application_fund_file(application=app, by=parties.fund_person)

    results = together([file(app) for app in apps])
    errors = [r for r in results if isinstance(r, Exception)]
    assert not [e for e in errors if isinstance(e, DatabaseError)], errors  # no deadlock, no serialisation failure
    assert all(isinstance(e, GuardFailed) and e.code == "pool_headroom_exceeded" for e in errors), errors
    filed = Application.objects.filter(programme=programme, state="fund_filed")
    covered = sum(a.covered_principal.amount for a in filed)
    assert covered <= programme.pool_capacity
    assert filed.count() == 3 and len(errors) == 3  # 3 × 3,000,000 fit in 10,000,000, a fourth would not
    assert guards.pool_headroom(programme) == Decimal("1000000.00")
    assert seen["queued"] == len(apps) - 1  # everybody else queued on the pool's row


def test_a_re_proposal_and_an_approval_at_once_never_approve_unseen_terms(monkeypatch, parties, make_app):
    """Both wait for the application's row lock; whichever goes first, the approval is of the terms sent."""
    app = make_app("valued", appraised_value="20000000")
    services.application_bank_propose(
        application=app, by=parties.officer, principal=Decimal("1000000"), annual_rate=Decimal("0.035")
    )
    seen = hold_first_caller(monkeypatch, guards, "loan_terms_refusal", others=1)

    def approve():
        return act(
            APIClient(), parties.approver, app.pk, "bank_approve", {"principal": "1000000", "annual_rate": "0.035"}
        )

    def propose():
        return act(
            APIClient(), parties.officer, app.pk, "bank_propose", {"principal": "2500000", "annual_rate": "0.045"}
        )

    approval, proposal = together([approve, propose])
    assert seen["queued"] == 1  # the second really waited for the first
    app = fresh(app)
    if approval.status_code == 200:  # the approval went first: the re-proposal finds the loan approved
        assert proposal.status_code == 409 and proposal.json()["code"] == "invalid_transition"
        assert app.approved_principal.amount == Decimal("1000000") and app.approved_rate == Decimal("0.035")
    else:  # the re-proposal went first: the approval of the old terms is refused
        assert proposal.status_code == 200
        assert approval.status_code == 409 and approval.json()["code"] == "proposal_changed"
        assert app.state == "valued" and app.approved_by is None
