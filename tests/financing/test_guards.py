"""Every guard of the loan workflow (docs/domain.md) answers 400 `{"detail", "code"}` through the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from djmoney.money import Money

from financing import services
from financing.models import Application, ApplicationAsset
from ipmarket.assets.services import asset_assign, asset_pledge
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory

from .conftest import APPS, act, design, fresh, refused, today, upload, utility_model

pytestmark = pytest.mark.django_db


# --- submit -------------------------------------------------------------------------------------------


def test_submit_within_every_limit_is_accepted(api, parties, make_app):
    app = make_app(principal="10000000", term_months=12, annual_rate="0.045")  # all at the programme's limits
    response = act(api, parties.owner, app, "submit")
    assert response.status_code == 200 and response.json()["state"] == "submitted"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"principal": "10000000.01"}, "principal_above_programme_max"),
        ({"term_months": 13}, "term_too_long"),
        ({"annual_rate": "0.04501"}, "rate_above_cap"),
    ],
)
def test_submit_refuses_terms_beyond_the_programme(api, parties, programme, make_app, fields, code):
    # A draft beyond the limits is refused when it is made ...
    api.force_authenticate(parties.owner)
    payload = {
        "programme": programme.pk,
        "principal": "3000000",
        "annual_rate": "0.045",
        "term_months": 12,
        "method": "equal_principal",
        "assets": [{"type": "patent", "id": PatentFactory(owner=parties.borrower).pk}],
        "lender": parties.bank.pk,
        "insurer": parties.insurer.pk,
        "appraiser": parties.appraiser.pk,
        **fields,
    }
    response = api.post(APPS, payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)
    # ... and when it is submitted after the programme's settings changed under it.
    app = make_app()
    Application.objects.filter(pk=app.pk).update(
        **{name: (Decimal(value) if name != "term_months" else value) for name, value in fields.items()}
    )
    refused(act(api, parties.owner, app, "submit"), code)
    assert fresh(app).state == "draft"


def test_submit_refuses_an_enterprise_outside_the_eligible_cities(api, parties, make_app):
    app = make_app()
    parties.borrower.city = "成都"
    parties.borrower.save()
    body = refused(act(api, parties.owner, app, "submit"), "not_eligible")
    assert "资阳" in body["detail"]


def test_submit_refuses_an_asset_the_enterprise_no_longer_owns(api, parties, make_app):
    patent = PatentFactory(owner=parties.borrower)
    app = make_app(assets=[patent])
    asset_assign(asset=patent, to=OrganisationFactory(kind="enterprise"))
    refused(act(api, parties.owner, app, "submit"), "not_owner")


def test_submit_refuses_an_application_without_assets(api, parties, make_app):
    app = make_app()
    ApplicationAsset.objects.filter(application=app).delete()
    refused(act(api, parties.owner, app, "submit"), "no_assets")


@pytest.mark.parametrize(
    ("field", "wrong_kind", "message"),
    [
        ("lender", "insurer", "不是银行"),
        ("insurer", "bank", "不是保险公司"),
        ("appraiser", "law_firm", "不是资产评估机构"),
    ],
)
def test_a_party_of_the_wrong_kind_is_refused(api, parties, make_app, field, wrong_kind, message):
    # The API takes only organisations of the right kind for each party ...
    app = make_app()
    api.force_authenticate(parties.owner)
    response = api.patch(f"{APPS}{app.pk}/", {field: OrganisationFactory(kind=wrong_kind).pk}, format="json")
    assert response.status_code == 400 and field in response.json()
    # ... and submitting refuses a party whose kind changed since it was named.
    party = getattr(parties, {"lender": "bank"}.get(field, field))
    party.kind = wrong_kind
    party.save()
    body = refused(act(api, parties.owner, app, "submit"), "wrong_party")
    assert message in body["detail"]
    assert fresh(app).state == "draft"


def test_create_refuses_someone_elses_asset(api, parties, programme):
    stranger = PatentFactory()
    api.force_authenticate(parties.owner)
    response = api.post(
        APPS,
        {
            "programme": programme.slug,
            "principal": "1000000",
            "annual_rate": "0.04",
            "term_months": 12,
            "method": "equal_instalment",
            "assets": [{"type": "patent", "id": stranger.pk}],
            "lender": parties.bank.pk,
            "insurer": parties.insurer.pk,
            "appraiser": parties.appraiser.pk,
        },
        format="json",
    )
    refused(response, "not_owner")
    assert not Application.objects.exists()


# --- verify_ip ------------------------------------------------------------------------------------------


def _lapsed_fees(owner):
    return PatentFactory(owner=owner, annual_fee_paid_until=today() - relativedelta(months=6, days=1))


def _already_pledged(owner):
    patent = PatentFactory(owner=owner)
    asset_pledge(asset=patent, pledgee=OrganisationFactory(kind="bank"))
    return patent


def _expires_before_maturity(owner):
    # An invention filed 19½ years ago ends in six months, before a 12-month loan matures.
    return PatentFactory(
        owner=owner,
        filing_date=today() - relativedelta(years=19, months=6),
        grant_date=today() - relativedelta(years=15),
    )


def _co_owned(owner):
    patent = PatentFactory(owner=owner)
    patent.co_owners.add(OrganisationFactory(kind="enterprise"))
    return patent


VERIFY_CASES = {
    "asset_not_granted": lambda o: PatentFactory(
        owner=o, legal_status="pending", grant_date=None, annual_fee_paid_until=None
    ),
    "asset_not_registered": lambda o: TrademarkFactory(owner=o, status="pending"),
    "asset_lapsed": _lapsed_fees,
    "asset_invalidated": lambda o: PatentFactory(owner=o, legal_status="invalidated"),
    "ownership_disputed": lambda o: PatentFactory(owner=o, ownership_disputed=True),
    "already_pledged": _already_pledged,
    "co_owners_required": _co_owned,
}


@pytest.mark.parametrize("code", list(VERIFY_CASES))
def test_verify_ip_refuses_an_asset_at_risk(api, parties, make_app, code):
    good = PatentFactory(owner=parties.borrower)
    app = make_app("prescreened", assets=[good, VERIFY_CASES[code](parties.borrower)])
    refused(act(api, parties.platform, app, "verify_ip"), code)
    assert fresh(app).state == "prescreened"


def test_verify_ip_refuses_an_asset_expiring_before_maturity(api, parties, make_app):
    patent = _expires_before_maturity(parties.borrower)
    app = make_app("prescreened", assets=[patent])
    body = refused(act(api, parties.platform, app, "verify_ip"), "expires_before_maturity")
    assert patent.expiry_date.isoformat() in body["detail"]
    # The same patent is fine for a loan that ends before it does.
    short = make_app("prescreened", assets=[patent], term_months=5)
    assert act(api, parties.platform, short, "verify_ip").json()["state"] == "ip_verified"


LATE = "expires_before_maturity"


@pytest.mark.parametrize(
    ("factory", "days_after_maturity", "refusal"),
    [
        # A patent's expiry date is the first day after its term: it must fall after the maturity day.
        (PatentFactory, -1, LATE),
        (PatentFactory, 0, LATE),
        (PatentFactory, 1, None),
        # A trademark's expiry date is the last day of its registration: the maturity day itself is enough.
        (TrademarkFactory, -1, LATE),
        (TrademarkFactory, 0, None),
        (TrademarkFactory, 1, None),
    ],
    ids=["patent-day-before", "patent-on-the-day", "patent-day-after", "tm-day-before", "tm-on-the-day", "tm-after"],
)
def test_verify_ip_needs_the_asset_in_force_on_the_day_the_loan_matures(
    api, parties, make_app, factory, days_after_maturity, refusal
):
    """The pledged asset's term must cover the maturity day (docs/domain.md)."""
    asset = factory(owner=parties.borrower)
    app = make_app("prescreened", assets=[asset], term_months=12)
    maturity = today() + relativedelta(months=12)  # verify_ip counts the term from the day of the check
    type(asset).objects.filter(pk=asset.pk).update(expiry_date=maturity + timedelta(days=days_after_maturity))
    response = act(api, parties.platform, app, "verify_ip")
    if refusal:
        body = refused(response, refusal)
        assert maturity.isoformat() in body["detail"]
        assert fresh(app).state == "prescreened"
    else:
        assert response.json()["state"] == "ip_verified", response.json()


def test_verify_ip_refuses_a_lapsed_patent_whatever_its_status_field_says(api, parties, make_app):
    patent = PatentFactory(owner=parties.borrower)
    patent.legal_status = "lapsed"
    patent.save()
    app = make_app("prescreened", assets=[patent])
    refused(act(api, parties.platform, app, "verify_ip"), "asset_lapsed")


def test_verify_ip_accepts_a_co_owned_asset_with_the_co_owners_consent(api, parties, make_app):
    app = make_app("prescreened", assets=[_co_owned(parties.borrower)])
    refused(act(api, parties.platform, app, "verify_ip"), "co_owners_required")
    services.document_upload(application=app, by=parties.owner, kind="co_owner_consent", upload=upload())
    assert act(api, parties.platform, app, "verify_ip").json()["state"] == "ip_verified"


# --- value ------------------------------------------------------------------------------------------------


def test_value_needs_a_valuation_report(api, parties, make_app):
    app = make_app("ip_verified")
    refused(act(api, parties.valuer, app, "value", {"appraised_value": "1000000"}), "valuation_report_required")
    services.document_upload(application=app, by=parties.valuer, kind="other", upload=upload())
    refused(act(api, parties.valuer, app, "value", {"appraised_value": "1000000"}), "valuation_report_required")


@pytest.mark.parametrize(
    ("age", "accepted"),
    [(relativedelta(months=12), True), (relativedelta(months=12, days=1), False), (relativedelta(years=2), False)],
)
def test_value_needs_a_report_at_most_12_months_old(api, parties, make_app, age, accepted):
    app = make_app("ip_verified")
    services.document_upload(
        application=app, by=parties.valuer, kind="valuation_report", upload=upload(), report_date=today() - age
    )
    response = act(api, parties.valuer, app, "value", {"appraised_value": "1000000"})
    if accepted:
        assert response.json()["state"] == "valued"
    else:
        refused(response, "valuation_report_too_old")


def test_value_cannot_claim_a_newer_date_than_the_report_uploaded(api, parties, make_app):
    """The age is that of the report on file: the appraiser cannot type a fresher date over an old report."""
    app = make_app("ip_verified")
    services.document_upload(
        application=app,
        by=parties.valuer,
        kind="valuation_report",
        upload=upload(),
        report_date=today() - relativedelta(years=2),
    )
    response = act(api, parties.valuer, app, "value", {"appraised_value": "1000000", "report_date": str(today())})
    refused(response, "valuation_report_required")  # no report on file with that date
    assert fresh(app).state == "ip_verified"


def test_value_by_anyone_but_the_named_appraiser_is_refused(api, parties, outsiders, make_app):
    app = make_app("ip_verified")
    services.document_upload(
        application=app, by=parties.valuer, kind="valuation_report", upload=upload(), report_date=today()
    )
    assert act(api, parties.owner, app, "value", {"appraised_value": "1"}).status_code == 403
    assert act(api, parties.officer, app, "value", {"appraised_value": "1"}).status_code == 403
    # Another appraisal firm is not a party: it does not even see the application.
    assert act(api, outsiders.appraiser, app, "value", {"appraised_value": "1"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.application_value(application=app, by=outsiders.appraiser, appraised_value=Decimal("1"))
    assert fresh(app).state == "ip_verified"


def test_a_second_valuation_replaces_the_first_per_asset_values(api, parties, make_app):
    """Returned after valuation and valued again in total only: the limit follows the new value."""
    a, b = PatentFactory(owner=parties.borrower), PatentFactory(owner=parties.borrower)
    values = [
        {"type": "patent", "id": a.pk, "appraised_value": "6000000"},
        {"type": "patent", "id": b.pk, "appraised_value": "4000000"},
    ]
    app = make_app("valued", assets=[a, b], appraised_value="10000000", asset_values=values)
    services.application_return(application=app, by=parties.officer)
    services.application_submit(application=app, by=parties.owner)
    services.application_prescreen(application=app, by=parties.platform)
    services.application_verify_ip(application=app, by=parties.platform)
    services.application_value(application=app, by=parties.valuer, appraised_value=Decimal("2000000"))
    app = fresh(app)
    api.force_authenticate(parties.officer)
    assert api.get(f"{APPS}{app.pk}/").json()["ltv_limit"] == "500000.00"  # 25 % of 2,000,000
    refused(
        act(api, parties.officer, app, "bank_propose", {"principal": "500000.01", "annual_rate": "0.04"}),
        "principal_above_ltv",
    )


# --- bank_propose / bank_approve --------------------------------------------------------------------------


def _propose(api, parties, app, principal, rate="0.045", by=None):
    return act(api, by or parties.officer, app, "bank_propose", {"principal": principal, "annual_rate": rate})


def test_propose_up_to_the_ltv_of_an_invention(api, parties, make_app):
    app = make_app("valued", appraised_value="20000000")  # 25 % → 5,000,000
    body = refused(_propose(api, parties, app, "5000000.01"), "principal_above_ltv")
    assert "5,000,000.00" in body["detail"]
    assert _propose(api, parties, app, "5000000.00").status_code == 200


def test_propose_up_to_the_programme_maximum(api, parties, make_app):
    app = make_app("valued", principal="10000000", appraised_value="100000000")  # LTV 25,000,000
    refused(_propose(api, parties, app, "10000000.01"), "principal_above_ltv")
    assert _propose(api, parties, app, "10000000").status_code == 200


def test_ltv_per_asset_with_the_cap_of_each_kind(api, parties, make_app):
    o = parties.borrower
    invention, utility, des, mark = PatentFactory(owner=o), utility_model(o), design(o), TrademarkFactory(owner=o)
    values = [
        {"type": "patent", "id": invention.pk, "appraised_value": "4000000"},  # 25 % → 1,000,000
        {"type": "patent", "id": utility.pk, "appraised_value": "2000000"},  # 15 % → 300,000
        {"type": "patent", "id": des.pk, "appraised_value": "1000000"},  # 15 % → 150,000
        {"type": "trademark", "id": mark.pk, "appraised_value": "1000000"},  # 50 % → 500,000
    ]
    app = make_app(
        "valued",
        assets=[invention, utility, des, mark],
        principal="1950000",
        appraised_value="8000000",
        asset_values=values,
    )
    api.force_authenticate(parties.officer)
    assert api.get(f"{APPS}{app.pk}/").json()["ltv_limit"] == "1950000.00"
    refused(_propose(api, parties, app, "1950000.01"), "principal_above_ltv")
    assert _propose(api, parties, app, "1950000.00").status_code == 200


def test_ltv_without_per_asset_values_uses_the_strictest_cap(api, parties, make_app):
    o = parties.borrower
    app = make_app("valued", assets=[PatentFactory(owner=o), utility_model(o)], appraised_value="10000000")
    refused(_propose(api, parties, app, "1500000.01"), "principal_above_ltv")  # 15 % of 10,000,000
    assert _propose(api, parties, app, "1500000").status_code == 200


def test_per_asset_values_must_add_up_to_the_total(api, parties, make_app):
    a, b = PatentFactory(owner=parties.borrower), PatentFactory(owner=parties.borrower)
    app = make_app("ip_verified", assets=[a, b])
    services.document_upload(
        application=app, by=parties.valuer, kind="valuation_report", upload=upload(), report_date=today()
    )
    values = [
        {"type": "patent", "id": a.pk, "appraised_value": "1000000"},
        {"type": "patent", "id": b.pk, "appraised_value": "1000000"},
    ]
    response = act(api, parties.valuer, app, "value", {"appraised_value": "3000000", "asset_values": values})
    refused(response, "asset_values_mismatch")
    response = act(api, parties.valuer, app, "value", {"appraised_value": "3000000", "asset_values": values[:1]})
    refused(response, "asset_values_mismatch")


def test_propose_refuses_a_rate_above_the_cap(api, parties, make_app):
    app = make_app("valued")
    refused(_propose(api, parties, app, "1000000", rate="0.04501"), "rate_above_cap")


def test_approve_needs_a_proposal(api, parties, make_app):
    app = make_app("valued")
    refused(
        act(api, parties.approver, app, "bank_approve", {"principal": "3000000", "annual_rate": "0.045"}), "no_proposal"
    )


def test_the_approver_is_never_the_proposer(api, parties, make_app):
    from tests.accounts.factories import member_of

    boss = member_of(parties.bank, role="admin")  # an admin may propose and may approve, not both
    app = make_app("valued")
    assert _propose(api, parties, app, "3000000", by=boss).status_code == 200
    terms = {"principal": "3000000", "annual_rate": "0.045"}
    refused(act(api, boss, app, "bank_approve", terms), "approver_is_proposer")
    assert act(api, parties.approver, app, "bank_approve", terms).json()["state"] == "bank_approved"


def test_approve_checks_the_terms_again(api, parties, programme, make_app):
    app = make_app("valued", appraised_value="20000000")
    assert _propose(api, parties, app, "5000000").status_code == 200
    programme.max_principal = Money("4000000", "CNY")
    programme.save()
    terms = {"principal": "5000000", "annual_rate": "0.045"}
    refused(act(api, parties.approver, app, "bank_approve", terms), "principal_above_ltv")
    programme.max_principal, programme.max_annual_rate = Money("10000000", "CNY"), Decimal("0.04")
    programme.save()
    refused(act(api, parties.approver, app, "bank_approve", terms), "rate_above_cap")


# --- underwrite, fund_file ----------------------------------------------------------------------------------


def test_underwrite_up_to_the_premium_cap(api, parties, make_app):
    app = make_app("bank_approved", principal="3000000")
    refused(act(api, parties.underwriter, app, "underwrite", {"premium_rate": "0.02001"}), "premium_above_cap")
    body = act(api, parties.underwriter, app, "underwrite", {"premium_rate": "0.02"}).json()
    assert body["state"] == "insured" and body["premium"]["amount"] == "60000.00"  # 3,000,000 × 2 % × 1 year


def test_fund_file_within_the_pool_headroom(api, parties, programme, make_app):
    programme.pool_balance = Money("500000", "CNY")  # capacity 500,000 × 10 = 5,000,000
    programme.save()
    make_app("fund_filed", principal="3000000")  # a live loan: 2,000,000 left
    too_big = make_app("insured", principal="2000000.01")
    body = refused(act(api, parties.fund_person, too_big, "fund_file"), "pool_headroom_exceeded")
    assert "2,000,000.00" in body["detail"]
    just_fits = make_app("insured", principal="2000000")
    assert act(api, parties.fund_person, just_fits, "fund_file").json()["state"] == "fund_filed"


def test_only_live_loans_use_the_pool(api, parties, programme, make_app):
    programme.pool_balance = Money("500000", "CNY")
    programme.save()
    withdrawn = make_app("fund_filed", principal="3000000")
    services.application_withdraw(application=withdrawn, by=parties.owner)
    repaid = make_app("active", principal="1000000")
    services.application_record_repayment(
        application=repaid, by=parties.officer, amount=Decimal("1000000"), paid_on=today()
    )
    assert fresh(repaid).state == "closed_repaid"
    live = make_app("active", principal="1000000")
    assert live.covered_principal.amount == Decimal("1000000")
    app = make_app("insured", principal="4000000")  # 5,000,000 − 1,000,000 live
    assert act(api, parties.fund_person, app, "fund_file").json()["state"] == "fund_filed"
    refused(act(api, parties.fund_person, make_app("insured", principal="0.01"), "fund_file"), "pool_headroom_exceeded")


# --- register_pledge, disburse -------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [None, "", "   ", "Y" * 65])
def test_register_pledge_needs_a_registration_number(api, parties, make_app, number):
    app = make_app("contracted")
    body = {} if number is None else {"registration_number": number}
    response = act(api, parties.officer, app, "register_pledge", body)
    if number is None:  # the field missing from the body: a field error
        assert response.status_code == 400 and "registration_number" in response.json(), response.json()
    else:
        refused(response, "registration_number_required")
    assert fresh(app).state == "contracted"


def test_register_pledge_refuses_an_asset_sold_since_it_was_verified(api, parties, make_app):
    """Weeks pass between the CNIPA pre-check and the registration: an asset the borrower assigned meanwhile
    (say, through the marketplace) is not pledged for its loan."""
    patent = PatentFactory(owner=parties.borrower)
    app = make_app("contracted", assets=[patent])
    buyer = OrganisationFactory(kind="enterprise")
    asset_assign(asset=patent, to=buyer)
    refused(act(api, parties.officer, app, "register_pledge", {"registration_number": "Y1"}), "not_owner")
    patent.refresh_from_db()
    assert not patent.pledged and patent.owner_id == buyer.pk
    assert fresh(app).state == "contracted"


def test_submit_refuses_a_closed_programme(api, parties, programme, make_app):
    app = make_app()
    programme.is_active = False
    programme.save()
    refused(act(api, parties.owner, app, "submit"), "programme_closed")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("premium_rate", None, "not_insured"),
        ("covered_principal", None, "not_fund_filed"),
        ("registration_number", "", "pledge_not_registered"),
    ],
)
def test_disburse_needs_insurance_filing_and_registration(api, parties, make_app, field, value, code):
    app = make_app("pledge_registered")
    Application.objects.filter(pk=app.pk).update(**{field: value})
    refused(act(api, parties.officer, app, "disburse"), code)
    assert not fresh(app).periods.exists()


# --- after a default -------------------------------------------------------------------------------------------


def test_claim_within_10_working_days_of_the_default(api, parties, defaulted):
    from financing.money import working_days_after

    app = defaulted()
    assert app.defaulted_on == today()
    assert app.claim_deadline == working_days_after(today(), 10)
    # Pretend the default was recorded 20 days ago: the deadline has passed.
    past = today() - relativedelta(days=20)
    Application.objects.filter(pk=app.pk).update(defaulted_on=past, claim_deadline=working_days_after(past, 10))
    body = refused(act(api, parties.officer, app, "submit_claim"), "claim_deadline_passed")
    assert str(working_days_after(past, 10)) in body["detail"]
    # On the last day it is still in time.
    Application.objects.filter(pk=app.pk).update(claim_deadline=today())
    assert act(api, parties.officer, app, "submit_claim").json()["state"] == "claim_submitted"
