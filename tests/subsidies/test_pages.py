"""The subsidy pages: the borrower's page with the amounts, claim buttons (asking before they act) and totals per
year; the platform's approval queue; the fund's payment queue; the totals per enterprise and year; Chinese by
default, English with the switch; refusals shown as messages; the others see nothing."""

import re
from decimal import Decimal

import pytest
from django.conf import settings

from financing.subsidies import services
from financing.subsidies.demo import seed_subsidies
from financing.subsidies.models import Subsidy
from ipmarket.core.money import cny
from tests.financing.factories import today

pytestmark = pytest.mark.django_db
HOME, APPROVALS, PAYMENTS, TOTALS = (
    "/financing/subsidies/",
    "/financing/subsidies/approvals/",
    "/financing/subsidies/payments/",
    "/financing/subsidies/totals/",
)


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def rows(loan):
    app = loan(paid=(1, 2))
    return {(s.kind, s.period): s for s in Subsidy.objects.filter(application=app)}


def page(client, user, path, status=200, **params) -> str:
    client.force_login(user)
    response = client.get(path, params)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_the_pages_need_a_signed_in_person(client):
    for path in (HOME, APPROVALS, PAYMENTS, TOTALS):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_borrower_sees_its_subsidies_and_totals(en, rows, parties):
    html = page(en, parties.owner, HOME)
    assert "¥6,250.00" in html and "¥5,729.17" in html and "¥50,000.00" in html
    per_year = {}
    for key, amount in {("interest", 1): "6250.00", ("interest", 2): "5729.17", ("premium", None): "50000.00"}.items():
        per_year[rows[key].year] = per_year.get(rows[key].year, Decimal("0")) + Decimal(amount)
    for total in per_year.values():  # 61,979.17 when the three fall in one year
        assert cny(total) in html
    for s in rows.values():
        assert f'action="/financing/subsidies/{s.pk}/claim/"' in html
    assert html.count("data-confirm=") >= 4  # each claim and "claim all" ask first
    assert "Claim all claimable" in html


def test_the_page_is_chinese_by_default(client, rows, parties):
    html = page(client, parties.owner, HOME)
    assert '<html lang="zh-hans"' in html or 'lang="zh-hans"' in html
    assert "¥6,250.00" in html


def test_claim_from_the_page_then_approve_and_pay(en, rows, parties):
    s = rows[("interest", 1)]
    en.force_login(parties.owner)
    response = en.post(f"/financing/subsidies/{s.pk}/claim/", {"next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    assert Subsidy.objects.get(pk=s.pk).state == "claimed"

    html = page(en, parties.platform, APPROVALS)
    assert f'action="/financing/subsidies/{s.pk}/approve/"' in html
    assert f'action="/financing/subsidies/{s.pk}/reject/"' in html
    assert rows[("interest", 2)].get_kind_display() in html
    en.post(f"/financing/subsidies/{s.pk}/reject/", {f"s{s.pk}-note": ""})
    assert Subsidy.objects.get(pk=s.pk).state == "claimed"  # a rejection needs a note
    en.post(f"/financing/subsidies/{s.pk}/approve/", {f"s{s.pk}-note": ""})
    assert Subsidy.objects.get(pk=s.pk).state == "approved"

    html = page(en, parties.fund_person, PAYMENTS)
    assert f'action="/financing/subsidies/{s.pk}/pay/"' in html
    assert 'type="date"' in html and "Payment reference" in html
    en.post(f"/financing/subsidies/{s.pk}/pay/", {f"s{s.pk}-paid_on": str(today()), f"s{s.pk}-reference": "ZJ-1"})
    s = Subsidy.objects.get(pk=s.pk)
    assert (s.state, s.payment_reference) == ("paid", "ZJ-1")
    assert "ZJ-1" in page(en, parties.owner, HOME)


def test_refusals_are_messages_not_errors(en, rows, parties):
    s = rows[("interest", 1)]
    en.force_login(parties.platform)
    response = en.post(f"/financing/subsidies/{s.pk}/approve/", {}, follow=True)
    assert response.status_code == 200
    assert "This is not possible now" in response.content.decode()
    en.force_login(parties.fund_person)
    response = en.post(f"/financing/subsidies/{s.pk}/claim/", {}, follow=True)
    assert response.status_code == 200 and Subsidy.objects.get(pk=s.pk).state == "claimable"


def test_others_see_nothing(en, rows, parties, outsiders):
    s = rows[("interest", 1)]
    for nobody in (outsiders.enterprise, parties.officer):
        html = page(en, nobody, HOME)
        assert "¥6,250.00" not in html and "No subsidies yet" in html
        en.force_login(nobody)
        assert en.post(f"/financing/subsidies/{s.pk}/claim/", {}).status_code == 404
    assert Subsidy.objects.get(pk=s.pk).state == "claimable"
    page(en, parties.owner, APPROVALS, status=403)
    page(en, parties.owner, PAYMENTS, status=403)
    en.force_login(parties.owner)
    assert en.get(f"/financing/subsidies/{s.pk}/claim/").status_code == 405
    assert en.post(f"/financing/subsidies/{s.pk}/steal/", {}).status_code == 404


def test_claim_all_from_the_page(en, rows, parties):
    en.force_login(parties.owner)
    response = en.post("/financing/subsidies/claim-all/", follow=True)
    assert "3 subsidies claimed." in response.content.decode()
    assert set(Subsidy.objects.values_list("state", flat=True)) == {"claimed"}
    response = en.post("/financing/subsidies/claim-all/", follow=True)
    assert "Nothing is claimable now." in response.content.decode()


def test_totals_page(en, rows, parties):
    services.subsidy_claim(subsidy=rows[("interest", 1)], by=parties.owner)
    html = page(en, parties.platform, TOTALS)
    assert parties.borrower.name in html
    assert "¥6,250.00" in html and "¥5,729.17" in html and "¥50,000.00" in html
    year = rows[("premium", None)].year
    assert parties.borrower.name in page(en, parties.fund_person, TOTALS, year=year)
    assert "No subsidies for this choice." in page(en, parties.platform, TOTALS, year=2999)
    assert "field-invalid" in page(en, parties.platform, TOTALS, status=400, year="abc")


def test_filters_and_empty_states(en, rows, parties):
    html = page(en, parties.owner, HOME, state="paid")
    assert "No subsidies yet" in html
    html = page(en, parties.owner, HOME, state="claimable", year="x")
    assert len(set(re.findall(r'id="subsidy-(\d+)"', html))) == 3
    assert "No claims wait for a decision." in page(en, parties.platform, APPROVALS)
    assert "No approved subsidies wait for payment." in page(en, parties.fund_person, PAYMENTS)


def test_the_demo_takes_some_subsidies_along_the_workflow(loan, parties, programme):
    app = loan(paid=(1, 2, 3))
    people = {"enterprise1": parties.owner, "platform1": parties.platform, "fund1": parties.fund_person}
    seed_subsidies(programme, people)
    states = sorted(Subsidy.objects.filter(application=app).values_list("state", flat=True))
    assert states == ["approved", "claimable", "claimed", "paid"]
    before = list(Subsidy.objects.order_by("pk").values_list("pk", "state"))
    seed_subsidies(programme, people)
    assert list(Subsidy.objects.order_by("pk").values_list("pk", "state")) == before
