"""Who may see and act: 409 for the wrong state, 403 for the wrong role of a party, 404 for everyone else,
401 for anonymous callers; a draft is the borrower's alone."""

import pytest

from financing.models import Event
from tests.accounts.factories import member_of

from .conftest import APPS, act, fresh

pytestmark = pytest.mark.django_db


def test_an_action_from_the_wrong_state_is_409_with_the_allowed_actions(api, parties, make_app):
    app = make_app("draft")
    response = act(api, parties.officer, app, "disburse")  # the bank does not see a draft at all
    assert response.status_code == 404
    response = act(api, parties.owner, app, "disburse")
    body = response.json()
    assert response.status_code == 409, body
    assert body["code"] == "invalid_transition" and body["detail"]
    assert sorted(body["allowed"]) == ["submit", "withdraw"]


def test_approving_twice_is_409(api, parties, make_app):
    app = make_app("bank_approved")
    response = act(api, parties.approver2, app, "bank_approve", {"principal": "3000000", "annual_rate": "0.045"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "underwrite" in response.json()["allowed"]
    assert Event.objects.filter(application=app, action="bank_approve").count() == 1


# (state, action, body, who may not, who may)
ROLE_CASES = [
    ("submitted", "withdraw", {}, "officer", "owner"),
    ("submitted", "prescreen", {}, "owner", "platform"),
    ("prescreened", "verify_ip", {}, "officer", "platform"),
    ("valued", "bank_propose", {"principal": "1000000", "annual_rate": "0.04"}, "approver", "officer"),
    ("valued", "bank_propose", {"principal": "1000000", "annual_rate": "0.04"}, "owner", "officer"),
    ("bank_approved", "underwrite", {"premium_rate": "0.01"}, "officer", "underwriter"),
    ("insured", "fund_file", {}, "underwriter", "fund_person"),
    ("fund_filed", "sign_contract", {}, "officer", "owner"),
    ("contracted", "register_pledge", {"registration_number": "Y1"}, "approver", "officer"),
    ("pledge_registered", "disburse", {}, "owner", "officer"),
]


@pytest.mark.parametrize(("state", "action", "body", "wrong", "right"), ROLE_CASES)
def test_the_wrong_role_of_a_party_is_403_the_right_one_acts(api, parties, make_app, state, action, body, wrong, right):
    app = make_app(state)
    response = act(api, getattr(parties, wrong), app, action, body)
    assert response.status_code == 403, response.json()
    assert response.json()["detail"]
    assert fresh(app).state == state
    response = act(api, getattr(parties, right), app, action, body)
    assert response.status_code == 200, response.json()


def test_an_officer_does_not_approve_and_the_borrower_does_not_value(api, parties, make_app):
    app = make_app("valued")
    act(api, parties.officer, app, "bank_propose", {"principal": "1000000", "annual_rate": "0.04"})
    terms = {"principal": "1000000", "annual_rate": "0.04"}
    assert act(api, parties.officer, app, "bank_approve", terms).status_code == 403
    plain = member_of(parties.bank)  # a plain member of the bank: neither officer nor approver
    assert act(api, plain, app, "bank_approve", terms).status_code == 403
    verified = make_app("ip_verified")
    assert act(api, parties.owner, verified, "value", {"appraised_value": "100"}).status_code == 403


def test_allowed_actions_are_those_the_caller_may_take(api, parties, make_app):
    app = make_app("valued")
    api.force_authenticate(parties.officer)
    assert set(api.get(f"{APPS}{app.pk}/").json()["allowed_actions"]) == {"bank_propose", "return", "reject"}
    api.force_authenticate(parties.approver)
    assert set(api.get(f"{APPS}{app.pk}/").json()["allowed_actions"]) == {"bank_approve", "return", "reject"}
    api.force_authenticate(parties.owner)
    assert api.get(f"{APPS}{app.pk}/").json()["allowed_actions"] == ["withdraw"]


def test_outsiders_get_404_and_anonymous_callers_401(api, parties, outsiders, make_app):
    app = make_app("valued")
    url = f"{APPS}{app.pk}/"
    for person in vars(outsiders).values():
        api.force_authenticate(person)
        assert api.get(url).status_code == 404
        for path in ("schedule/", "events/", "documents/"):
            assert api.get(url + path).status_code == 404
        assert act(api, person, app, "bank_propose", {"principal": "1", "annual_rate": "0.01"}).status_code == 404
        assert api.get(APPS).json()["count"] == 0
    api.force_authenticate(None)
    assert api.get(url).status_code == 401
    assert api.get(APPS).status_code == 401
    assert act(api, None, app, "withdraw").status_code == 401
    assert fresh(app).state == "valued"


def test_a_draft_is_seen_by_the_borrower_only_until_submitted(api, parties, make_app):
    app = make_app("draft")
    others = [
        parties.officer,
        parties.approver,
        parties.underwriter,
        parties.valuer,
        parties.fund_person,
        parties.platform,
    ]
    for person in others:
        api.force_authenticate(person)
        assert api.get(f"{APPS}{app.pk}/").status_code == 404, person
        assert api.get(APPS).json()["count"] == 0
    api.force_authenticate(parties.owner)
    assert api.get(f"{APPS}{app.pk}/").status_code == 200
    act(api, parties.owner, app, "submit")
    for person in others:
        api.force_authenticate(person)
        assert api.get(f"{APPS}{app.pk}/").json()["state"] == "submitted", person
        assert [a["id"] for a in api.get(APPS).json()["results"]] == [app.pk]


def test_mine_lists_the_borrowers_own_applications(api, parties, make_app):
    app = make_app("submitted")
    api.force_authenticate(parties.owner)
    assert [a["id"] for a in api.get(APPS, {"mine": 1}).json()["results"]] == [app.pk]
    api.force_authenticate(parties.officer)
    assert api.get(APPS).json()["count"] == 1


def test_only_the_borrower_edits_and_only_a_draft(api, parties, make_app):
    app = make_app("draft")
    api.force_authenticate(parties.owner)
    response = api.patch(f"{APPS}{app.pk}/", {"purpose": "扩大产能", "principal": "2000000"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["principal"]["amount"] == "2000000.00" and response.json()["purpose"] == "扩大产能"
    act(api, parties.owner, app, "submit")
    refused = api.patch(f"{APPS}{app.pk}/", {"purpose": "改"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "not_editable"
    api.force_authenticate(parties.officer)
    assert api.patch(f"{APPS}{app.pk}/", {"purpose": "改"}, format="json").status_code == 403
    assert fresh(app).purpose == "扩大产能"


def test_return_for_changes_then_resubmit(api, parties, make_app):
    app = make_app("ip_verified")
    assert act(api, parties.officer, app, "return", {"note": "补充材料"}).json()["state"] == "returned"
    api.force_authenticate(parties.owner)
    assert api.patch(f"{APPS}{app.pk}/", {"purpose": "补充后"}, format="json").status_code == 200
    assert act(api, parties.owner, app, "submit").json()["state"] == "submitted"


def test_who_rejects_depends_on_the_stage(api, parties, make_app):
    app = make_app("submitted")
    assert act(api, parties.officer, app, "reject").status_code == 403  # pre-screening is the platform's
    assert act(api, parties.platform, app, "reject").json()["state"] == "rejected"
    declined = make_app("bank_approved")
    assert act(api, parties.underwriter, declined, "reject", {"note": "拒保"}).json()["state"] == "rejected"
