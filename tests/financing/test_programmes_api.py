"""Open endpoints: programmes and their settings, the repayment quote, the loss split."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from financing import money, services
from financing.models import Programme

pytestmark = pytest.mark.django_db

PROGRAMMES, QUOTE = "/api/v1/financing/programmes/", "/api/v1/financing/quote/"
SETTINGS = [  # every column of a programme but the bookkeeping ones (money's currency travels in the money)
    f.name
    for f in Programme._meta.get_fields()
    if f.concrete and f.name not in ("id", "created_at", "updated_at") and not f.name.endswith("_currency")
]


def test_programmes_are_public_with_their_slug_and_every_setting(api, programme):
    response = api.get(PROGRAMMES)  # anonymous
    assert response.status_code == 200
    assert response.json()["count"] == 1
    body = response.json()["results"][0]
    assert set(SETTINGS) <= set(body), set(SETTINGS) - set(body)
    assert body["slug"] == "ziyang-ip-pledge" and body["eligible_cities"] == ["资阳"]
    assert body["max_principal"] == {"amount": "10000000.00", "currency": "CNY"}
    assert body["max_term_months"] == 12 and body["max_annual_rate"] == "0.04500"
    assert (body["premium_rate_cap"], body["interest_subsidy_rate"], body["premium_subsidy_ratio"]) == (
        "0.02000",
        "0.01500",
        "0.50000",
    )
    assert (body["ltv_invention"], body["ltv_utility_model"], body["ltv_design"], body["ltv_trademark"]) == (
        "0.25000",
        "0.15000",
        "0.15000",
        "0.50000",
    )
    assert (body["fund_ratio"], body["insurer_ratio"], body["bank_ratio"]) == ("0.40000", "0.40000", "0.20000")
    assert body["fund_cap_per_loan"]["amount"] == "1000000.00" and body["insurer_policy_limit"] is None
    assert body["pool_balance"]["amount"] == "5000000.00" and body["pool_leverage"] == "10.00"
    assert (body["overdue_grace_days"], body["default_after_days"], body["claim_deadline_working_days"]) == (3, 90, 10)
    assert body["penalty_rate_markup"] == "0.50000"
    assert body["pool"]["capacity"] == "50000000.00" and body["pool"]["headroom"] == "50000000.00"
    assert api.get(f"{PROGRAMMES}{programme.pk}/").json()["slug"] == "ziyang-ip-pledge"
    assert api.get(PROGRAMMES, {"slug": "ziyang-ip-pledge"}).json()["count"] == 1
    assert api.get(PROGRAMMES, {"slug": "nowhere"}).json()["count"] == 0


def test_programmes_are_read_only(api, parties, programme):
    api.force_authenticate(parties.platform)
    assert api.patch(f"{PROGRAMMES}{programme.pk}/", {"max_term_months": 36}, format="json").status_code == 405
    assert api.post(PROGRAMMES, {"slug": "x"}, format="json").status_code == 405


def test_the_pool_shows_exposure_of_live_loans(api, make_app, programme):
    make_app("fund_filed", principal="3000000")
    body = api.get(f"{PROGRAMMES}{programme.pk}/").json()
    assert body["pool"]["exposure"] == "3000000.00" and body["pool"]["headroom"] == "47000000.00"
    assert body["pool"]["live_loans"] == 1


# --- quote ------------------------------------------------------------------------------------------------------


def test_quote_of_domain_example(api):
    body = {"principal": "5000000", "annual_rate": "0.045", "months": 12, "method": "equal_principal"}
    response = api.post(QUOTE, body, format="json")
    assert response.status_code == 200, response.json()
    quote = response.json()
    assert set(quote) == {"schedule", "total_interest", "total_payment"}
    assert len(quote["schedule"]) == 12
    assert set(quote["schedule"][0]) == {"period", "principal", "interest", "payment", "balance"}
    assert quote["schedule"][0] == {
        "period": 1,
        "principal": "416666.67",
        "interest": "18750.00",
        "payment": "435416.67",
        "balance": "4583333.33",
    }
    assert quote["total_interest"] == "121875.00" and quote["total_payment"] == "5121875.00"
    assert quote["schedule"][-1]["balance"] == "0.00"


@pytest.mark.parametrize("method", ["equal_instalment", "interest_only"])
def test_quote_of_other_methods_is_the_money_schedule(api, method):
    body = {"principal": "1000000.00", "annual_rate": "0.0435", "months": "24", "method": method}
    quote = api.post(QUOTE, body, format="json").json()
    expected = money.schedule(Decimal("1000000.00"), Decimal("0.0435"), 24, method)
    assert [row["payment"] for row in quote["schedule"]] == [f"{p.payment:.2f}" for p in expected]
    assert quote["total_interest"] == f"{money.totals(expected)[0]:.2f}"


GOOD = {"principal": "5000000", "annual_rate": "0.045", "months": 12, "method": "equal_principal"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("principal", "abc"),
        ("principal", "-1"),
        ("principal", "0"),
        ("principal", "100.001"),
        ("principal", "NaN"),
        ("principal", "Infinity"),
        ("principal", None),
        ("principal", [1]),
        ("annual_rate", "abc"),
        ("annual_rate", "-0.01"),
        ("annual_rate", "1"),
        ("annual_rate", "4.5"),
        ("annual_rate", "0.0450001"),
        ("annual_rate", "NaN"),
        ("months", 0),
        ("months", 1000),
        ("months", -1),
        ("months", "twelve"),
        ("months", 1.5),
        ("method", "balloon"),
        ("method", ""),
        ("method", None),
    ],
)
def test_bad_quote_input_is_a_field_error(api, field, value):
    response = api.post(QUOTE, {**GOOD, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_quote_without_fields_or_with_bad_json_is_400(api):
    response = api.post(QUOTE, {}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"principal", "annual_rate", "months", "method"}
    response = api.post(QUOTE, "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"
    response = api.post(
        QUOTE,
        '{"principal": NaN, "annual_rate": "0.04", "months": 12, "method": "equal_principal"}',
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "parse_error"  # NaN is not JSON


# --- loss split ---------------------------------------------------------------------------------------------------


def test_loss_split_of_domain_example(api, programme):
    url = f"{PROGRAMMES}{programme.pk}/loss-split/"
    response = api.post(url, {"outstanding_principal": "3000000", "net_recovery": "300000"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "loss_base": "3000000.00",
        "fund": "1000000.00",
        "insurer": "1200000.00",
        "bank": "800000.00",
        "recovery": {"fund": "100000.00", "insurer": "120000.00", "bank": "80000.00"},
        "final": {"fund": "900000.00", "insurer": "1080000.00", "bank": "720000.00"},
    }
    without_recovery = api.post(url, {"outstanding_principal": "3000000"}, format="json").json()
    assert without_recovery["recovery"] == {"fund": "0.00", "insurer": "0.00", "bank": "0.00"}
    assert without_recovery["final"] == {"fund": "1000000.00", "insurer": "1200000.00", "bank": "800000.00"}


def test_loss_split_uses_the_programmes_settings(api, programme):
    programme.fund_ratio, programme.insurer_ratio = Decimal("0.3"), Decimal("0.3")
    programme.fund_cap_per_loan, programme.insurer_policy_limit = Money("5000000", "CNY"), Money("500000", "CNY")
    programme.save()
    body = api.post(
        f"{PROGRAMMES}{programme.pk}/loss-split/",
        {"outstanding_principal": "2000000", "ip_share": "0.5"},
        format="json",
    ).json()
    assert (body["loss_base"], body["fund"], body["insurer"], body["bank"]) == (
        "1000000.00",
        "300000.00",
        "300000.00",
        "400000.00",
    )
    body = api.post(f"{PROGRAMMES}{programme.pk}/loss-split/", {"outstanding_principal": "3000000"}, format="json")
    assert body.json()["insurer"] == "500000.00"  # the policy limit


def test_loss_split_is_limited_by_money_left_in_the_pool(api, parties, programme, defaulted):
    programme.pool_balance = Money("1200000", "CNY")
    programme.save()
    app = defaulted(principal="3000000")
    services.application_submit_claim(application=app, by=parties.officer)
    services.application_settle_claim(application=app, by=parties.fund_person)  # the fund pays 1,000,000
    body = api.post(f"{PROGRAMMES}{programme.pk}/loss-split/", {"outstanding_principal": "3000000"}, format="json")
    assert body.json()["fund"] == "200000.00"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("outstanding_principal", "abc"),
        ("outstanding_principal", "-1"),
        ("outstanding_principal", "1.001"),
        ("outstanding_principal", "NaN"),
        ("ip_share", "0"),
        ("ip_share", "1.5"),
        ("ip_share", "x"),
        ("net_recovery", "-5"),
        ("net_recovery", "0.001"),
    ],
)
def test_bad_loss_split_input_is_a_field_error(api, programme, field, value):
    body = {"outstanding_principal": "3000000", field: value}
    response = api.post(f"{PROGRAMMES}{programme.pk}/loss-split/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_loss_split_of_an_unknown_programme_is_404(api):
    assert api.post(f"{PROGRAMMES}999999/loss-split/", {"outstanding_principal": "1"}, format="json").status_code == 404
