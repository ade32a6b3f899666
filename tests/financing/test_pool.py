"""The fund's capacity after a loss: headroom follows the money actually left in the pool. One function
(financing/pool.py) computes it for the fund_file guard, the fund's dashboard, the programme API's `pool`,
the nightly snapshot and the statistics."""

from decimal import Decimal

import pytest
from django.conf import settings
from djmoney.money import Money

from cms.statistics.compute import programmes_standing
from financing import services
from financing.models import PoolSnapshot

from .conftest import act, fresh, refused

pytestmark = pytest.mark.django_db
D = Decimal
PROGRAMMES = "/api/v1/financing/programmes/"


def figures(api, programme) -> dict:
    """The pool as every reader shows it; they must agree."""
    standing = services.pool_standing(programme)
    api.force_authenticate(None)
    pool = api.get(f"{PROGRAMMES}{programme.pk}/").json()["pool"]
    [statistics] = programmes_standing()
    services.pool_snapshot()
    snapshot = PoolSnapshot.objects.get(programme=programme)
    for key in ("capacity", "exposure", "headroom"):
        assert pool[key] == f"{standing[key]:.2f}" == statistics[key] == f"{getattr(snapshot, key):.2f}", key
    return {key: standing[key] for key in ("capacity", "exposure", "headroom", "available")}


def test_loans_a_claim_paid_recoveries_returned_new_loans_refused_then_allowed(
    api, parties, programme, defaulted, make_app
):
    programme.pool_balance = Money("500000", "CNY")  # leverage 10: capacity 5,000,000
    programme.save()

    loan = defaulted(principal="3000000")  # filed, disbursed, in default: still live
    assert figures(api, programme) == {
        "capacity": D("5000000.00"),
        "exposure": D("3000000.00"),
        "headroom": D("2000000.00"),
        "available": D("500000.00"),
    }

    services.application_submit_claim(application=loan, by=parties.officer)
    services.application_settle_claim(application=fresh(loan), by=parties.fund_person)
    assert fresh(loan).claim.fund_share == D("500000.00")  # min(40 % × 3,000,000, cap 1,000,000, 500,000 left)
    # Nothing is left in the pool: it covers nothing more (before, the headroom jumped to 5,000,000).
    assert figures(api, programme) == {
        "capacity": D("0.00"),
        "exposure": D("0"),
        "headroom": D("0.00"),
        "available": D("0.00"),
    }
    new = make_app("insured", principal="1000000")
    body = refused(act(api, parties.fund_person, new, "fund_file"), "pool_headroom_exceeded")
    assert "¥0.00" in body["detail"]
    refused(act(api, parties.fund_person, make_app("insured", principal="0.01"), "fund_file"), "pool_headroom_exceeded")

    # The bank recovers 600,000 from the pledge: the fund bore 500,000 of 3,000,000, so 100,000 comes back.
    services.application_record_recovery(application=fresh(loan), by=parties.officer, amount=D("600000"))
    assert figures(api, programme) == {
        "capacity": D("1000000.00"),
        "exposure": D("0"),
        "headroom": D("1000000.00"),
        "available": D("100000.00"),
    }
    refused(
        act(api, parties.fund_person, make_app("insured", principal="1000000.01"), "fund_file"),
        "pool_headroom_exceeded",
    )
    assert act(api, parties.fund_person, new, "fund_file").json()["state"] == "fund_filed"
    assert figures(api, programme)["headroom"] == D("0.00")


def test_a_pool_paid_out_with_live_loans_left_is_over_committed_and_files_nothing(
    api, parties, programme, defaulted, make_app
):
    programme.pool_balance = Money("500000", "CNY")
    programme.save()
    make_app("fund_filed", principal="1500000")  # another live loan
    loan = defaulted(principal="2000000")
    services.application_submit_claim(application=loan, by=parties.officer)
    services.application_settle_claim(application=fresh(loan), by=parties.fund_person)  # the fund pays 500,000
    pool = figures(api, programme)
    assert pool["capacity"] == D("0.00") and pool["exposure"] == D("1500000.00")
    assert pool["headroom"] == D("-1500000.00")
    refused(act(api, parties.fund_person, make_app("insured", principal="1"), "fund_file"), "pool_headroom_exceeded")


def test_the_fund_dashboard_shows_capacity_on_the_money_left(client, api, parties, programme, defaulted):
    programme.pool_balance = Money("500000", "CNY")
    programme.save()
    loan = defaulted(principal="3000000")
    services.application_submit_claim(application=loan, by=parties.officer)
    services.application_settle_claim(application=fresh(loan), by=parties.fund_person)
    client.force_login(parties.fund_person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/financing/").content.decode()
    assert 'data-pool="capacity">¥0.00 <span class="meta">money left ¥0.00 × leverage 10' in html
    assert 'data-pool="headroom">¥0.00' in html and 'data-pool="claims_paid">¥500,000.00' in html
