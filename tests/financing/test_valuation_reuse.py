"""The application's `value` action under the valuation standard: a new value records a panel report (refused
when the appraiser is not on the panel); a valid panel report on the same assets is reused instead of a new
valuation, and every way a reuse is refused; the loan-to-value check counts only a valid panel report; the
reminder of a report about to expire."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from djmoney.money import Money

from financing import notices, services
from financing.models import Application, PanelAppraiser, ValuationReport
from financing.valuations import STANDARD_VERSION
from ipmarket.accounts.models import Membership
from ipmarket.notifications.models import Notification
from ipmarket.notifications.services import notifications_create
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory

from .conftest import act, fresh, refused, today, upload
from .factories import admit_to_panel

pytestmark = pytest.mark.django_db


def report_of(app) -> ValuationReport:
    return fresh(app).valuation


def new_report(parties, programme, assets, *, value="20000000", value_date=None, **fields):
    """A report of the parties' appraiser (on the panel) on `assets` (assets or (asset, value) pairs)."""
    pairs = [a if isinstance(a, tuple) else (a, None) for a in assets]
    return services.valuation_create(
        by=parties.valuer,
        programme=programme,
        assets=pairs,
        method=fields.pop("method", "income"),
        value=Decimal(value),
        value_date=value_date or today() - timedelta(days=10),
        **fields,
    )


def verified(make_app, parties, assets):
    return make_app("ip_verified", assets=assets)


# --- a new value is a panel report ---------------------------------------------------------------------------


def test_a_new_value_records_a_panel_report(api, parties, make_app):
    patent, mark = PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)
    app = make_app("ip_verified", assets=[patent, mark])
    date = today() - timedelta(days=30)
    services.document_upload(
        application=app, by=parties.valuer, kind="valuation_report", upload=upload(), report_date=date
    )
    body = {
        "appraised_value": "3000000",
        "asset_values": [
            {"type": "patent", "id": patent.pk, "appraised_value": "2000000"},
            {"type": "trademark", "id": mark.pk, "appraised_value": "1000000"},
        ],
        "method": "income",
        "parameters": {"discount_rate": "0.12", "years": 5},
        "reference": "川评报字〔2026〕第12号",
    }
    response = act(api, parties.valuer, app, "value", body)
    assert response.status_code == 200, response.json()
    report = report_of(app)
    assert (report.method, report.value, report.value_date) == ("income", Money("3000000", "CNY"), date)
    assert report.valid_until == date + relativedelta(years=1) and report.standard == STANDARD_VERSION
    assert report.parameters == {"discount_rate": "0.12", "years": 5} and report.reference == "川评报字〔2026〕第12号"
    assert {(a.patent_id, a.trademark_id, a.value) for a in report.assets.all()} == {
        (patent.pk, None, Decimal("2000000")),
        (None, mark.pk, Decimal("1000000")),
    }
    assert report.appraiser == parties.appraiser and report.programme == app.programme


def test_the_older_body_records_a_market_report_on_the_uploaded_date(make_app):
    app = make_app("valued", appraised_value="8000000", report_date=today() - timedelta(days=40))
    report = report_of(app)
    assert report.method == "market" and report.value_date == today() - timedelta(days=40)
    assert report.value.amount == Decimal("8000000") and app.appraised_value.amount == Decimal("8000000")
    assert [a.value for a in report.assets.all()] == [None]


def test_a_new_value_is_refused_when_the_appraiser_is_not_on_the_panel(api, parties, make_app):
    app = make_app("ip_verified")
    PanelAppraiser.objects.filter(appraiser=parties.appraiser).update(valid_until=today() - timedelta(days=1))
    services.document_upload(
        application=app, by=parties.valuer, kind="valuation_report", upload=upload(), report_date=today()
    )
    refused(act(api, parties.valuer, app, "value", {"appraised_value": "1000000"}), "appraiser_not_on_panel")
    app = fresh(app)
    assert app.state == "ip_verified" and app.valuation is None and not ValuationReport.objects.exists()


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"valid_until": str(today() + relativedelta(years=2))}, "validity_too_long"),
        ({"valid_until": str(today() - timedelta(days=200))}, "valid_until_before_value_date"),
        ({"method": "guess"}, None),
        ({"valuation": 1}, None),  # not both
    ],
)
def test_a_new_report_keeps_the_standard(api, parties, make_app, extra, code):
    app = make_app("ip_verified")
    services.document_upload(
        application=app,
        by=parties.valuer,
        kind="valuation_report",
        upload=upload(),
        report_date=today() - timedelta(days=100),
    )
    response = act(api, parties.valuer, app, "value", {"appraised_value": "1000000", **extra})
    if code:
        refused(response, code)
    else:
        assert response.status_code == 400
    assert fresh(app).state == "ip_verified" and not ValuationReport.objects.exists()


# --- reuse ---------------------------------------------------------------------------------------------------


def test_a_valid_report_on_the_same_assets_is_reused(api, parties, programme, make_app):
    patent, mark = PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)
    report = new_report(
        parties, programme, [(patent, Decimal("12000000")), (mark, Decimal("8000000"))], reference="R-1"
    )
    app = make_app("ip_verified", assets=[patent, mark])
    assert not app.documents.filter(kind="valuation_report").exists()  # no upload needed
    response = act(api, parties.valuer, app, "value", {"valuation": report.pk, "note": "仍然有效"})
    assert response.status_code == 200, response.json()
    app = fresh(app)
    assert app.state == "valued" and app.valuation == report
    assert app.appraised_value == report.value and app.valuation_report_date == report.value_date
    assert sorted(a.appraised_value for a in app.assets.all()) == [Decimal("8000000"), Decimal("12000000")]
    event = app.events.get(action="value")
    # "The appraiser confirms that panel valuation report #N still stands …", in the request's language
    assert f"报告 #{report.pk} 仍然有效并予以沿用" in event.note and event.note.endswith("仍然有效")
    assert ValuationReport.objects.count() == 1  # nothing new recorded
    # The same report serves another application on the same assets once the first is gone.
    services.application_withdraw(application=app, by=parties.owner)
    again = make_app("ip_verified", assets=[mark, patent])
    assert act(api, parties.valuer, again, "value", {"valuation": report.pk}).status_code == 200
    assert fresh(again).valuation == report


def test_a_reused_report_without_values_per_asset_leaves_none(api, parties, programme, make_app):
    patent, mark = PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)
    report = new_report(parties, programme, [patent, mark])
    app = make_app("ip_verified", assets=[patent, mark])
    assert act(api, parties.valuer, app, "value", {"valuation": report.pk}).status_code == 200
    assert [a.appraised_value for a in fresh(app).assets.all()] == [None, None]


def _other_appraisers_report(parties, programme, patent):
    other = OrganisationFactory(kind="appraiser")
    admit_to_panel(programme, other)
    person = member_of(other)
    report = services.valuation_create(
        by=person,
        programme=programme,
        assets=[(patent, None)],
        method="cost",
        value=Decimal("1000000"),
        value_date=today(),
    )
    return report, person


def test_reuse_refused_for_a_report_the_caller_cannot_see(api, parties, programme, make_app):
    patent = PatentFactory(owner=parties.borrower)
    report, _person = _other_appraisers_report(parties, programme, patent)
    app = make_app("ip_verified", assets=[patent])
    refused(act(api, parties.valuer, app, "value", {"valuation": report.pk}), "valuation_not_found")
    refused(act(api, parties.valuer, app, "value", {"valuation": 10**9}), "valuation_not_found")
    assert fresh(app).state == "ip_verified"


def test_reuse_refused_for_a_report_of_another_appraiser_the_caller_also_belongs_to(api, parties, programme, make_app):
    patent = PatentFactory(owner=parties.borrower)
    report, person = _other_appraisers_report(parties, programme, patent)
    app = make_app("ip_verified", assets=[patent])
    Membership.objects.create(user=person, organisation=parties.appraiser, role="member")  # of both firms
    person = type(person).objects.get(pk=person.pk)  # its memberships read afresh
    refused(act(api, person, app, "value", {"valuation": report.pk}), "valuation_other_appraiser")


def test_reuse_refused_for_a_report_of_another_programme(api, parties, programme, make_app):
    patent = PatentFactory(owner=parties.borrower)
    other = type(programme).objects.create(slug="other", name="其他项目", risk_fund=programme.risk_fund)
    admit_to_panel(other, parties.appraiser)
    report = new_report(parties, other, [patent])
    app = make_app("ip_verified", assets=[patent])
    refused(act(api, parties.valuer, app, "value", {"valuation": report.pk}), "valuation_other_programme")


@pytest.mark.parametrize("change", ["fewer", "more", "other"])
def test_reuse_refused_when_the_assets_differ(api, parties, programme, make_app, change):
    patent, mark = PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)
    reported = {"fewer": [patent], "more": [patent, mark, PatentFactory(owner=parties.borrower)], "other": [mark]}
    report = new_report(parties, programme, reported[change])
    app = make_app("ip_verified", assets=[patent, mark] if change != "other" else [patent])
    refused(act(api, parties.valuer, app, "value", {"valuation": report.pk}), "valuation_assets_differ")


def test_reuse_refused_once_the_report_expired(api, parties, programme, make_app):
    patent = PatentFactory(owner=parties.borrower)
    report = new_report(parties, programme, [patent], value_date=today() - timedelta(days=100))
    ValuationReport.objects.filter(pk=report.pk).update(valid_until=today() - timedelta(days=1))
    app = make_app("ip_verified", assets=[patent])
    refused(act(api, parties.valuer, app, "value", {"valuation": report.pk}), "valuation_expired")
    ValuationReport.objects.filter(pk=report.pk).update(valid_until=today())  # its last valid day
    assert act(api, parties.valuer, app, "value", {"valuation": report.pk}).status_code == 200


def test_reuse_refused_when_the_appraiser_left_the_panel(api, parties, programme, make_app):
    patent = PatentFactory(owner=parties.borrower)
    report = new_report(parties, programme, [patent])
    app = make_app("ip_verified", assets=[patent])
    admission = PanelAppraiser.objects.get(programme=programme, appraiser=parties.appraiser)
    services.panel_end(by=parties.platform, admission=admission)  # yesterday was its last day
    refused(act(api, parties.valuer, app, "value", {"valuation": report.pk}), "appraiser_not_on_panel")


def test_only_the_applications_appraiser_reuses(api, parties, outsiders, programme, make_app):
    patent = PatentFactory(owner=parties.borrower)
    report = new_report(parties, programme, [patent])
    app = make_app("ip_verified", assets=[patent])
    assert act(api, parties.officer, app, "value", {"valuation": report.pk}).status_code == 403
    assert act(api, parties.owner, app, "value", {"valuation": report.pk}).status_code == 403
    assert act(api, outsiders.appraiser, app, "value", {"valuation": report.pk}).status_code == 404
    assert act(api, None, app, "value", {"valuation": report.pk}).status_code in (401, 403)
    assert fresh(app).state == "ip_verified"


def test_reuse_in_the_wrong_state_is_a_conflict(api, parties, programme, make_app):
    patent = PatentFactory(owner=parties.borrower)
    report = new_report(parties, programme, [patent])
    app = make_app("prescreened", assets=[patent])
    assert act(api, parties.valuer, app, "value", {"valuation": report.pk}).status_code == 409


# --- the loan-to-value check ---------------------------------------------------------------------------------


def test_the_bank_proposes_on_a_valid_panel_report(api, parties, make_app):
    app = make_app("valued", appraised_value="20000000")
    terms = {"principal": "3000000", "annual_rate": "0.045"}
    assert act(api, parties.officer, app, "bank_propose", terms).status_code == 200


def test_an_expired_report_is_refused_at_proposal_and_approval(api, parties, make_app):
    app = make_app("valued", appraised_value="20000000")
    terms = {"principal": "3000000", "annual_rate": "0.045"}
    assert act(api, parties.officer, app, "bank_propose", terms).status_code == 200
    ValuationReport.objects.filter(pk=app.valuation_id).update(valid_until=today() - timedelta(days=1))
    refused(act(api, parties.approver, app, "bank_approve", terms), "valuation_expired")
    refused(act(api, parties.officer, app, "bank_propose", terms), "valuation_expired")
    assert fresh(app).state == "valued"
    # The bank returns the application: after resubmission the appraiser values it again.
    assert act(api, parties.officer, app, "return", {"note": "请重新评估"}).status_code == 200


def test_the_check_refuses_a_report_whose_appraiser_left_the_panel(api, parties, make_app):
    app = make_app("valued", appraised_value="20000000")
    PanelAppraiser.objects.filter(appraiser=parties.appraiser).update(valid_until=today() - timedelta(days=1))
    refused(
        act(api, parties.officer, app, "bank_propose", {"principal": "3000000", "annual_rate": "0.045"}),
        "appraiser_not_on_panel",
    )


def test_the_check_refuses_a_value_without_a_panel_report(api, parties, make_app):
    """An application valued before the standard (its value typed, no panel report) is valued again."""
    app = make_app("valued", appraised_value="20000000")
    Application.objects.filter(pk=app.pk).update(valuation=None)
    refused(
        act(api, parties.officer, app, "bank_propose", {"principal": "3000000", "annual_rate": "0.045"}),
        "valuation_required",
    )


def test_the_limit_is_that_of_the_panel_report(api, parties, make_app):
    app = make_app("valued", appraised_value="4000000")  # 25 % of it: 1,000,000
    terms = {"principal": "1000000.01", "annual_rate": "0.045"}
    refused(act(api, parties.officer, app, "bank_propose", terms), "principal_above_ltv")
    assert act(api, parties.officer, app, "bank_propose", {**terms, "principal": "1000000"}).status_code == 200


# --- the reminder --------------------------------------------------------------------------------------------


def test_a_report_about_to_expire_is_reminded_once(parties, programme, make_app):
    app = make_app("valued", appraised_value="20000000")
    report = app.valuation
    far = new_report(parties, programme, [PatentFactory(owner=parties.borrower)])
    ValuationReport.objects.filter(pk=report.pk).update(valid_until=today() + timedelta(days=30))
    ValuationReport.objects.filter(pk=far.pk).update(valid_until=today() + timedelta(days=31))
    found = notices.valuation_expiring_notices(today=today())
    assert {(n.organisation_ids, n.key) for n in found} == {
        ((parties.appraiser.pk,), f"valuation_expiring:{report.pk}:{(today() + timedelta(days=30)).isoformat()}"),
        (
            (parties.borrower.pk,),
            f"valuation_expiring:{report.pk}:{(today() + timedelta(days=30)).isoformat()}:application:{app.pk}",
        ),
    }
    notifications_create(found)
    told = set(Notification.objects.filter(kind="valuation_expiring").values_list("recipient_id", "key"))
    assert {user for user, _key in told} == {parties.valuer.pk, parties.owner.pk}
    notifications_create(notices.valuation_expiring_notices(today=today()))  # the job runs again
    assert set(Notification.objects.filter(kind="valuation_expiring").values_list("recipient_id", "key")) == told
    notifications_create(notices.valuation_expiring_notices(today=today() + timedelta(days=1)))  # the next day
    now = set(Notification.objects.filter(kind="valuation_expiring").values_list("recipient_id", "key"))
    far_key = f"valuation_expiring:{far.pk}:{(today() + timedelta(days=31)).isoformat()}"
    assert now == told | {(parties.valuer.pk, far_key)}  # only the report now 30 days from its end is new


def test_an_expired_report_or_a_finished_application_is_not_reminded(parties, programme, make_app):
    app = make_app("valued", appraised_value="20000000")
    ValuationReport.objects.filter(pk=app.valuation_id).update(valid_until=today() - timedelta(days=1))
    assert notices.valuation_expiring_notices(today=today()) == []
    ValuationReport.objects.filter(pk=app.valuation_id).update(valid_until=today())
    services.application_withdraw(application=app, by=parties.owner)
    found = notices.valuation_expiring_notices(today=today())
    assert [n.organisation_ids for n in found] == [(parties.appraiser.pk,)]
