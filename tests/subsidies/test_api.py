"""The subsidies' API: who sees what (404 for the others), the actions' status codes (403 wrong role, 409 stale,
400 bad input, nothing half-written), claiming everything at once, the totals as decimal strings."""

from decimal import Decimal

import pytest

from financing.subsidies import services
from financing.subsidies.models import Subsidy, SubsidyEvent
from tests.accounts.factories import OrganisationFactory, member_of
from tests.financing.factories import today
from tests.querycount import api_as

from .conftest import SUBSIDIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(loan, parties):
    app = loan(paid=(1, 2))
    rows = {(s.kind, s.period): s for s in Subsidy.objects.filter(application=app)}
    return app, rows


def act(user, subsidy, action, body=None):
    return api_as(user).post(f"{SUBSIDIES}{subsidy.pk}/actions/{action}/", body or {}, format="json")


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_the_list_as_each_caller(world, parties, outsiders):
    app, rows = world
    every = {s.pk for s in rows.values()}
    assert ids(api_as(parties.owner).get(SUBSIDIES)) == every
    assert ids(api_as(parties.fund_person).get(SUBSIDIES)) == every
    assert ids(api_as(parties.platform).get(SUBSIDIES)) == every
    for nobody in (parties.officer, parties.underwriter, outsiders.enterprise, outsiders.bank):
        assert ids(api_as(nobody).get(SUBSIDIES)) == set()
    assert api_as(None).get(SUBSIDIES).status_code == 401


def test_one_subsidy_as_its_parties_and_404_for_the_others(world, parties, outsiders):
    _app, rows = world
    s = rows[("interest", 1)]
    body = api_as(parties.owner).get(f"{SUBSIDIES}{s.pk}/").json()
    assert body["amount"] == "6250.00" and body["base"] == "5000000.00" and body["rate"] == "0.01500"
    assert body["kind"] == "interest" and body["period"] == 1 and body["state"] == "claimable"
    assert body["allowed_actions"] == ["claim"] and body["enterprise"] == parties.borrower.pk
    assert api_as(parties.platform).get(f"{SUBSIDIES}{s.pk}/").json()["allowed_actions"] == []
    for nobody in (parties.officer, outsiders.enterprise):
        assert api_as(nobody).get(f"{SUBSIDIES}{s.pk}/").status_code == 404
        assert act(nobody, s, "claim").status_code == 404


def test_filters(world, parties):
    _app, rows = world
    client = api_as(parties.owner)
    assert ids(client.get(SUBSIDIES, {"kind": "premium"})) == {rows[("premium", None)].pk}
    assert len(ids(client.get(SUBSIDIES, {"state": "claimable", "mine": "1"}))) == 3
    assert ids(client.get(SUBSIDIES, {"enterprise": parties.borrower.pk + 1000})) == set()
    assert client.get(SUBSIDIES, {"year": "1999"}).status_code == 400
    assert client.get(SUBSIDIES, {"year": "abc"}).status_code == 400
    assert client.get(SUBSIDIES, {"state": "nope"}).status_code == 400


def test_the_workflow_through_the_api(world, parties):
    _app, rows = world
    s = rows[("premium", None)]
    response = act(parties.owner, s, "claim", {"note": "please"})
    assert response.status_code == 200 and response.json()["state"] == "claimed"
    assert act(parties.owner, s, "claim").status_code == 409
    assert act(parties.owner, s, "approve").status_code == 403
    response = act(parties.platform, s, "approve")
    assert response.status_code == 200 and response.json()["allowed_actions"] == []
    assert act(parties.platform, s, "pay", {"paid_on": str(today()), "reference": "R-1"}).status_code == 403
    response = act(parties.fund_person, s, "pay", {"paid_on": str(today()), "reference": "R-1"})
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["payment_reference"], body["paid_on"]) == ("paid", "R-1", str(today()))
    conflict = act(parties.fund_person, s, "pay", {"paid_on": str(today()), "reference": "R-2"})
    assert conflict.status_code == 409 and conflict.json()["code"] == "invalid_transition"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"note": ""},
        {"note": "   "},
        {"note": "x" * 2001},
        {"note": None},
        {"note": ["a"]},
    ],
)
def test_reject_refuses_a_missing_or_bad_note(world, parties, body):
    _app, rows = world
    s = rows[("interest", 1)]
    services.subsidy_claim(subsidy=s, by=parties.owner)
    response = act(parties.platform, s, "reject", body)
    assert response.status_code == 400, response.content
    assert Subsidy.objects.get(pk=s.pk).state == "claimed"
    assert not SubsidyEvent.objects.filter(subsidy=s, action="reject").exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"paid_on": "2026-13-01", "reference": "R"},
        {"paid_on": "tomorrow", "reference": "R"},
        {"reference": "R"},
        {"paid_on": "FUTURE", "reference": "R"},
        {"paid_on": "TODAY", "reference": ""},
        {"paid_on": "TODAY", "reference": "R" * 65},
        {"paid_on": "TODAY", "reference": "R\x00"},
    ],
)
def test_pay_refuses_bad_input(world, parties, body):
    _app, rows = world
    s = rows[("interest", 1)]
    services.subsidy_claim(subsidy=s, by=parties.owner)
    services.subsidy_approve(subsidy=s, by=parties.platform)
    body = dict(body)
    if body.get("paid_on") == "TODAY":
        body["paid_on"] = str(today())
    if body.get("paid_on") == "FUTURE":
        body["paid_on"] = str(today().replace(year=today().year + 1))
    response = act(parties.fund_person, s, "pay", body)
    assert response.status_code == 400, response.content
    assert Subsidy.objects.get(pk=s.pk).state == "approved"


def test_unknown_action_and_id(world, parties):
    _app, rows = world
    s = rows[("interest", 1)]
    client = api_as(parties.owner)
    assert client.post(f"{SUBSIDIES}{s.pk}/actions/steal/", {}, format="json").status_code == 404
    assert client.get(f"{SUBSIDIES}999999999/").status_code == 404
    assert client.get(f"{SUBSIDIES}abc/").status_code == 404


def test_claim_all(world, parties, outsiders):
    app, rows = world
    response = api_as(parties.owner).post(f"{SUBSIDIES}claim-all/", {"application": app.pk}, format="json")
    assert response.status_code == 200
    assert {r["id"] for r in response.json()} == {s.pk for s in rows.values()}
    assert api_as(parties.owner).post(f"{SUBSIDIES}claim-all/", {}, format="json").json() == []
    nothing = api_as(outsiders.enterprise).post(f"{SUBSIDIES}claim-all/", {"application": app.pk}, format="json")
    assert nothing.status_code == 200 and nothing.json() == []
    for bad in ({"application": "x"}, {"application": 0}, {"application": True}):
        assert api_as(parties.owner).post(f"{SUBSIDIES}claim-all/", bad, format="json").status_code == 400


def test_totals(world, parties, outsiders):
    app, rows = world
    services.subsidy_claim(subsidy=rows[("interest", 1)], by=parties.owner)
    body = api_as(parties.owner).get(f"{SUBSIDIES}totals/").json()
    interest = {
        state: sum((Decimal(r["interest"][state]) for r in body), Decimal("0")) for state in Subsidy.State.values
    }
    assert interest["claimed"] == Decimal("6250.00") and interest["claimable"] == Decimal("5729.17")
    assert sum(Decimal(r["total"]) for r in body) == Decimal("61979.17")  # 6,250.00 + 5,729.17 + 50,000.00
    assert all(isinstance(r["total"], str) and r["total"].count(".") == 1 for r in body)
    assert body[0]["enterprise"] == parties.borrower.pk
    assert api_as(outsiders.bank).get(f"{SUBSIDIES}totals/").json() == []
    assert api_as(parties.owner).get(f"{SUBSIDIES}totals/", {"year": "1999"}).status_code == 400
    assert api_as(parties.owner).get(f"{SUBSIDIES}totals/", {"year": "x"}).status_code == 400
    year = app.disbursed_on.year
    assert {r["year"] for r in api_as(parties.platform).get(f"{SUBSIDIES}totals/", {"year": year}).json()} == {year}


def test_another_fund_sees_nothing(world):
    other_fund = member_of(OrganisationFactory(kind="risk_fund"))
    assert api_as(other_fund).get(SUBSIDIES).json()["results"] == []
