"""`/api/v1/financing/valuations/`: a member of a panel appraiser records a report; its members, platform
people and the parties of an application using it read it; anyone else gets 404. The list's queries do not
grow with its rows. And the appraiser's reports page."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from rest_framework.test import APIClient

from financing.models import ValuationReport
from financing.valuations import STANDARD_VERSION
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.querycount import Baselines, api_as, api_count

from .conftest import fresh, today
from .factories import admit_to_panel

pytestmark = pytest.mark.django_db
URL = "/api/v1/financing/valuations/"
BASELINES = Baselines(__file__)


def body(programme, assets, **fields):
    return {
        "programme": programme.slug,
        "assets": [{"type": a.asset_type, "id": a.pk} for a in assets],
        "method": "income",
        "value": "5000000",
        "value_date": str(today() - timedelta(days=3)),
        "parameters": {"discount_rate": "0.12"},
        "reference": "R-7",
        **fields,
    }


def post(api, user, data):
    api.force_authenticate(user)
    return api.post(URL, data, format="json")


def test_a_panel_appraiser_records_a_report(api, parties, programme):
    patent, mark = PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)
    data = body(programme, [patent, mark])
    data["assets"][0]["value"], data["assets"][1]["value"] = "3000000.00", "2000000.00"
    response = post(api, parties.valuer, data)
    assert response.status_code == 201, response.json()
    got = response.json()
    assert got["appraiser"] == parties.appraiser.pk and got["programme"] == programme.pk
    assert got["standard"] == STANDARD_VERSION and got["method"] == "income"
    assert got["value"] == {"amount": "5000000.00", "currency": "CNY"}
    assert got["valid_until"] == str(today() - timedelta(days=3) + relativedelta(years=1))
    assert got["assets"] == [
        {"type": "patent", "id": patent.pk, "value": "3000000.00"},
        {"type": "trademark", "id": mark.pk, "value": "2000000.00"},
    ]
    assert api.get(f"{URL}{got['id']}/").json() == got


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        # Dates as days from today, read when the test runs (not when it is collected, which may be the day before).
        ({"value_date": 1}, "value_date_in_future"),
        ({"valid_until": 400}, "validity_too_long"),
        ({"value_date": -400}, "valuation_expired"),
        ({"standard": "IPV-1999"}, "standard_unknown"),
        ({"value": "0"}, "value_required"),
    ],
)
def test_a_report_keeps_the_standard(api, parties, programme, fields, code):
    fields = {
        name: str(today() + timedelta(days=value)) if name in ("value_date", "valid_until") else value
        for name, value in fields.items()
    }
    response = post(api, parties.valuer, body(programme, [PatentFactory(owner=parties.borrower)], **fields))
    assert response.status_code == 400 and response.json()["code"] == code, response.json()
    assert not ValuationReport.objects.exists()


def test_values_per_asset_add_up(api, parties, programme):
    patent, mark = PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)
    data = body(programme, [patent, mark])
    data["assets"][0]["value"] = "5000000"  # the other has none
    assert post(api, parties.valuer, data).json()["code"] == "asset_values_mismatch"
    data["assets"][1]["value"] = "1"
    assert post(api, parties.valuer, data).json()["code"] == "asset_values_mismatch"
    assert not ValuationReport.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"assets": []},
        {"assets": [{"type": "car", "id": 1}]},
        {"assets": [{"type": "patent", "id": 10**12}]},
        {"method": "guess"},
        {"value": 12.5},
        {"parameters": [1]},
        {"value_date": "yesterday"},
        {"reference": "x" * 65},
        {"programme": "no-such-programme"},
    ],
)
def test_bad_input_is_a_field_error(api, parties, programme, data):
    response = post(api, parties.valuer, {**body(programme, [PatentFactory(owner=parties.borrower)]), **data})
    assert response.status_code == 400 and set(data) <= set(response.json()), response.json()


def test_only_a_member_of_a_panel_appraiser_records(api, parties, outsiders, programme):
    data = body(programme, [PatentFactory(owner=parties.borrower)])
    off_panel = member_of(OrganisationFactory(kind="appraiser"))
    assert post(api, off_panel, data).json()["code"] == "appraiser_not_on_panel"
    assert post(api, parties.officer, data).json()["code"] == "appraiser_required"
    assert post(api, off_panel, {**data, "appraiser": parties.appraiser.pk}).status_code == 403
    assert post(api, None, data).status_code in (401, 403)
    assert not ValuationReport.objects.exists()


def test_who_reads_a_report(api, parties, outsiders, programme, make_app):
    app = make_app("valued", appraised_value="20000000")
    report = app.valuation
    lone = ValuationReport.objects.get(
        pk=post(api, parties.valuer, body(programme, [app.assets.get().patent])).json()["id"]
    )
    other_firm = OrganisationFactory(kind="appraiser")
    admit_to_panel(programme, other_firm)
    stranger = member_of(other_firm)
    seen = {
        parties.valuer: {report.pk, lone.pk},
        parties.platform: {report.pk, lone.pk},
        parties.owner: {report.pk},
        parties.officer: {report.pk},
        parties.underwriter: {report.pk},
        parties.fund_person: {report.pk},
        outsiders.bank: set(),
        outsiders.enterprise: set(),
        outsiders.appraiser: set(),
        stranger: set(),
    }
    for person, ids in seen.items():
        api.force_authenticate(person)
        assert {r["id"] for r in api.get(URL).json()["results"]} == ids, person
        for pk in (report.pk, lone.pk):
            assert api.get(f"{URL}{pk}/").status_code == (200 if pk in ids else 404), person
    api.force_authenticate(None)
    assert api.get(f"{URL}{report.pk}/").status_code in (401, 403)


def test_the_list_does_not_grow_with_its_reports(parties, programme):
    client = api_as(parties.valuer)

    def add(n):
        for _ in range(n):
            client.post(
                URL,
                body(programme, [PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)]),
                format="json",
            )

    add(2)
    BASELINES.check(f"GET {URL} as appraiser", lambda: client.get(URL), rows=api_count, grow=lambda: add(3))


@pytest.fixture
def en(client, settings):
    """A client that chose English (assertions on the English source strings)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_reports_page(en, parties, programme, make_app):
    client = en
    app = make_app("valued", appraised_value="20000000")
    ValuationReport.objects.filter(pk=app.valuation_id).update(valid_until=today() + timedelta(days=5))
    client.force_login(parties.valuer)
    html = client.get("/financing/valuations/").content.decode()
    assert "Panel valuation reports" in html and "Expires soon" in html and "¥20,000,000.00" in html
    client.force_login(member_of(OrganisationFactory(kind="appraiser")))
    html = client.get("/financing/valuations/").content.decode()
    assert "No valuation reports yet." in html and "¥20,000,000.00" not in html
    client.logout()
    assert client.get("/financing/valuations/").status_code == 302


def test_the_value_form_offers_the_reports_to_reuse(en, parties, programme, make_app):
    client = en
    patent = PatentFactory(owner=parties.borrower)
    data = body(programme, [patent])
    report = ValuationReport.objects.get(pk=post(APIClient(), parties.valuer, data).json()["id"])
    other = ValuationReport.objects.get(
        pk=post(APIClient(), parties.valuer, body(programme, [PatentFactory(owner=parties.borrower)])).json()["id"]
    )
    app = make_app("ip_verified", assets=[patent])
    page = f"/financing/applications/{app.pk}/"
    client.force_login(parties.valuer)
    html = client.get(page).content.decode()
    assert '<label for="id_value-valuation">Reuse a valid panel report</label>' in html
    assert f'<option value="{report.pk}">' in html and f'<option value="{other.pk}">' not in html  # other assets
    assert "Upload the valuation report first." not in html  # reusing needs no upload
    assert client.post(page, {"action": "value", "value-valuation": str(report.pk)}).status_code == 302
    assert fresh(app).valuation == report and fresh(app).state == "valued"


def test_without_a_report_to_reuse_the_form_asks_for_a_new_value(en, parties, make_app):
    client = en
    app = make_app("ip_verified")
    client.force_login(parties.valuer)
    html = client.get(f"/financing/applications/{app.pk}/").content.decode()
    assert "id_value-valuation" not in html and "Upload the valuation report first." in html
