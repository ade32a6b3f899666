"""Wagtail admin screens for organisations and memberships."""

import pytest

from ipmarket.accounts.models import Organisation
from tests.accounts.factories import OrganisationFactory, member_of, platform_operator, valid_credit_code

pytestmark = pytest.mark.django_db

ORGS = "/admin/snippets/accounts/organisation/"
MEMBERSHIPS = "/admin/snippets/accounts/membership/"


@pytest.fixture
def people(db):
    """A platform person, an enterprise's admin and a bank's approver, by username."""
    enterprise = OrganisationFactory(kind="enterprise", name="资阳天府智能装备有限公司")
    bank = OrganisationFactory(kind="bank", name="蜀商银行股份有限公司资阳分行")
    return {
        "platform1": platform_operator(username="platform1"),
        "enterprise1": member_of(enterprise, role="admin", username="enterprise1"),
        "bank_approver1": member_of(bank, role="approver", username="bank_approver1"),
    }


def test_platform_person_lists_searches_and_filters(client, people):
    client.force_login(people["platform1"])
    response = client.get(ORGS, {"q": "资阳天府智能装备"})
    assert response.status_code == 200
    assert "资阳天府智能装备有限公司" in response.content.decode()
    response = client.get(ORGS, {"kind": "bank"})
    html = response.content.decode()
    assert "蜀商银行股份有限公司资阳分行" in html and "资阳天府智能装备有限公司" not in html
    assert client.get(MEMBERSHIPS, {"q": "bank_approver1"}).status_code == 200


def test_platform_person_adds_an_organisation_and_a_bad_code_is_refused(client, people):
    client.force_login(people["platform1"])
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


def test_enterprise_people_cannot_open_the_admin(client, people):
    client.force_login(people["enterprise1"])
    for url in (ORGS, f"{ORGS}add/", MEMBERSHIPS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
