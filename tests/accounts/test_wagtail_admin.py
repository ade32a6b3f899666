"""Wagtail admin screens for organisations and memberships."""

import pytest
from django.core.management import call_command

from ipmarket.accounts.models import Organisation
from tests.factories import valid_credit_code

pytestmark = pytest.mark.django_db

ORGS = "/admin/snippets/accounts/organisation/"
MEMBERSHIPS = "/admin/snippets/accounts/membership/"


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--with-users", verbosity=0)


def test_platform_person_lists_searches_and_filters(client, demo):
    client.login(username="platform1", password="demo12345")
    response = client.get(ORGS, {"q": "资阳天府智能装备"})
    assert response.status_code == 200
    assert "资阳天府智能装备有限公司" in response.content.decode()
    response = client.get(ORGS, {"kind": "bank"})
    html = response.content.decode()
    assert "蜀商银行股份有限公司资阳分行" in html and "资阳天府智能装备有限公司" not in html
    assert client.get(MEMBERSHIPS, {"q": "bank_approver1"}).status_code == 200


def test_platform_person_adds_an_organisation_and_a_bad_code_is_refused(client, demo):
    client.login(username="platform1", password="demo12345")
    form = {
        "name": "资阳新设专利代理事务所",
        "name_en": "",
        "kind": "patent_agency",
        "unified_social_credit_code": "91512000MA62U0000X",
        "city": "资阳",
        "district": "雁江区",
        "address": "",
        "latitude": "30.12",
        "longitude": "104.62",
        "description": "",
        "phone": "",
        "email": "",
        "website": "",
        "is_active": "on",
    }
    response = client.post(f"{ORGS}add/", form)
    assert response.status_code == 200  # the form again, with the error
    assert not Organisation.objects.filter(name="资阳新设专利代理事务所").exists()
    form["unified_social_credit_code"] = valid_credit_code(424242).lower()
    response = client.post(f"{ORGS}add/", form)
    assert response.status_code == 302
    org = Organisation.objects.get(name="资阳新设专利代理事务所")
    assert org.unified_social_credit_code == valid_credit_code(424242)


def test_enterprise_people_cannot_open_the_admin(client, demo):
    client.login(username="enterprise1", password="demo12345")
    for url in (ORGS, f"{ORGS}add/", MEMBERSHIPS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
