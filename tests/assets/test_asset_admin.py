"""Wagtail admin screens for patents and trademarks (platform people)."""

import pytest
from django.core.management import call_command

from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.models import Patent, Trademark

pytestmark = pytest.mark.django_db
PATENTS, TRADEMARKS = "/admin/snippets/assets/patent/", "/admin/snippets/assets/trademark/"


@pytest.fixture
def platform(client):
    call_command("seed_demo", "--with-users", verbosity=0)
    client.login(username="platform1", password="demo12345")
    return client


def test_search_and_filters(platform):
    patent = Patent.objects.filter(legal_status="granted").first()
    assert patent.title in platform.get(PATENTS, {"q": patent.application_number}).content.decode()
    lapsed_page = platform.get(PATENTS, {"legal_status": "lapsed"}).content.decode()
    assert all(p.application_number in lapsed_page for p in Patent.objects.filter(legal_status="lapsed")[:5])
    mark = Trademark.objects.first()
    assert mark.mark_name in platform.get(TRADEMARKS, {"q": mark.registration_number}).content.decode()
    assert platform.get(f"{PATENTS}inspect/{patent.pk}/").status_code == 200


def test_add_validates_the_number_and_computes_the_expiry(platform):
    owner = Patent.objects.first().owner
    form = {
        "application_number": "ZL 2020 1 " + make_application_number(2020, "1", 4242)[5:],
        "patent_type": "utility_model",  # the type digit says invention
        "title": "一种后台录入的装置",
        "abstract": "",
        "filing_date": "2020-05-06",
        "grant_date": "2022-01-04",
        "legal_status": "granted",
        "annual_fee_paid_until": "2027-05-06",
        "owner": owner.pk,
        "internal_notes": "",
    }
    response = platform.post(f"{PATENTS}add/", form)
    assert response.status_code == 200 and not Patent.objects.filter(title="一种后台录入的装置").exists()
    form["patent_type"] = "invention"
    response = platform.post(f"{PATENTS}add/", form)
    assert response.status_code == 302
    created = Patent.objects.get(title="一种后台录入的装置")
    assert created.application_number == make_application_number(2020, "1", 4242)
    assert created.expiry_date.isoformat() == "2040-05-06" and created.pledged is False
