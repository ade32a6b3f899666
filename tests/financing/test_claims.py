"""After a default: the bank's claim, the shares of the fund, the insurer and the bank, recoveries paid back
pro rata, closing; and the disposal of the pledge by a sale through the marketplace."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from financing import money, services
from financing.models import Claim, Recovery
from ipmarket.core.errors import GuardFailed, InvalidTransition
from ipmarket.market.models import Deal
from ipmarket.market.services import deal_mark_paid
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory

from .conftest import act, fresh, refused

pytestmark = pytest.mark.django_db

D = Decimal
LISTINGS = "/api/v1/listings/"


def claimed(parties, app):
    services.application_submit_claim(application=app, by=parties.officer)
    return fresh(app)


def settled(parties, app):
    services.application_settle_claim(application=claimed(parties, app), by=parties.fund_person)
    return fresh(app)


def shares(app):
    claim = Claim.objects.get(application=app)
    return claim.loss_base, claim.fund_share, claim.insurer_share, claim.bank_share


def test_claim_within_the_deadline_then_the_fund_settles(api, parties, defaulted):
    app = defaulted(principal="3000000")
    response = act(api, parties.officer, app, "submit_claim", {"note": "逾期九十日"})
    assert response.json()["state"] == "claim_submitted"
    assert Claim.objects.get(application=app).outstanding_principal == D("3000000.00")
    assert act(api, parties.underwriter, app, "settle_claim").status_code == 403
    assert act(api, parties.fund_person, app, "settle_claim").json()["state"] == "compensated"
    # docs/financing.md's example: B = 3,000,000 → fund min(1,200,000, cap 1,000,000), insurer 1,200,000, bank the rest.
    assert shares(app) == (D("3000000.00"), D("1000000.00"), D("1200000.00"), D("800000.00"))


def test_the_loss_base_is_the_ip_share_of_the_outstanding_principal(parties, defaulted):
    app = settled(parties, defaulted(principal="3000000", ip_share=D("0.5")))
    assert shares(app) == (D("1500000.00"), D("600000.00"), D("600000.00"), D("300000.00"))


def test_the_insurer_pays_up_to_its_policy_limit(parties, programme, defaulted):
    programme.insurer_policy_limit = Money("500000", "CNY")  # the insurer may not go below the programme's limit
    programme.save()
    app = settled(parties, defaulted(principal="3000000", policy_limit=Money("500000", "CNY")))
    assert shares(app) == (D("3000000.00"), D("1000000.00"), D("500000.00"), D("1500000.00"))


def test_the_fund_pays_only_what_is_left_in_the_pool(parties, programme, defaulted):
    programme.pool_balance = Money("1500000", "CNY")
    programme.save()
    first = settled(parties, defaulted(principal="3000000"))
    assert shares(first)[1] == D("1000000.00")
    assert services.pool_available(programme) == D("500000.00")
    second = settled(parties, defaulted(principal="3000000"))
    assert shares(second) == (D("3000000.00"), D("500000.00"), D("1200000.00"), D("1300000.00"))
    assert services.pool_available(programme) == 0


def test_outstanding_principal_at_default_is_what_was_not_repaid(parties, make_app):
    from .test_servicing import first_due_days_ago

    app = first_due_days_ago(make_app("active", principal="3000000"), 95)
    services.application_record_repayment(
        application=app, by=parties.officer, amount=D("100000"), paid_on=app.periods.get(period=1).due_date
    )
    services.loans_check_overdue()
    app = settled(parties, fresh(app))
    # 100,000 paid 11,250 of interest and 88,750 of principal.
    assert shares(app)[0] == D("2911250.00")


def test_recoveries_are_paid_back_in_proportion_to_what_each_bore(api, parties, defaulted):
    app = settled(parties, defaulted(principal="3000000"))
    response = act(api, parties.officer, app, "record_recovery", {"amount": "300000"})
    assert response.json()["state"] == "in_recovery"
    first = Recovery.objects.get(application=app)
    assert (first.fund_part, first.insurer_part, first.bank_part) == (D("100000.00"), D("120000.00"), D("80000.00"))
    for amount in ("0.01", "33333.33", "0.02", "1234567.89"):
        assert act(api, parties.officer, app, "record_recovery", {"amount": amount}).status_code == 200
    recoveries = list(Recovery.objects.filter(application=app))
    for r in recoveries:
        assert r.fund_part + r.insurer_part + r.bank_part == r.amount
        assert min(r.fund_part, r.insurer_part, r.bank_part) >= 0
    total = sum(r.amount for r in recoveries)
    split = money.loss_split(
        outstanding_principal=D("3000000"),
        net_recovery=total,
        fund_ratio=D("0.4"),
        insurer_ratio=D("0.4"),
        fund_cap=D("1000000"),
        pool_headroom=D("5000000"),
    )
    assert (
        sum(r.fund_part for r in recoveries),
        sum(r.insurer_part for r in recoveries),
        sum(r.bank_part for r in recoveries),
    ) == (split.recovery_fund, split.recovery_insurer, split.recovery_bank)


def test_recoveries_beyond_the_loss_are_refused(api, parties, defaulted):
    app = settled(parties, defaulted(principal="1000000"))
    assert act(api, parties.officer, app, "record_recovery", {"amount": "400000"}).status_code == 200
    refused(act(api, parties.officer, app, "record_recovery", {"amount": "600000.01"}), "recovery_above_loss")
    assert act(api, parties.officer, app, "record_recovery", {"amount": "600000"}).status_code == 200
    refused(act(api, parties.officer, app, "record_recovery", {"amount": "0.01"}), "recovery_above_loss")
    assert sum(r.amount for r in Recovery.objects.filter(application=app)) == D("1000000.00")


def test_recoveries_return_money_to_the_pool(parties, programme, defaulted):
    app = settled(parties, defaulted(principal="3000000"))
    assert services.pool_available(programme) == D("4000000.00")
    services.application_record_recovery(application=app, by=parties.officer, amount=D("300000"))
    assert services.pool_available(programme) == D("4100000.00")


def test_close_with_a_loss_releases_the_pledge_without_giving_the_asset_to_the_bank(api, parties, defaulted):
    app = settled(parties, defaulted())
    patent = app.assets.get().patent
    assert patent.pledged and patent.pledge_enforceable
    assert act(api, parties.officer, app, "close").json()["state"] == "closed_loss"
    patent.refresh_from_db()
    assert not patent.pledged and not patent.pledge_enforceable
    assert patent.owner_id == parties.borrower.pk


def test_a_claim_is_settled_once(parties, defaulted):
    app = settled(parties, defaulted())
    with pytest.raises(InvalidTransition):
        services.application_settle_claim(application=app, by=parties.fund_person)
    with pytest.raises(GuardFailed) as refusal:
        services.application_record_recovery(application=app, by=parties.officer, amount=D("-1"))
    assert refusal.value.code == "amount_required"


def test_the_fund_may_reject_a_claim_and_nobody_is_paid(api, parties, defaulted):
    app = claimed(parties, defaulted())
    assert act(api, parties.officer, app, "reject").status_code == 403
    assert act(api, parties.fund_person, app, "reject", {"note": "材料不全"}).json()["state"] == "claim_rejected"
    claim = Claim.objects.get(application=app)
    assert claim.fund_share is None and claim.settled_at is None
    assert act(api, parties.fund_person, app, "settle_claim").status_code == 409


# --- disposal of the pledge through the marketplace -----------------------------------------------------------


def _listing(api, person, patent, deal_type="assignment", seller=None, **extra):
    api.force_authenticate(person)
    body = {
        "asset": {"type": "patent", "id": patent.pk},
        "deal_type": deal_type,
        "price": {"amount": "2000000.00", "currency": "CNY"},
        **extra,
    }
    if seller is not None:
        body["seller"] = seller.pk
    response = api.post(LISTINGS, body, format="json")
    assert response.status_code == 201, response.json()
    return api.post(f"{LISTINGS}{response.json()['id']}/actions/publish/")


def test_before_a_default_the_bank_cannot_sell_the_pledge(api, parties, make_app):
    app = make_app("active")
    patent = app.assets.get().patent
    refused(_listing(api, parties.officer, patent, seller=parties.bank), "not_owner")


def test_after_a_default_the_pledgee_bank_sells_the_pledge_and_the_buyer_owns_it(api, parties, outsiders, defaulted):
    app = defaulted()
    patent = app.assets.get().patent
    # Not the owner (no consent), not another bank, not a licence.
    refused(_listing(api, parties.owner, patent), "pledged_without_consent")
    refused(_listing(api, outsiders.bank, patent, seller=outsiders.bank.memberships.get().organisation), "not_owner")
    refused(
        _listing(api, parties.officer, patent, "exclusive_license", seller=parties.bank, term_months=36),
        "enforcement_sale_only",
    )
    refused(
        _listing(api, parties.officer, patent, "non_exclusive_license", seller=parties.bank, term_months=36),
        "enforcement_sale_only",
    )
    published = _listing(api, parties.officer, patent, seller=parties.bank)
    assert published.status_code == 200, published.json()
    listing = published.json()
    assert listing["status"] == "published" and listing["seller"] == parties.bank.pk

    buyer_org = OrganisationFactory(kind="enterprise", name="资阳收购方有限公司")
    buyer = member_of(buyer_org)
    api.force_authenticate(buyer)
    inquiry = api.post(f"{LISTINGS}{listing['id']}/inquiries/", {"message": "愿按挂牌价购买"}, format="json")
    assert inquiry.status_code == 201, inquiry.json()
    deal_url = f"/api/v1/deals/{inquiry.json()['deal']}/actions/"
    api.force_authenticate(parties.officer)
    price = listing["price"]  # the seller accepts the price the deal shows (compare-and-set)
    assert api.post(deal_url + "accept/", {"price": price}, format="json").json()["state"] == "accepted"
    deal_mark_paid(deal_id=inquiry.json()["deal"], payment_intent_id="pi_enforcement_sale")
    api.force_authenticate(parties.officer)
    recorded = api.post(deal_url + "confirm_recordal/", {"recordal_number": "ZR2026000123"}, format="json")
    assert recorded.status_code == 200, recorded.json()
    assert recorded.json()["state"] == "recorded"

    patent.refresh_from_db()
    assert patent.owner_id == buyer_org.pk != parties.bank.pk
    assert not patent.pledged and patent.pledged_to_id is None and not patent.pledge_enforceable
    assert Deal.objects.get().buyer_id == buyer_org.pk
    api.force_authenticate(None)
    assert api.get(f"/api/v1/patents/{patent.pk}/").json()["pledged"] is False
    assert fresh(app).state == "defaulted"  # the loan's case goes on: the proceeds are a recovery


def test_a_pledge_of_another_borrower_is_not_the_banks_to_sell(api, parties, outsiders, defaulted):
    """A bank sells only a pledge it holds: another defaulted loan's bank cannot list this one."""
    app = defaulted()
    patent = app.assets.get().patent
    other_patent = PatentFactory(owner=parties.borrower)
    refused(_listing(api, parties.officer, other_patent, seller=parties.bank), "not_owner")
    assert patent.pledged_to_id == parties.bank.pk
