"""Concurrent actions on cases against the real PostgreSQL (tests/financing/test_concurrency.py explains how
the calls are made to overlap): the second caller waits on the case's row lock, or on the decision number's
unique index, and then sees what the first did."""

import threading
import time

import pytest
from django.utils import timezone

from ipmarket.core.errors import GuardFailed, InvalidTransition
from ipmarket.disputes import services, workflow
from ipmarket.disputes.models import Dispute, DisputeEvent
from tests.disputes.factories import dispute, fresh
from tests.financing.test_concurrency import together, waiting_on_locks

pytestmark = pytest.mark.django_db(transaction=True)


def hold_first(monkeypatch, targets, others: int = 1):
    """Patch each `(object, name)` so that the first caller of any of them waits (up to 10 s) for `others`
    callers to queue on a lock before going on."""
    first, seen = threading.Lock(), {"queued": 0}

    def wrap(original):
        def patched(*args, **kwargs):
            if first.acquire(blocking=False):
                deadline = time.monotonic() + 10
                while (queued := waiting_on_locks()) < others and time.monotonic() < deadline:
                    time.sleep(0.01)  # polling the database, not a timing assumption
                seen["queued"] = queued
            return original(*args, **kwargs)

        return patched

    for owner, name in targets:
        monkeypatch.setattr(owner, name, wrap(getattr(owner, name)))
    return seen


def test_consent_racing_decline_one_wins(monkeypatch, w):
    d = dispute(w, "in_mediation")
    seen = hold_first(monkeypatch, [(workflow.ACTIONS["consent"], "refusal"), (workflow.ACTIONS["decline"], "refusal")])

    def consent():
        return services.dispute_consent(dispute=d, by=w.respondent_person)

    def decline():
        return services.dispute_decline(dispute=d, by=w.respondent_person)

    results = together([consent, decline])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert seen["queued"] == 1
    d = fresh(d)
    if isinstance(results[0], Exception):  # the decline went first: nothing left to consent to
        assert isinstance(results[0], InvalidTransition)
        assert (d.state, d.respondent_consent) == ("filed", "declined")
    else:  # the consent went first: it stands, and the decline is refused
        assert isinstance(results[1], GuardFailed) and results[1].code == "already_consented"
        assert (d.state, d.respondent_consent) == ("in_mediation", "consented")
    assert DisputeEvent.objects.filter(dispute=d, action__in=["consent", "decline"]).count() == 1


def test_two_platform_people_accepting_with_different_routes_accept_once(monkeypatch, w):
    d = dispute(w)
    seen = hold_first(monkeypatch, [(workflow.ACTIONS["accept"], "refusal")])

    def mediation():
        return services.dispute_accept(dispute=d, by=w.platform, route="mediation", mediator=w.mediation)

    def enforcement():
        return services.dispute_accept(dispute=d, by=w.platform, route="enforcement")

    results = together([mediation, enforcement])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition), results
    assert seen["queued"] == 1
    d = fresh(d)
    expected = (
        ("in_mediation", "mediation") if isinstance(results[1], Exception) else ("under_investigation", "enforcement")
    )
    assert (d.state, d.route) == expected
    assert DisputeEvent.objects.filter(dispute=d, action="accept").count() == 1


def test_two_decisions_with_one_number_on_two_cases_one_wins(monkeypatch, w):
    a, b = dispute(w, "under_investigation"), dispute(w, "under_investigation")
    # the first caller holds after saving its number, until the other waits on the unique index
    seen = hold_first(monkeypatch, [(services, "_record")])

    def decide(case):
        return lambda: services.dispute_record_decision(
            dispute=case, by=w.platform, number="资知执罚〔2026〕88号", decided_on=timezone.localdate()
        )

    results = together([decide(a), decide(b)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], GuardFailed), results
    assert errors[0].code == "decision_number_taken"
    assert seen["queued"] == 1
    assert Dispute.objects.filter(decision_number="资知执罚〔2026〕88号").count() == 1
    assert DisputeEvent.objects.filter(action="record_decision").count() == 1
