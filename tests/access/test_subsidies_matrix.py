"""The access matrix of subsidies: every action and the detail read of a subsidy × the demo people and an
anonymous caller × every state of the subsidy, against the table below (written independently of
financing/subsidies/policies.py, on purpose).

Who sees a subsidy: the borrower's people (enterprise1), the programme's fund (fund1), platform staff (platform1);
anyone else gets 404, an anonymous caller 401. Among those who see it, the action's state comes first (409), then
the role (403): the borrower claims, platform staff approve or reject, the fund records the payment."""

from types import SimpleNamespace

import pytest

from financing.subsidies import services
from financing.subsidies.models import Subsidy
from tests.financing.factories import today

from .people import ANON, E1, FUND, PLAT, ROLES, request_as
from .worlds import build_application

pytestmark = pytest.mark.django_db
URL = "/api/v1/financing/subsidies/"
SEE = {E1, FUND, PLAT}
ACTOR = {"claim": E1, "approve": PLAT, "reject": PLAT, "pay": FUND}
SOURCE = {"claim": "claimable", "approve": "claimed", "reject": "claimed", "pay": "approved"}
BODIES = {"claim": {}, "approve": {"note": "ok"}, "reject": {"note": "no"}, "pay": {"reference": "R-1"}}
# state → the steps (action, who) that bring a claimable subsidy there
WORLDS = {
    "claimable": [],
    "claimed": [("claim", "owner")],
    "approved": [("claim", "owner"), ("approve", "platform")],
    "paid": [("claim", "owner"), ("approve", "platform"), ("pay", "fund_person")],
    "rejected": [("claim", "owner"), ("reject", "platform")],
}


def expected_action(role: str, action: str, state: str) -> int:
    if role == ANON:
        return 401
    if role not in SEE:
        return 404
    if state != SOURCE[action]:
        return 409
    return 200 if role == ACTOR[action] else 403


def expected_read(role: str) -> int:
    return 401 if role == ANON else 200 if role in SEE else 404


def _build(state: str):
    world = build_application("active")
    app = world.app
    services.subsidies_compute(application=app)
    subsidy = Subsidy.objects.get(application=app, kind="premium")
    people = {"owner": world.users[E1], "platform": world.users[PLAT], "fund_person": world.users[FUND]}
    for action, who in WORLDS[state]:
        body = {"paid_on": today(), "reference": "R-0"} if action == "pay" else {"note": "n"}
        services.SERVICES[action](subsidy=subsidy, by=people[who], **body)
    assert Subsidy.objects.get(pk=subsidy.pk).state == state
    return SimpleNamespace(name=state, state=state, subsidy=subsidy, users=world.users)


@pytest.fixture(scope="module", params=list(WORLDS))
def world(request, kept_world):
    with kept_world():
        yield _build(request.param)


def test_the_tables_agree_with_the_services_sources():
    from financing.subsidies import policies

    assert {a: [str(s) for s in states] for a, states in policies.SOURCES.items()} == {
        a: [s] for a, s in SOURCE.items()
    }


@pytest.mark.parametrize("action", list(ACTOR))
def test_action(world, action):
    failed = []
    body = dict(BODIES[action])
    if action == "pay":
        body["paid_on"] = str(today())
    for role in ROLES:
        url = f"{URL}{world.subsidy.pk}/actions/{action}/"
        got = request_as(world, role, "post", url, body).status_code
        if got != expected_action(role, action, world.state):
            failed.append(
                f"{role} POST {url} [{world.name}]: expected {expected_action(role, action, world.state)}, got {got}"
            )
    assert not failed, "\n".join(failed)


def test_read(world):
    failed = []
    for role in ROLES:
        got = request_as(world, role, "get", f"{URL}{world.subsidy.pk}/").status_code
        if got != expected_read(role):
            failed.append(f"{role} GET [{world.name}]: expected {expected_read(role)}, got {got}")
        listed = request_as(world, role, "get", URL)
        if role != ANON and (world.subsidy.pk in {r["id"] for r in listed.json()["results"]}) != (role in SEE):
            failed.append(f"{role} GET {URL} [{world.name}]: listed is {role not in SEE}")
    assert not failed, "\n".join(failed)
