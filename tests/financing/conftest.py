"""Fixtures of the pledge-financing tests: a programme with the defaults of docs/financing.md, the parties of an
application, and `make_app`, which brings an application to any state through the real services."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from financing import services
from financing.models import Application, Programme, RepaymentPeriod
from ipmarket.assets.identifiers import make_application_number
from tests.factories import OrganisationFactory, PatentFactory, member_of

APPS = "/api/v1/financing/applications/"

# A one-page PDF, a PNG header and a JPEG header: what the document checks recognise by content.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

# The order of the happy path; make_app stops at the state asked for.
PATH = [
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
]


def today():
    return timezone.localdate()


def upload(content=PDF, name="评估报告.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def utility_model(owner, **fields):
    """A granted utility-model patent (type digit 2) of the owner."""
    return PatentFactory(owner=owner, patent_type="utility_model", application_number=_number("2"), **fields)


def design(owner, **fields):
    return PatentFactory(owner=owner, patent_type="design", application_number=_number("3"), **fields)


_counter = iter(range(500000, 10**7))


def _number(type_digit: str) -> str:
    return make_application_number(2019, type_digit, next(_counter))


def shift_loan(app: Application, disbursed_on) -> Application:
    """Pretend the loan was disbursed on `disbursed_on`: the loan's dates and its schedule's due dates follow
    (period k falls due k months later). Used instead of waiting for time to pass."""
    Application.objects.filter(pk=app.pk).update(
        disbursed_on=disbursed_on, maturity_date=disbursed_on + relativedelta(months=app.term_months)
    )
    for period in RepaymentPeriod.objects.filter(application=app):
        period.due_date = disbursed_on + relativedelta(months=period.period)
        period.save(update_fields=["due_date"])
    return fresh(app)


def fresh(app) -> Application:
    """The application as stored now (the state field is protected: refresh_from_db cannot set it)."""
    return Application.objects.get(pk=app if isinstance(app, int) else app.pk)


def periods(app: Application) -> list[RepaymentPeriod]:
    return list(RepaymentPeriod.objects.filter(application=app).order_by("period"))


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Documents go to a private folder of the test, never to the repository's var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def parties(db):
    """Everyone an application involves: the borrower in 资阳 with its admin, a bank with an officer and
    two approvers, an insurer, an appraiser, the programme's risk fund, a platform person."""
    borrower = OrganisationFactory(kind="enterprise", city="资阳", name="资阳柠檬科技有限公司")
    bank = OrganisationFactory(kind="bank", city="成都", name="四川测试银行资阳分行")
    insurer = OrganisationFactory(kind="insurer", city="成都", name="测试财产保险公司")
    appraiser = OrganisationFactory(kind="appraiser", city="成都", name="测试资产评估事务所")
    fund = OrganisationFactory(kind="risk_fund", city="资阳", name="资阳市知识产权质押融资风险补偿资金池")
    platform = OrganisationFactory(kind="platform", city="成都", name="平台运营中心")
    return SimpleNamespace(
        borrower=borrower,
        owner=member_of(borrower, role="admin", username="borrower1"),
        bank=bank,
        officer=member_of(bank, role="officer", username="officer1"),
        approver=member_of(bank, role="approver", username="approver1"),
        approver2=member_of(bank, role="approver", username="approver2"),
        insurer=insurer,
        underwriter=member_of(insurer, username="insurer1"),
        appraiser=appraiser,
        valuer=member_of(appraiser, username="appraiser1"),
        fund=fund,
        fund_person=member_of(fund, username="fund1"),
        platform=member_of(platform, role="admin", username="platform1"),
    )


@pytest.fixture
def programme(parties):
    """A programme with the default settings of docs/financing.md, for enterprises in 资阳."""
    return Programme.objects.create(
        slug="ziyang-ip-pledge", name="资阳市知识产权质押融资风险补偿", risk_fund=parties.fund, eligible_cities=["资阳"]
    )


@pytest.fixture
def outsiders(db):
    """People of the same kinds as the parties but of other organisations."""
    return SimpleNamespace(
        bank=member_of(OrganisationFactory(kind="bank"), role="admin", username="other_bank"),
        enterprise=member_of(OrganisationFactory(kind="enterprise"), role="admin", username="other_enterprise"),
        insurer=member_of(OrganisationFactory(kind="insurer"), role="admin", username="other_insurer"),
        appraiser=member_of(OrganisationFactory(kind="appraiser"), role="admin", username="other_appraiser"),
    )


class Steps:
    """One step of the happy path each, through the services, by the right person."""

    def __init__(self, parties):
        self.p = parties

    def submitted(self, app, **kw):
        services.application_submit(application=app, by=self.p.owner)

    def prescreened(self, app, **kw):
        services.application_prescreen(application=app, by=self.p.platform)

    def ip_verified(self, app, **kw):
        services.application_verify_ip(application=app, by=self.p.platform)

    def valued(self, app, *, appraised_value="20000000", report_date=None, asset_values=None, **kw):
        services.document_upload(
            application=app,
            by=self.p.valuer,
            kind="valuation_report",
            upload=upload(),
            report_date=report_date or today() - relativedelta(days=30),
        )
        services.application_value(
            application=app, by=self.p.valuer, appraised_value=Decimal(appraised_value), asset_values=asset_values
        )

    def bank_approved(self, app, *, proposed_principal=None, proposed_rate=None, ip_share=None, **kw):
        terms = {
            "principal": Decimal(proposed_principal or app.principal.amount),
            "annual_rate": Decimal(proposed_rate or app.annual_rate),
            "ip_share": None if ip_share is None else Decimal(ip_share),
        }
        services.application_bank_propose(application=app, by=self.p.officer, **terms)
        services.application_bank_approve(application=app, by=self.p.approver, **terms)  # the terms it saw

    def insured(self, app, *, premium_rate="0.015", policy_limit=None, **kw):
        services.application_underwrite(
            application=app, by=self.p.underwriter, premium_rate=Decimal(premium_rate), policy_limit=policy_limit
        )

    def fund_filed(self, app, **kw):
        services.application_fund_file(application=app, by=self.p.fund_person)

    def contracted(self, app, **kw):
        services.application_sign_contract(application=app, by=self.p.owner)

    def pledge_registered(self, app, *, registration_number=None, **kw):
        services.application_register_pledge(
            application=app, by=self.p.officer, registration_number=registration_number or f"Y2026510{app.pk:06d}"
        )

    def active(self, app, **kw):
        services.application_disburse(application=app, by=self.p.officer)


@pytest.fixture
def make_app(parties, programme):
    """`make_app(state, **options)`: a new application of the borrower brought to `state` (one of PATH) by
    the real services. Options: assets, principal, annual_rate, term_months, method, purpose, and for the
    steps appraised_value, report_date, asset_values, proposed_principal, proposed_rate, ip_share (proposed
    by the bank's officer), premium_rate, policy_limit, registration_number."""
    steps = Steps(parties)

    def make(
        state="draft",
        *,
        assets=None,
        principal="3000000",
        annual_rate="0.045",
        term_months=12,
        method="equal_principal",
        **options,
    ):
        fields = {k: options.pop(k) for k in ("purpose",) if k in options}
        app = services.application_create(
            by=parties.owner,
            programme=programme,
            assets=assets if assets is not None else [PatentFactory(owner=parties.borrower)],
            principal=Decimal(principal),
            annual_rate=Decimal(annual_rate),
            term_months=term_months,
            method=method,
            lender=parties.bank,
            insurer=parties.insurer,
            appraiser=parties.appraiser,
            **fields,
        )
        for name in PATH[1 : PATH.index(state) + 1]:
            getattr(steps, name)(app, **options)
        app = fresh(app)
        assert app.state == state
        return app

    return make


@pytest.fixture
def defaulted(make_app):
    """`defaulted(**options)`: an active loan whose first instalment fell due four months ago unpaid, put
    in default by the nightly check of today."""

    def make(**options):
        app = make_app("active", **options)
        shift_loan(app, today() - relativedelta(months=5))
        counts = services.loans_check_overdue(today=today())
        assert counts["defaulted"] == 1
        app = fresh(app)
        assert app.state == "defaulted"
        return app

    return make


def act(api, user, app, action, body=None, *, format="json"):
    """POST an action as `user` (None: anonymous) and return the response."""
    api.force_authenticate(user)
    app_id = app if isinstance(app, int) else app.pk
    return api.post(f"{APPS}{app_id}/actions/{action}/", body or {}, format=format)


def refused(response, code, status=400):
    """The response is a refusal `{"detail", "code"}` with this code."""
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"], body
    return body
