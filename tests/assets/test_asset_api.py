"""`/api/v1/patents/` and `/api/v1/trademarks/`: public reads, owners write, filters, validation."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.models import Patent, Trademark
from ipmarket.assets.services import asset_pledge
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory

pytestmark = pytest.mark.django_db
PATENTS, TRADEMARKS = "/api/v1/patents/", "/api/v1/trademarks/"


def patent_payload(**overrides):
    return {
        "application_number": "ZL 2019 1 " + make_application_number(2019, "1", 765432)[5:],
        "patent_type": "invention",
        "title": "一种锂电池极片涂布装置",
        "abstract": "本发明涉及锂电池制造。",
        "ipc_codes": ["h01m4/04", "B05C 5/02"],
        "filing_date": "2019-04-02",
        "grant_date": "2021-08-10",
        "legal_status": "granted",
        "annual_fee_paid_until": (timezone.localdate() + timedelta(days=100)).isoformat(),
        **overrides,
    }


def test_enterprise_member_creates_a_patent_for_their_enterprise(api, enterprise, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    response = api.post(PATENTS, patent_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["application_number"] == make_application_number(2019, "1", 765432)
    assert body["ipc_codes"] == ["H01M 4/04", "B05C 5/02"]
    assert body["expiry_date"] == "2039-04-02"
    assert body["owner"] == enterprise.pk and body["pledged"] is False
    assert body["annual_fee_state"] == "paid"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"application_number": "201910765432.0"}, "application_number"),  # wrong check character
        ({"patent_type": "design"}, "patent_type"),  # type digit 1 says invention
        ({"ipc_codes": ["H01M 4/04", "ZZZ"]}, "ipc_codes"),
        ({"grant_date": "2018-01-01"}, "grant_date"),
        ({"legal_status": "granted", "annual_fee_paid_until": None}, "annual_fee_paid_until"),
        ({"filing_date": "not a date"}, "filing_date"),
        ({"pledged": True, "expiry_date": "2099-01-01", "application_number": "x"}, "application_number"),
    ],
)
def test_bad_patents_are_field_errors_and_nothing_is_saved(api, enterprise_admin, overrides, field):
    api.force_authenticate(enterprise_admin)
    response = api.post(PATENTS, patent_payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Patent.objects.exists()


def test_read_only_fields_are_ignored(api, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    response = api.post(PATENTS, patent_payload(pledged=True, expiry_date="2099-01-01"), format="json")
    assert response.status_code == 201
    assert response.json()["pledged"] is False and response.json()["expiry_date"] == "2039-04-02"


def test_duplicate_number_is_refused_in_any_spelling(api, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    assert api.post(PATENTS, patent_payload(), format="json").status_code == 201
    again = api.post(
        PATENTS, patent_payload(application_number="CN" + make_application_number(2019, "1", 765432)), format="json"
    )
    assert again.status_code == 400 and "application_number" in again.json()


def test_who_may_write(api, enterprise, enterprise_admin):
    assert api.post(PATENTS, patent_payload(), format="json").status_code == 401
    bank_person = member_of(OrganisationFactory(kind="bank"), role="officer")
    api.force_authenticate(bank_person)
    response = api.post(PATENTS, patent_payload(), format="json")
    assert response.status_code == 400 and "owner" in response.json()  # a bank owns no IP here
    other = OrganisationFactory()
    api.force_authenticate(enterprise_admin)
    assert api.post(PATENTS, patent_payload(owner=other.pk), format="json").status_code == 403
    theirs = PatentFactory(owner=other)
    assert api.patch(f"{PATENTS}{theirs.pk}/", {"title": "x"}, format="json").status_code == 403
    mine = PatentFactory(owner=enterprise)
    response = api.patch(f"{PATENTS}{mine.pk}/", {"title": "新名称", "internal_notes": "估值待定"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "新名称"
    response = api.patch(f"{PATENTS}{mine.pk}/", {"owner": other.pk}, format="json")
    assert response.status_code == 400 and "owner" in response.json()  # only a recorded assignment changes it


def test_internal_notes_only_for_the_owner(api, enterprise, enterprise_admin):
    patent = PatentFactory(owner=enterprise, internal_notes="内部估值 300 万")
    assert "internal_notes" not in api.get(f"{PATENTS}{patent.pk}/").json()
    api.force_authenticate(enterprise_admin)
    assert api.get(f"{PATENTS}{patent.pk}/").json()["internal_notes"] == "内部估值 300 万"


def test_filters(api, enterprise, enterprise_admin):
    chengdu = OrganisationFactory(city="成都")
    a = PatentFactory(owner=enterprise, title="锂电池隔膜", ipc_codes=["H01M 50/40"])
    b = PatentFactory(
        owner=chengdu,
        application_number=make_application_number(2015, "2", 11),
        patent_type="utility_model",
        filing_date=date(2015, 1, 1),
        ipc_codes=["A01B 1/00"],
    )
    c = PatentFactory(owner=chengdu, legal_status="pending", grant_date=None, annual_fee_paid_until=None)
    ids = lambda **q: {p["id"] for p in api.get(PATENTS, q).json()["results"]}  # noqa: E731
    assert ids(q="隔膜") == {a.pk}
    assert ids(q="CN" + a.application_number) == {a.pk}
    assert ids(patent_type="utility_model") == {b.pk}
    assert ids(legal_status="pending") == {c.pk}
    assert ids(ipc="H01M") == {a.pk} and ids(ipc="h01m 50") == {a.pk}
    assert ids(city="成都") == {b.pk, c.pk}
    assert ids(owner=enterprise.pk) == {a.pk}
    api.force_authenticate(enterprise_admin)
    assert ids(mine="1") == {a.pk}
    response = api.get(PATENTS, {"patent_type": "castle"})
    assert response.status_code == 400 and list(response.json()) == ["patent_type"]


def test_patent_list_queries_are_constant(api):
    PatentFactory.create_batch(30)
    counts = []
    for size in (5, 30):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(PATENTS, {"page_size": size}).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_pledged_is_read_only_and_shown(api, enterprise):
    patent = PatentFactory(owner=enterprise)
    asset_pledge(asset=patent, pledgee=OrganisationFactory(kind="bank"))
    assert api.get(f"{PATENTS}{patent.pk}/").json()["pledged"] is True


def test_trademarks(api, enterprise, enterprise_admin):
    api.force_authenticate(enterprise_admin)
    response = api.post(
        TRADEMARKS,
        {
            "registration_number": "第 23456789 号",
            "mark_name": "蜀锦",
            "nice_classes": [42, 9, 9],
            "goods_services": "计算机软件",
            "registration_date": "2018-05-21",
            "status": "registered",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["registration_number"] == "23456789"
    assert body["nice_classes"] == [9, 42]
    assert body["expiry_date"] == "2028-05-21"
    assert body["renewal_state"] in ("not_due", "window_open")
    bad = api.post(
        TRADEMARKS,
        {"registration_number": "1", "mark_name": "x", "nice_classes": [46], "registration_date": "2018-05-21"},
        format="json",
    )
    assert bad.status_code == 400 and "nice_classes" in bad.json()
    assert Trademark.objects.count() == 1
    TrademarkFactory(mark_name="天府")
    assert {t["mark_name"] for t in api.get(TRADEMARKS, {"q": "天府"}).json()["results"]} == {"天府"}
