"""A decision binds what was seen (compare-and-set): the approver decides on the terms it was shown, and a
re-proposal, a return or a resubmission in between means nothing is approved unseen."""

from decimal import Decimal

import pytest

from financing import services
from financing.models import Event

from .conftest import act, fresh, refused, today, upload

pytestmark = pytest.mark.django_db

SEEN = {"principal": "1000000", "annual_rate": "0.035"}  # what the approver reviewed


def _propose(api, parties, app, principal, rate, **extra):
    response = act(api, parties.officer, app, "bank_propose", {"principal": principal, "annual_rate": rate, **extra})
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_approver_who_reviewed_one_proposal_does_not_approve_the_next(api, parties, make_app):
    app = make_app("valued", appraised_value="20000000")
    _propose(api, parties, app, "1000000", "0.035")
    _propose(api, parties, app, "2500000", "0.045")  # re-proposed while the approver reads the first one
    body = refused(act(api, parties.approver, app, "bank_approve", SEEN), "proposal_changed", status=409)
    assert "¥2,500,000.00" in body["detail"] and "4.5%" in body["detail"]
    app = fresh(app)
    assert app.state == "valued" and app.approved_principal is None and app.approved_by is None
    assert not Event.objects.filter(application=app, action="bank_approve").exists()
    # What the approver now sees is what it approves.
    response = act(api, parties.approver, app, "bank_approve", {"principal": "2500000.00", "annual_rate": "0.04500"})
    assert response.status_code == 200, response.json()
    assert response.json()["approved_principal"]["amount"] == "2500000.00"
    assert response.json()["approved_rate"] == "0.04500"


@pytest.mark.parametrize(
    "sent",
    [
        {"principal": "1000000.01", "annual_rate": "0.035"},
        {"principal": "1000000", "annual_rate": "0.03501"},
        {"principal": {"amount": "999999.99", "currency": "CNY"}, "annual_rate": "0.035"},
        {**SEEN, "ip_share": "0.5"},
    ],
)
def test_any_difference_from_the_current_proposal_is_409(api, parties, make_app, sent):
    app = make_app("valued", appraised_value="20000000")
    _propose(api, parties, app, "1000000", "0.035")
    refused(act(api, parties.approver, app, "bank_approve", sent), "proposal_changed", status=409)
    assert fresh(app).state == "valued"


def test_the_same_terms_in_either_money_form_are_approved(api, parties, make_app):
    app = make_app("valued", appraised_value="20000000")
    _propose(api, parties, app, "1000000", "0.035", ip_share="0.6")
    sent = {"principal": {"amount": "1000000.00", "currency": "CNY"}, "annual_rate": "0.03500", "ip_share": "0.6000"}
    assert act(api, parties.approver, app, "bank_approve", sent).json()["state"] == "bank_approved"
    app = fresh(app)
    assert app.ip_share == Decimal("0.6") and app.approved_principal.amount == Decimal("1000000")


def test_a_new_ip_share_alone_is_a_new_proposal(api, parties, make_app):
    """Same principal and rate, a smaller IP share (a smaller loss base for the fund and the insurer): the
    approver who sends the share it saw is refused."""
    app = make_app("valued", appraised_value="20000000")
    _propose(api, parties, app, "1000000", "0.035")
    _propose(api, parties, app, "1000000", "0.035", ip_share="0.3")
    refused(act(api, parties.approver, app, "bank_approve", {**SEEN, "ip_share": "1"}), "proposal_changed", 409)
    # An approver that does not send the share saw the default of a proposal, 1: not this one.
    refused(act(api, parties.approver, app, "bank_approve", SEEN), "proposal_changed", 409)
    sent = {**SEEN, "ip_share": "0.3"}
    assert act(api, parties.approver, app, "bank_approve", sent).json()["ip_share"] == "0.3000"


def test_approving_without_the_terms_is_a_field_error(api, parties, make_app):
    app = make_app("valued")
    _propose(api, parties, app, "1000000", "0.035")
    response = act(api, parties.approver, app, "bank_approve")
    assert response.status_code == 400 and {"principal", "annual_rate"} <= set(response.json())
    assert fresh(app).state == "valued"


def test_a_return_clears_the_proposal(api, parties, make_app):
    app = make_app("valued")
    _propose(api, parties, app, "1000000", "0.035")
    assert act(api, parties.officer, app, "return", {"note": "补充材料"}).json()["state"] == "returned"
    app = fresh(app)
    assert (app.proposed_principal, app.proposed_rate, app.proposed_ip_share, app.proposed_by) == (None,) * 4


def test_a_resubmitted_application_is_proposed_afresh(api, parties, make_app):
    """Returned after the proposal, changed, resubmitted and valued again: the approver's terms from before
    approve nothing (there is no proposal until an officer makes one again)."""
    app = make_app("valued")
    _propose(api, parties, app, "1000000", "0.035")
    services.application_return(application=app, by=parties.platform)
    services.application_update(application=app, by=parties.owner, principal=Decimal("1200000"))
    services.application_submit(application=app, by=parties.owner)
    services.application_prescreen(application=app, by=parties.platform)
    services.application_verify_ip(application=app, by=parties.platform)
    services.document_upload(
        application=app, by=parties.valuer, kind="valuation_report", upload=upload(), report_date=today()
    )
    services.application_value(application=app, by=parties.valuer, appraised_value=Decimal("20000000"))
    assert fresh(app).proposed_by is None
    refused(act(api, parties.approver, app, "bank_approve", SEEN), "no_proposal")
    _propose(api, parties, app, "1200000", "0.035")
    assert (
        act(api, parties.approver, app, "bank_approve", {"principal": "1200000", "annual_rate": "0.035"}).json()[
            "state"
        ]
        == "bank_approved"
    )


def test_a_resubmission_itself_clears_a_proposal_left_on_the_application(parties, make_app):
    app = make_app("valued")
    services.application_bank_propose(
        application=app, by=parties.officer, principal=Decimal("1000000"), annual_rate=Decimal("0.035")
    )
    services.application_return(application=app, by=parties.platform)
    # A proposal left on a returned application (as rows written before proposals were cleared could be).
    type(app).objects.filter(pk=app.pk).update(
        proposed_principal=Decimal("1000000"), proposed_rate=Decimal("0.035"), proposed_by=parties.officer
    )
    services.application_submit(application=app, by=parties.owner)
    assert fresh(app).proposed_by is None and fresh(app).proposed_principal is None
