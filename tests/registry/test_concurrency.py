"""Concurrent decisions on one demand against the real PostgreSQL: the second waits on the demand's row lock
and then sees the new state (tests/financing/test_concurrency.py explains the way calls are made to overlap)."""

import pytest

from financing.registry import services, workflow
from financing.registry.models import DemandEvent, Interest
from ipmarket.core.errors import Conflict, InvalidTransition
from tests.financing.test_concurrency import hold_first_caller, together
from tests.registry.factories import demand, fresh, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_admissions_at_once_admit_once(monkeypatch, w):
    d = demand(w, "submitted")
    seen = hold_first_caller(monkeypatch, workflow.ACTIONS["admit"], "refusal", others=1)

    def admit():
        return services.demand_admit(demand=d, by=w.platform, batch=w.batch)

    results = together([admit, admit])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition), results
    assert fresh(d).state == "admitted"
    assert DemandEvent.objects.filter(demand=d, action="admit").count() == 1
    assert seen["queued"] == 1


def test_choosing_two_interests_at_once_matches_one(monkeypatch, w):
    d = demand(w, "admitted")
    a, b = register(w, d), register(w, d, by=w.officer2)
    seen = hold_first_caller(monkeypatch, workflow.ACTIONS["choose"], "refusal", others=1)

    def choose(interest):
        return lambda: services.demand_choose(demand=d, by=w.owner, interest=interest)

    results = together([choose(a), choose(b)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition | Conflict), results
    assert fresh(d).state == "matched"
    assert Interest.objects.filter(demand=d, state="chosen").count() == 1
    assert seen["queued"] == 1
