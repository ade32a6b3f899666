"""The API answers bad input with 400 (field errors or `{"detail", "code"}`), unknown things with 404, and
never with a 500."""

import pytest

from financing.models import Application

from .conftest import APPS, act, fresh

pytestmark = pytest.mark.django_db


# action → (the state it is taken from, who takes it, [(bad body, the field named in the 400)])
BAD_BODIES = {
    "bank_propose": (
        "valued",
        "officer",
        [
            ({"principal": "abc", "annual_rate": "0.04"}, "principal"),
            ({"principal": 1.5, "annual_rate": "0.04"}, "principal"),
            ({"principal": "1e20", "annual_rate": "0.04"}, "principal"),
            ({"principal": {"amount": "1", "currency": "USD"}, "annual_rate": "0.04"}, "principal"),
            ({"principal": "1000", "annual_rate": "4.5%"}, "annual_rate"),
            ({"principal": "1000"}, "annual_rate"),
            ({"principal": "1000", "annual_rate": "0.04", "ip_share": "1.5"}, "ip_share"),
            ({"principal": "1000", "annual_rate": "0.04", "ip_share": "0"}, "ip_share"),
            ({"principal": "1000", "annual_rate": "0.04", "ip_share": "0.12345"}, "ip_share"),
        ],
    ),
    "bank_approve": (
        "valued",
        "approver",
        [
            ({}, "principal"),
            ({"principal": "3000000"}, "annual_rate"),
            ({"annual_rate": "0.045"}, "principal"),
            ({"principal": "abc", "annual_rate": "0.045"}, "principal"),
            ({"principal": "3000000", "annual_rate": "4.5%"}, "annual_rate"),
            ({"principal": "3000000", "annual_rate": "0.045", "ip_share": "2"}, "ip_share"),
        ],
    ),
    "underwrite": (
        "bank_approved",
        "underwriter",
        [
            ({"premium_rate": "1.5"}, "premium_rate"),
            ({"premium_rate": "-0.01"}, "premium_rate"),
            ({"premium_rate": None}, "premium_rate"),
        ],
    ),
    "record_repayment": (
        "active",
        "officer",
        [
            ({"amount": -1, "paid_on": "2026-01-01"}, "amount"),
            ({"amount": "0", "paid_on": "2026-01-01"}, "amount"),
            ({"amount": "10.001", "paid_on": "2026-01-01"}, "amount"),
            ({"amount": "NaN", "paid_on": "2026-01-01"}, "amount"),
            ({"amount": "100", "paid_on": "yesterday"}, "paid_on"),
            ({"amount": "100", "paid_on": "2026-02-30"}, "paid_on"),
            ({"amount": "100"}, "paid_on"),
        ],
    ),
    "value": (
        "ip_verified",
        "valuer",
        [
            ({"appraised_value": "lots"}, "appraised_value"),
            ({"appraised_value": "100", "report_date": "soon"}, "report_date"),
            ({"appraised_value": "100", "asset_values": [{"type": "car"}]}, "asset_values"),
            ({"appraised_value": "100", "asset_values": "all"}, "asset_values"),
        ],
    ),
    "register_pledge": ("contracted", "officer", [({"registration_number": ["Y1"]}, "registration_number")]),
    "prescreen": ("submitted", "platform", [({"note": {"text": "x"}}, "note"), ({"note": "长" * 2001}, "note")]),
}


@pytest.mark.parametrize("action", list(BAD_BODIES))
def test_wrong_types_in_action_bodies_are_field_errors(api, parties, make_app, action):
    state, who, cases = BAD_BODIES[action]
    app = make_app(state)
    for body, field in cases:
        response = act(api, getattr(parties, who), app, action, body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), (body, response.json())
    assert fresh(app).state == state
    assert not fresh(app).events.filter(action=action).exists()


def test_malformed_bodies_are_400(api, parties, make_app):
    app = make_app("submitted")
    api.force_authenticate(parties.platform)
    url = f"{APPS}{app.pk}/actions/prescreen/"
    for body, key in [
        ("{not json", "code"),  # not JSON: a parse error
        ("[1, 2]", "non_field_errors"),  # JSON, but not an object
        ('"note"', "non_field_errors"),
        (b"\xff\xfe", "code"),  # not UTF-8
    ]:
        response = api.post(url, body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
        assert key in response.json(), (body, response.json())
        if key == "code":
            assert response.json()["code"] == "parse_error", (body, response.json())
    assert api.post(url, "note=x", content_type="text/plain").status_code == 415
    assert fresh(app).state == "submitted"


def test_unknown_actions_and_ids_are_404(api, parties, make_app):
    app = make_app("submitted")
    response = act(api, parties.platform, app, "approve_everything")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert act(api, parties.platform, app, "Prescreen").status_code == 404
    api.force_authenticate(parties.platform)
    assert api.post(f"{APPS}{app.pk}/actions/").status_code == 404
    assert api.get(f"{APPS}abc/").status_code == 404
    assert api.get(f"{APPS}99999999/").status_code == 404
    assert api.post(f"{APPS}99999999/actions/prescreen/").status_code == 404
    assert api.get(f"{APPS}{app.pk}/documents/abc/").status_code == 404
    assert api.get(f"{APPS}{app.pk}/documents/99999999/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"programme": 99999999}, "programme"),
        ({"programme": "no-such-programme"}, "programme"),
        ({"programme": "zi\x00yang"}, "programme"),
        ({"principal": "-5"}, "principal"),
        ({"principal": "abc"}, "principal"),
        ({"principal": None}, "principal"),
        ({"annual_rate": "2"}, "annual_rate"),
        ({"term_months": 0}, "term_months"),
        ({"term_months": "twelve"}, "term_months"),
        ({"term_months": 100000}, "term_months"),
        ({"method": "balloon"}, "method"),
        ({"assets": []}, "assets"),
        ({"assets": "patent 1"}, "assets"),
        ({"assets": [1]}, "assets"),
        ({"assets": [{"type": "car", "id": 1}]}, "assets"),
        ({"assets": [{"type": "patent", "id": "x"}]}, "assets"),
        ({"assets": [{"type": "patent", "id": 99999999}]}, "assets"),
        ({"assets": [{"type": "patent"}]}, "assets"),
        ({"lender": "bank"}, "lender"),
        ({"insurer": 99999999}, "insurer"),
    ],
)
def test_bad_applications_are_field_errors(api, parties, programme, change, field):
    from tests.assets.factories import PatentFactory

    patent = PatentFactory(owner=parties.borrower)
    body = {
        "programme": programme.pk,
        "principal": "1000000",
        "annual_rate": "0.04",
        "term_months": 12,
        "method": "equal_principal",
        "assets": [{"type": "patent", "id": patent.pk}],
        "lender": parties.bank.pk,
        "insurer": parties.insurer.pk,
        "appraiser": parties.appraiser.pk,
    }
    api.force_authenticate(parties.owner)
    response = api.post(APPS, {**body, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Application.objects.exists()


def test_parties_of_the_wrong_kind_are_refused(api, parties, programme):
    from tests.assets.factories import PatentFactory

    patent = PatentFactory(owner=parties.borrower)
    api.force_authenticate(parties.owner)
    body = {
        "programme": programme.pk,
        "principal": "1000000",
        "annual_rate": "0.04",
        "term_months": 12,
        "method": "equal_principal",
        "assets": [{"type": "patent", "id": patent.pk}],
        "lender": parties.insurer.pk,
        "insurer": parties.bank.pk,
        "appraiser": parties.fund.pk,
    }
    response = api.post(APPS, body, format="json")
    assert response.status_code == 400 and {"lender", "insurer", "appraiser"} <= set(response.json())


def test_only_enterprise_people_apply(api, parties, programme):
    from tests.assets.factories import PatentFactory

    patent = PatentFactory(owner=parties.borrower)
    api.force_authenticate(parties.officer)
    body = {
        "programme": programme.pk,
        "principal": "1000000",
        "annual_rate": "0.04",
        "term_months": 12,
        "method": "equal_principal",
        "assets": [{"type": "patent", "id": patent.pk}],
        "lender": parties.bank.pk,
        "insurer": parties.insurer.pk,
        "appraiser": parties.appraiser.pk,
    }
    response = api.post(APPS, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "applicant_required"
