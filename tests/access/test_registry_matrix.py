"""The access matrix of the financing-demand registry: every demand action, the detail read, the interests (read
and register) and the registry batches × the demo people and an anonymous caller × the demand's states, against
the expectations written here by hand (docs/registry.md "Who does what"), independently of the selectors.

The answer to each request, in the order the API applies its checks: anonymous 401 → not seen 404 → wrong
state 409 `invalid_transition` → wrong side 403 → allowed (anything but 401/403/404/409 `invalid_transition`,
below 500)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta

from financing.models import PanelAppraiser
from financing.registry import services
from financing.registry.workflow import ACTIONS
from tests.assets.factories import PatentFactory
from tests.financing.factories import ProgrammeFactory, today

from .expect import FORBIDDEN, NOT_FOUND, OK, UNAUTHENTICATED, Outcome, allowed, invalid_transition
from .people import ANON, BA, BO, BO2, E1, PLAT, ROLES, demo_people, mismatches

pytestmark = pytest.mark.django_db

DEMANDS, BATCHES = "/api/v1/financing/demands/", "/api/v1/financing/demand-batches/"
LISTED = {"admitted", "matched", "financed"}
# Who takes each action (written by hand: docs/registry.md).
WHO = {"submit": {E1}, "withdraw": {E1}, "admit": {PLAT}, "return": {PLAT}, "reject": {PLAT}, "choose": {E1}}
BANKS = {BO: "bank_a", BA: "bank_a", BO2: "bank_b"}
# name → (state, banks it is shown to; None: every bank)
WORLDS = {
    "draft": ("draft", None),
    "submitted": ("submitted", None),
    "returned": ("returned", None),
    "admitted": ("admitted", None),
    "admitted for bank B": ("admitted", ["bank_b"]),
    "matched": ("matched", None),
    "withdrawn before submission": ("withdrawn", None),
}


def build(name: str) -> SimpleNamespace:
    state, shown = WORLDS[name]
    orgs, users, _steps = demo_people()
    programme = ProgrammeFactory(risk_fund=orgs.fund)
    PanelAppraiser.objects.create(
        programme=programme,
        appraiser=orgs.appraiser,
        qualification="资产评估资格",
        valid_from=today() - relativedelta(years=1),
        valid_until=today() + relativedelta(years=1),
        admitted_by=users[PLAT],
    )
    batch = services.batch_create(by=users[PLAT], programme=programme, name="矩阵名录", year=2026, number=2)

    def new(banks=()):
        return services.demand_create(
            by=users[E1],
            programme=programme,
            assets=[PatentFactory(owner=orgs.enterprise_a)],
            banks=[getattr(orgs, b) for b in banks],
            amount=Decimal("3000000"),
            term_months=12,
            purpose="研发",
            industry="C",
        )

    demand = new(shown or ())
    if state in ("submitted", "returned", "admitted", "matched"):
        services.demand_submit(demand=demand, by=users[E1])
    if state == "returned":
        services.demand_return(demand=demand, by=users[PLAT], note="补充")
    if state in ("admitted", "matched"):
        services.demand_admit(demand=demand, by=users[PLAT], batch=batch)
    if state == "withdrawn":
        services.demand_withdraw(demand=demand, by=users[E1])
    # An open interest of bank B (in this demand when it is admitted, else in another one): `choose` names it.
    holder = demand if state in ("admitted", "matched") else new()
    if holder is not demand:
        services.demand_submit(demand=holder, by=users[E1])
        services.demand_admit(demand=holder, by=users[PLAT], batch=batch)
    interest = services.interest_register(
        demand=holder, by=users[BO2], indicative_principal=Decimal("2000000"), indicative_rate=Decimal("0.04")
    )
    if state == "matched":
        services.demand_choose(demand=demand, by=users[E1], interest=interest)
    return SimpleNamespace(
        name=name, state=state, shown=shown, demand=demand, interest=interest, batch=batch, users=users, orgs=orgs
    )


@pytest.fixture(scope="module", params=list(WORLDS))
def world(request, kept_world):
    with kept_world():
        yield build(request.param)


def sees(role: str, w) -> bool:
    if role == E1:
        return True
    if role == PLAT:
        return w.name != "withdrawn before submission" and w.state != "draft"
    if role in BANKS:
        return w.state in LISTED and (w.shown is None or BANKS[role] in w.shown)
    return False


def action_outcome(role: str, action: str, w) -> Outcome:
    if role == ANON:
        return UNAUTHENTICATED
    if not sees(role, w):
        return NOT_FOUND
    if w.state not in ACTIONS[action].sources:
        return invalid_transition(a for a in ACTIONS if w.state in ACTIONS[a].sources)
    if role not in WHO[action]:
        return FORBIDDEN
    return allowed()


def bodies(w) -> dict:
    return {
        "admit": {"batch": w.batch.pk},
        "return": {"note": "matrix"},
        "reject": {"note": "matrix"},
        "choose": {"interest": w.interest.pk},
    }


@pytest.mark.parametrize("action", list(ACTIONS))
def test_action(world, action):
    url = f"{DEMANDS}{world.demand.pk}/actions/{action}/"
    body = bodies(world).get(action, {})
    cases = [(role, "post", url, body, action_outcome(role, action, world)) for role in ROLES]
    assert not mismatches(world, cases), "\n".join(mismatches(world, cases))


def test_reads(world):
    base = f"{DEMANDS}{world.demand.pk}/"
    cases = []
    for role in ROLES:
        outcome = UNAUTHENTICATED if role == ANON else (OK if sees(role, world) else NOT_FOUND)
        cases += [(role, "get", url, None, outcome) for url in (base, f"{base}interests/", f"{base}events/")]
    assert not mismatches(world, cases), "\n".join(mismatches(world, cases))


def interest_outcome(role: str, w) -> Outcome:
    if role == ANON:
        return UNAUTHENTICATED
    if not sees(role, w):
        return NOT_FOUND
    if role not in BANKS:
        return FORBIDDEN
    if w.state != "admitted":
        return Outcome("409", 409)
    if role == BO2:  # bank B's interest is already open
        return Outcome("409 interest_exists", 409, "interest_exists")
    return Outcome("201", 201)


def test_register_interest(world):
    url = f"{DEMANDS}{world.demand.pk}/interests/"
    body = {"indicative_principal": "1000000", "indicative_rate": "0.04"}
    cases = [(role, "post", url, body, interest_outcome(role, world)) for role in ROLES]
    assert not mismatches(world, cases), "\n".join(mismatches(world, cases))


def test_batches_are_platform_only(world):
    detail, export = f"{BATCHES}{world.batch.pk}/", f"{BATCHES}{world.batch.pk}/export/?format=csv"
    new = {"name": "新名录", "year": 2027, "number": 1, "programme": world.batch.programme_id}
    cases = []
    for role in ROLES:
        if role == ANON:
            cases += [(role, m, u, b, UNAUTHENTICATED) for m, u, b in (("get", BATCHES, None), ("post", BATCHES, new))]
            continue
        platform = role == PLAT
        cases += [
            (role, "get", detail, None, OK if platform else NOT_FOUND),
            (role, "get", export, None, OK if platform else NOT_FOUND),
            (role, "post", BATCHES, new, Outcome("201", 201) if platform else FORBIDDEN),
            (role, "post", f"{detail}close/", {}, OK if platform else NOT_FOUND),
        ]
    assert not mismatches(world, cases), "\n".join(mismatches(world, cases))
