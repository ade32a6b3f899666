"""Each document kind is uploaded only by its party and only in the states where it makes sense
(`financing.policies.DOCUMENTS`), checked by `document_upload` under the application's row lock; the page
offers only the kinds the person may upload now."""

import re

import pytest
from django.conf import settings

from financing import services
from financing.models import Document

from .conftest import APPS, PDF, today, upload

pytestmark = pytest.mark.django_db


def post(api, person, app, kind, **fields):
    api.force_authenticate(person)
    body = {"kind": kind, "file": upload(PDF, "doc.pdf"), **fields}
    return api.post(f"{APPS}{app.pk}/documents/", body, format="multipart")


# (state, kind, who may, who may not)
BY_PARTY = [
    ("ip_verified", "valuation_report", "valuer", ["owner", "officer", "underwriter", "platform"]),
    ("bank_approved", "insurance_policy", "underwriter", ["owner", "officer", "valuer", "fund_person"]),
    ("fund_filed", "loan_contract", "officer", ["underwriter", "valuer", "fund_person", "platform"]),
    ("fund_filed", "pledge_contract", "owner", ["underwriter", "valuer"]),
    ("contracted", "registration_form", "officer", ["underwriter", "fund_person"]),
    ("pledge_registered", "registration_certificate", "owner", ["valuer", "platform"]),
    ("submitted", "identity", "owner", ["officer", "underwriter", "valuer", "fund_person", "platform"]),
    ("prescreened", "power_of_attorney", "owner", ["officer", "platform"]),
    ("submitted", "co_owner_consent", "owner", ["officer", "platform"]),
]


@pytest.mark.parametrize(("state", "kind", "right", "wrong"), BY_PARTY)
def test_each_kind_is_uploaded_by_its_party_only(api, parties, make_app, state, kind, right, wrong):
    app = make_app(state)
    extra = {"report_date": str(today())} if kind == "valuation_report" else {}
    for person in wrong:
        response = post(api, getattr(parties, person), app, kind, **extra)
        assert response.status_code == 403, (person, response.json())
    response = post(api, getattr(parties, right), app, kind, **extra)
    assert response.status_code == 201, response.json()
    assert list(Document.objects.filter(application=app, kind=kind).values_list("uploaded_by", flat=True)) == [
        getattr(parties, right).pk
    ]


# (kind, who, a state where it makes no sense)
OUT_OF_TIME = [
    ("valuation_report", "valuer", "submitted"),  # the IP is not verified yet
    ("valuation_report", "valuer", "valued"),  # a report typed in after the valuation
    ("insurance_policy", "underwriter", "valued"),  # before the bank approved
    ("loan_contract", "officer", "valued"),
    ("registration_certificate", "officer", "active"),
    ("identity", "owner", "ip_verified"),  # after the IP check it relied on
    ("co_owner_consent", "owner", "valued"),
]


@pytest.mark.parametrize(("kind", "who", "state"), OUT_OF_TIME)
def test_a_kind_outside_its_states_is_409(api, parties, make_app, kind, who, state):
    app = make_app(state)
    before = Document.objects.filter(application=app).count()
    response = post(api, getattr(parties, who), app, kind, report_date=str(today()))
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "invalid_transition" and kind not in response.json()["allowed"]
    assert Document.objects.filter(application=app).count() == before


def test_other_documents_while_the_application_is_open_only(api, parties, make_app):
    app = make_app("submitted")
    for person in ("owner", "officer", "underwriter", "valuer", "fund_person", "platform"):
        assert post(api, getattr(parties, person), app, "other").status_code == 201, person
    services.application_withdraw(application=app, by=parties.owner)
    assert post(api, parties.owner, app, "other").status_code == 409


def test_the_page_offers_the_kinds_the_person_may_upload_now(client, parties, make_app):
    app = make_app("ip_verified")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = f"/financing/applications/{app.pk}/"

    def kinds(person):
        client.force_login(person)
        html = client.get(page).content.decode()
        select = re.search(r'<select name="kind".*?</select>', html, re.S)
        return set(re.findall(r'<option value="([a-z_]+)"', select.group(0))) if select else set()

    assert kinds(parties.valuer) == {"valuation_report", "other"}
    assert kinds(parties.owner) == {"other"}
    client.force_login(parties.owner)
    response = client.post(page, {"action": "upload", "kind": "identity", "file": upload(PDF, "id.pdf")})
    assert response.status_code == 400  # a stale page: refused with a message, never a 500
    assert "The document was not uploaded" in response.content.decode()
    assert not Document.objects.filter(application=app, kind="identity").exists()
    services.application_withdraw(application=app, by=parties.owner)
    assert kinds(parties.owner) == set()
    assert 'value="upload"' not in client.get(page).content.decode()
