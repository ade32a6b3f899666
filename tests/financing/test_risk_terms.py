"""Risk parameters within the programme: every number that changes how a loss is shared is checked against
the programme, set only by the party that owns it, and frozen once the bank approves."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from djmoney.money import Money

from financing import services
from financing.models import Claim, Programme
from tests.assets.factories import PatentFactory

from .conftest import APPS, act, fresh, refused

pytestmark = pytest.mark.django_db
D = Decimal


def settle(parties, app):
    services.application_submit_claim(application=app, by=parties.officer)
    services.application_settle_claim(application=app, by=parties.fund_person)
    claim = Claim.objects.get(application=app)
    return claim.loss_base, claim.fund_share, claim.insurer_share, claim.bank_share


# --- the insurer's policy limit ----------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "0.00", "1", "1199999.99"])
def test_a_policy_limit_that_cuts_the_insurers_share_is_refused(api, parties, make_app, limit):
    """3,000,000 approved, insurer ratio 40 %: the insurer may owe up to 1,200,000; a lower limit (0, as
    accepted before) would shift its share onto the bank."""
    app = make_app("bank_approved", principal="3000000")
    body = {"premium_rate": "0.015", "policy_limit": limit}
    refused(act(api, parties.underwriter, app, "underwrite", body), "policy_limit_below_programme")
    assert fresh(app).state == "bank_approved" and fresh(app).policy_limit is None


def test_a_policy_limit_covering_the_insurers_share_is_accepted(api, parties, make_app):
    app = make_app("bank_approved", principal="3000000")
    body = {"premium_rate": "0.015", "policy_limit": "1200000"}
    response = act(api, parties.underwriter, app, "underwrite", body)
    assert response.status_code == 200, response.json()
    assert response.json()["policy_limit"]["amount"] == "1200000.00"


def test_the_minimum_follows_the_ip_share_and_the_programmes_own_limit(api, parties, programme, make_app):
    half = make_app("bank_approved", principal="3000000", ip_share="0.5")  # insurer at most 40 % × 1,500,000
    refused(
        act(api, parties.underwriter, half, "underwrite", {"premium_rate": "0.01", "policy_limit": "599999.99"}),
        "policy_limit_below_programme",
    )
    ok = act(api, parties.underwriter, half, "underwrite", {"premium_rate": "0.01", "policy_limit": "600000"})
    assert ok.status_code == 200
    programme.insurer_policy_limit = Money("500000", "CNY")
    programme.save()
    capped = make_app("bank_approved", principal="3000000")  # the programme itself caps the insurer at 500,000
    refused(
        act(api, parties.underwriter, capped, "underwrite", {"premium_rate": "0.01", "policy_limit": "499999"}),
        "policy_limit_below_programme",
    )
    ok = act(api, parties.underwriter, capped, "underwrite", {"premium_rate": "0.01", "policy_limit": "500000"})
    assert ok.status_code == 200


def test_without_a_limit_the_programmes_limit_of_the_approval_applies(api, parties, programme, make_app):
    programme.insurer_policy_limit = Money("800000", "CNY")
    programme.save()
    app = make_app("bank_approved", principal="3000000")
    programme.insurer_policy_limit = Money("100000", "CNY")  # changed after the approval
    programme.save()
    body = act(api, parties.underwriter, app, "underwrite", {"premium_rate": "0.01"}).json()
    assert body["policy_limit"]["amount"] == "800000.00" and body["programme_policy_limit"]["amount"] == "800000.00"


def test_only_the_insurer_sets_the_policy_limit(api, parties, make_app):
    app = make_app("bank_approved", principal="3000000")
    for person in (parties.officer, parties.owner, parties.fund_person):
        response = act(api, person, app, "underwrite", {"premium_rate": "0.01", "policy_limit": "5000000"})
        assert response.status_code == 403
    assert fresh(app).policy_limit is None


# --- the IP share of the collateral: the bank's -----------------------------------------------------------


def _application_body(parties, programme, **extra):
    patent = PatentFactory(owner=parties.borrower)
    return {
        "programme": programme.pk,
        "principal": "1000000",
        "annual_rate": "0.04",
        "term_months": 12,
        "method": "equal_principal",
        "assets": [{"type": "patent", "id": patent.pk}],
        "lender": parties.bank.pk,
        "insurer": parties.insurer.pk,
        "appraiser": parties.appraiser.pk,
        **extra,
    }


def test_the_borrower_does_not_set_the_ip_share(api, parties, programme):
    """A borrower's IP share of 0.0001 would leave the fund and the insurer almost nothing to share; the
    applications API ignores it on create and on edit."""
    api.force_authenticate(parties.owner)
    response = api.post(APPS, _application_body(parties, programme, ip_share="0.0001"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["ip_share"] == "1.0000"
    url = f"{APPS}{response.json()['id']}/"
    assert api.patch(url, {"ip_share": "0.5"}, format="json").json()["ip_share"] == "1.0000"
    with pytest.raises(ValidationError) as refusal:  # nor through the service
        services.application_update(application=fresh(response.json()["id"]), by=parties.owner, ip_share=D("0.5"))
    assert list(refusal.value.message_dict) == ["ip_share"]


def test_the_officer_proposes_the_ip_share_and_the_approval_fixes_it(api, parties, make_app):
    app = make_app("valued")
    body = {"principal": "3000000", "annual_rate": "0.045", "ip_share": "0.5"}
    assert act(api, parties.officer, app, "bank_propose", body).json()["proposed_ip_share"] == "0.5000"
    assert fresh(app).ip_share == D("1")  # not the loan's until approved
    approved = act(api, parties.approver, app, "bank_approve", body).json()
    assert approved["ip_share"] == "0.5000"


# --- the loss-sharing terms are frozen at approval ---------------------------------------------------------


def test_a_later_change_of_the_programme_does_not_change_the_split_of_an_approved_loan(parties, programme, defaulted):
    app = defaulted(principal="3000000")
    assert (app.fund_ratio, app.insurer_ratio, app.fund_cap_per_loan.amount) == (D("0.4"), D("0.4"), D("1000000"))
    services.programme_update(
        programme=programme,
        by=parties.platform,
        fund_ratio=D("0.1"),
        insurer_ratio=D("0.1"),
        fund_cap_per_loan=Money("50000", "CNY"),
        insurer_policy_limit=Money("1", "CNY"),
    )
    # Approved on 40 % / 40 %, cap 1,000,000, no policy limit: B = 3,000,000 → fund 1,000,000, insurer 1,200,000.
    assert settle(parties, fresh(app)) == (D("3000000.00"), D("1000000.00"), D("1200000.00"), D("800000.00"))


def test_a_loan_approved_after_the_change_is_shared_on_the_new_terms(parties, programme, defaulted):
    services.programme_update(programme=programme, by=parties.platform, fund_ratio=D("0.3"), insurer_ratio=D("0.3"))
    app = defaulted(principal="1000000")
    assert settle(parties, app) == (D("1000000.00"), D("300000.00"), D("300000.00"), D("400000.00"))


# --- the programme's own settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fund_ratio": D("0.5"), "insurer_ratio": D("0.4")}, "insurer_ratio"),  # the bank would bear 10 %
        ({"fund_ratio": D("1.2")}, "fund_ratio"),
        ({"insurer_ratio": D("-0.1")}, "insurer_ratio"),
        ({"fund_cap_per_loan": Money("0", "CNY")}, "fund_cap_per_loan"),
        ({"insurer_policy_limit": Money("0", "CNY")}, "insurer_policy_limit"),
        ({"max_principal": Money("0", "CNY")}, "max_principal"),
        ({"pool_balance": Money("-1", "CNY")}, "pool_balance"),
        ({"pool_leverage": D("0")}, "pool_leverage"),
        ({"max_annual_rate": D("0")}, "max_annual_rate"),
        ({"max_term_months": 0}, "max_term_months"),
        ({"max_term_months": 361}, "max_term_months"),
        ({"ltv_invention": D("1.5")}, "ltv_invention"),
        ({"default_after_days": 3}, "default_after_days"),  # not after the grace days
        ({"fund_cap_per_loan": Money("1000", "USD")}, "fund_cap_per_loan"),
    ],
)
def test_programme_settings_outside_the_rules_are_refused(parties, programme, change, field):
    with pytest.raises(ValidationError) as refusal:
        services.programme_update(programme=programme, by=parties.platform, **change)
    assert field in refusal.value.message_dict
    stored = Programme.objects.get(pk=programme.pk)
    assert (stored.fund_ratio, stored.insurer_ratio, stored.pool_leverage) == (D("0.4"), D("0.4"), D("10"))


def test_only_platform_people_change_a_programme(parties, programme):
    for person in (parties.fund_person, parties.officer, parties.owner):
        with pytest.raises(PermissionDenied):
            services.programme_update(programme=programme, by=person, pool_leverage=D("100"))
    assert Programme.objects.get(pk=programme.pk).pool_leverage == D("10")
    updated = services.programme_update(programme=programme, by=parties.platform, pool_leverage=D("8"))
    assert updated.pool_leverage == D("8")
