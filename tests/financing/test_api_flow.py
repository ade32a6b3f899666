"""The whole life of a pledge loan through `/api/v1/financing/`, each step by the person whose job it is."""

from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from financing import money
from tests.assets.factories import PatentFactory

from .conftest import APPS, act, fresh, shift_loan, today, upload

pytestmark = pytest.mark.django_db


def _ok(response, state):
    body = response.json()
    assert response.status_code == 200, body
    assert body["state"] == state, body
    return body


def test_happy_path_from_draft_to_pledge_released(api, parties, programme):
    p = parties
    patent = PatentFactory(owner=p.borrower)
    patent_url = f"/api/v1/patents/{patent.pk}/"

    api.force_authenticate(p.owner)
    created = api.post(
        APPS,
        {
            "programme": programme.pk,
            "principal": {"amount": "5000000.00", "currency": "CNY"},
            "annual_rate": "0.045",
            "term_months": 12,
            "method": "equal_principal",
            "purpose": "流动资金周转",
            "assets": [{"type": "patent", "id": patent.pk}],
            "lender": p.bank.pk,
            "insurer": p.insurer.pk,
            "appraiser": p.appraiser.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    app = created.json()
    assert app["state"] == "draft" and app["applicant"] == p.borrower.pk
    assert app["assets"][0]["type"] == "patent" and app["assets"][0]["id"] == patent.pk
    pk = app["id"]

    _ok(act(api, p.owner, pk, "submit"), "submitted")
    _ok(act(api, p.platform, pk, "prescreen", {"note": "材料齐全"}), "prescreened")
    _ok(act(api, p.platform, pk, "verify_ip"), "ip_verified")

    # The valuation report travels with the value itself (multipart).
    report_date = today() - relativedelta(days=10)
    valued = _ok(
        act(
            api,
            p.valuer,
            pk,
            "value",
            {"appraised_value": "20000000", "report_date": report_date.isoformat(), "report": upload()},
            format="multipart",
        ),
        "valued",
    )
    assert valued["appraised_value"] == {"amount": "20000000.00", "currency": "CNY"}
    assert valued["valuation_report_date"] == report_date.isoformat()
    assert valued["ltv_limit"] == "5000000.00"  # an invention patent: 25 %

    proposed = _ok(
        act(
            api,
            p.officer,
            pk,
            "bank_propose",
            {"principal": {"amount": "5000000.00", "currency": "CNY"}, "annual_rate": "0.045"},
        ),
        "valued",
    )
    assert proposed["proposed_principal"]["amount"] == "5000000.00"
    terms = {"principal": {"amount": "5000000.00", "currency": "CNY"}, "annual_rate": "0.045"}  # as proposed
    approved = _ok(act(api, p.approver, pk, "bank_approve", terms), "bank_approved")
    assert approved["approved_principal"]["amount"] == "5000000.00" and approved["approved_rate"] == "0.04500"
    insured = _ok(act(api, p.underwriter, pk, "underwrite", {"premium_rate": "0.015"}), "insured")
    assert insured["premium"]["amount"] == "75000.00"  # 5,000,000 × 1.5 % × 1 year
    filed = _ok(act(api, p.fund_person, pk, "fund_file"), "fund_filed")
    assert filed["covered_principal"]["amount"] == "5000000.00"
    _ok(act(api, p.owner, pk, "sign_contract"), "contracted")

    api.force_authenticate(None)
    assert api.get(patent_url).json()["pledged"] is False
    registered = _ok(
        act(api, p.officer, pk, "register_pledge", {"registration_number": "Y2026510000123"}), "pledge_registered"
    )
    assert registered["registration_number"] == "Y2026510000123"
    api.force_authenticate(None)
    assert api.get(patent_url).json()["pledged"] is True

    active = _ok(act(api, p.officer, pk, "disburse"), "active")
    assert active["disbursed_on"] == today().isoformat()
    assert active["outstanding_principal"] == "5000000.00"
    api.force_authenticate(p.owner)
    schedule = api.get(f"{APPS}{pk}/schedule/").json()
    assert len(schedule) == 12
    assert [row["period"] for row in schedule] == list(range(1, 13))
    assert schedule[0]["payment"] == "435416.67"  # docs/financing.md's example
    assert sum(Decimal(row["interest"]) for row in schedule) == Decimal("121875.00")
    assert schedule[0]["due_date"] == (today() + relativedelta(months=1)).isoformat()
    assert schedule[-1]["balance"] == "0.00"

    # A year passes (the dates are moved back rather than waited for); each instalment is paid on its day.
    shift_loan(fresh(pk), today() - relativedelta(months=12))
    schedule = api.get(f"{APPS}{pk}/schedule/").json()
    for row in schedule[:-1]:
        body = _ok(
            act(api, p.officer, pk, "record_repayment", {"amount": row["payment"], "paid_on": row["due_date"]}),
            "active",
        )
    assert body["outstanding_principal"] == schedule[-1]["principal"]
    last = schedule[-1]
    _ok(
        act(api, p.officer, pk, "record_repayment", {"amount": last["payment"], "paid_on": last["due_date"]}),
        "closed_repaid",
    )
    api.force_authenticate(p.owner)
    paid = api.get(f"{APPS}{pk}/schedule/").json()
    assert all(row["settled_on"] == row["due_date"] and row["penalty"] == "0.00" for row in paid)
    api.force_authenticate(None)
    assert api.get(patent_url).json()["pledged"] is True  # until the bank releases it

    released = _ok(act(api, p.officer, pk, "release_pledge"), "pledge_released")
    assert released["allowed_actions"] == []
    api.force_authenticate(None)
    assert api.get(patent_url).json()["pledged"] is False

    api.force_authenticate(p.fund_person)  # every party reads the audit trail
    events = api.get(f"{APPS}{pk}/events/").json()
    assert [(e["action"], e["actor"]) for e in events] == [
        ("create", "borrower1"),
        ("submit", "borrower1"),
        ("prescreen", "platform1"),
        ("verify_ip", "platform1"),
        ("value", "appraiser1"),
        ("bank_propose", "officer1"),
        ("bank_approve", "approver1"),
        ("underwrite", "insurer1"),
        ("fund_file", "fund1"),
        ("sign_contract", "borrower1"),
        ("register_pledge", "officer1"),
        ("disburse", "officer1"),
        *[("record_repayment", "officer1")] * 12,
        ("release_pledge", "officer1"),
    ]
    assert set(events[0]) == {"at", "actor", "action", "from_state", "to_state", "note"}
    assert events[0]["from_state"] == "" and events[0]["to_state"] == "draft"
    for before, after in zip(events, events[1:], strict=False):
        assert after["from_state"] == before["to_state"], after
        assert after["at"] >= before["at"]
    assert events[2]["note"] == "材料齐全"
    assert [e["to_state"] for e in events if e["from_state"] != e["to_state"]] == [
        "draft",
        "submitted",
        "prescreened",
        "ip_verified",
        "valued",
        "bank_approved",
        "insured",
        "fund_filed",
        "contracted",
        "pledge_registered",
        "active",
        "closed_repaid",
        "pledge_released",
    ]


def test_valuation_report_uploaded_separately_then_valued(api, parties, make_app):
    app = make_app("ip_verified")
    api.force_authenticate(parties.valuer)
    response = api.post(
        f"{APPS}{app.pk}/documents/",
        {"kind": "valuation_report", "report_date": today().isoformat(), "file": upload()},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    valued = _ok(act(api, parties.valuer, app, "value", {"appraised_value": "8000000"}), "valued")
    assert valued["valuation_report_date"] == today().isoformat()
    assert valued["assets"][0]["appraised_value"] == "8000000.00"


def test_schedule_matches_the_quote_for_every_method(api, parties, make_app):
    """The loan's schedule is the one `financing/quote/` shows for the same terms."""
    for method in ("equal_instalment", "equal_principal", "interest_only"):
        app = make_app("active", method=method, principal="2400000", annual_rate="0.0435", term_months=6)
        api.force_authenticate(parties.officer)
        rows = api.get(f"{APPS}{app.pk}/schedule/").json()
        quote = api.post(
            "/api/v1/financing/quote/",
            {"principal": "2400000", "annual_rate": "0.0435", "months": 6, "method": method},
            format="json",
        ).json()
        assert [(r["principal"], r["interest"], r["payment"], r["balance"]) for r in rows] == [
            (q["principal"], q["interest"], q["payment"], q["balance"]) for q in quote["schedule"]
        ]
        expected = money.schedule(Decimal("2400000"), Decimal("0.0435"), 6, method, start=today())
        assert [r["due_date"] for r in rows] == [p.due_date.isoformat() for p in expected]
