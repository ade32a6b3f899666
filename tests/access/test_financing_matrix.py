"""The access matrix of pledge financing: every action and detail read of an application × the demo people and
an anonymous caller × every state (the happy path and the side states), against tests/access/expect.py.

A test is one (world, action) or (world, read); its failure lists every case that did not get its answer, each
named: caller, request, world, expected, got. Where the action may start from the world's state every caller is
tried. Elsewhere each party that sees the application gets the same 409 from the same check, and trying all of
them would double the module's time, so the callers tried are: anonymous, bank B (never sees it), everyone who
may take the action in some state (the actor at the wrong time) and one party who may not (the 409 comes before
the 403); `ACCESS_MATRIX_FULL=1` tries every caller there too (about a minute more). Reads are tried by every
caller in every world."""

import os
from datetime import timedelta

import pytest

from financing.services import ACTIONS
from tests.financing.conftest import APPS, today

from . import expect
from .people import ANON, BO2, ROLES, mismatches
from .worlds import FINANCING_WORLDS, build_application

pytestmark = pytest.mark.django_db

# A valid body for each action, so that the body's validation (which the API runs before the service) never
# hides the answer of the state and role checks.
BODIES = {
    "value": {"appraised_value": "20000000", "report_date": str(today() - timedelta(days=30))},
    "bank_propose": {"principal": "3000000", "annual_rate": "0.045"},
    "bank_approve": {"principal": "3000000", "annual_rate": "0.045"},
    "underwrite": {"premium_rate": "0.015"},
    "register_pledge": {"registration_number": "Y2026510000001"},
    "record_repayment": {"amount": "1000", "paid_on": str(today())},
    "record_recovery": {"amount": "1000"},
    **{
        action: {"note": "access matrix"}
        for action in (
            "submit",
            "prescreen",
            "return",
            "reject",
            "withdraw",
            "verify_ip",
            "fund_file",
            "sign_contract",
            "disburse",
            "mark_default",
            "submit_claim",
            "settle_claim",
            "close",
            "release_pledge",
        )
    },
}
READS = ["", "schedule/", "events/", "documents/", "documents/{document}/"]


@pytest.fixture(scope="module", params=list(FINANCING_WORLDS))
def world(request, kept_world):
    with kept_world():
        yield build_application(request.param)


def test_every_action_has_a_body():
    assert set(BODIES) == set(ACTIONS)


def callers(action: str, world) -> list[str]:
    if world.state in ACTIONS[action] or os.environ.get("ACCESS_MATRIX_FULL") == "1":
        return ROLES
    actors = {role for role in ROLES if any(expect.may_act(role, action, state) for state in expect.STATES)}
    seen = [r for r in ROLES if r not in actors and r != ANON and expect.sees_application(r, world)]
    other = seen[0] if seen else None
    return [role for role in ROLES if role in actors or role in (ANON, BO2, other)]


@pytest.mark.parametrize("action", list(ACTIONS))
def test_action(world, action):
    url = f"{APPS}{world.app.pk}/actions/{action}/"
    cases = [
        (role, "post", url, BODIES[action], expect.financing_action(role, action, world))
        for role in callers(action, world)
    ]
    failed = mismatches(world, cases)
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("read", READS)
def test_read(world, read):
    url = f"{APPS}{world.app.pk}/{read.format(document=world.document.pk)}"
    failed = mismatches(world, [(role, "get", url, None, expect.financing_read(role, world)) for role in ROLES])
    assert not failed, "\n".join(failed)
