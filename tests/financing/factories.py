"""Factories of pledge financing: a programme with the defaults of docs/financing.md, and applications
brought to any state of the happy path through the real services, each step by the right person. Builds on
tests/accounts/factories.py and tests/assets/factories.py."""

from decimal import Decimal
from types import SimpleNamespace

import factory
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from financing import services
from financing.models import Application, Programme
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory

# A one-page PDF, a PNG header and a JPEG header: what the document checks recognise by content.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"

# The order of the happy path; `application` stops at the state asked for.
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


def fresh(app) -> Application:
    """The application as stored now (the state field is protected: refresh_from_db cannot set it)."""
    return Application.objects.get(pk=app if isinstance(app, int) else app.pk)


class ProgrammeFactory(DjangoModelFactory):
    """A programme open for applications, with the default settings of docs/financing.md."""

    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"测试知识产权质押融资项目{n}")
    risk_fund = factory.SubFactory(OrganisationFactory, kind="risk_fund")
    eligible_cities = ["资阳"]


def admit_to_panel(programme, appraiser, *, valid_from=None, valid_until=None, **fields):
    """The appraiser on the programme's valuation panel (from a year ago for two years by default), as the
    demo's is; an admission already covering today is kept."""
    from financing.models import PanelAppraiser

    current = PanelAppraiser.objects.filter(
        programme=programme, appraiser=appraiser, valid_from__lte=today(), valid_until__gte=today()
    ).first()
    if current is not None and valid_from is None and valid_until is None:
        return current
    return PanelAppraiser.objects.create(
        programme=programme,
        appraiser=appraiser,
        qualification=fields.pop("qualification", "资产评估资格"),
        valid_from=valid_from or today() - relativedelta(years=1),
        valid_until=valid_until or today() + relativedelta(years=1),
        admitted_by=fields.pop("admitted_by", None) or _platform_person(),
        **fields,
    )


def _platform_person():
    from tests.accounts.factories import platform_operator

    return platform_operator(OrganisationFactory(kind="platform"))


class Steps:
    """One step of the happy path each, through the services, by the right person of `cast` (see
    `application`)."""

    def __init__(self, cast):
        self.p = cast

    def submitted(self, app, **kw):
        services.application_submit(application=app, by=self.p.owner)

    def prescreened(self, app, **kw):
        services.application_prescreen(application=app, by=self.p.platform)

    def ip_verified(self, app, **kw):
        services.application_verify_ip(application=app, by=self.p.platform)
        admit_to_panel(app.programme, app.appraiser, admitted_by=self.p.platform)  # it may value now

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


def application(
    state="draft",
    *,
    cast,
    programme,
    assets=None,
    principal="3000000",
    annual_rate="0.045",
    term_months=12,
    method="equal_principal",
    **options,
) -> Application:
    """A new application of `cast.borrower`, made by `cast.owner` (a member of it) and brought to `state`
    (one of PATH) by the real services. `cast` names the organisations (borrower, bank, insurer, appraiser)
    and the people of each step: owner, platform, valuer, officer, approver (not the officer), underwriter,
    fund_person. Options: assets (a new patent of the borrower by default), principal, annual_rate,
    term_months, method, purpose, and for the steps appraised_value, report_date, asset_values,
    proposed_principal, proposed_rate, ip_share (proposed by the bank's officer), premium_rate, policy_limit,
    registration_number."""
    fields = {k: options.pop(k) for k in ("purpose",) if k in options}
    app = services.application_create(
        by=cast.owner,
        programme=programme,
        assets=assets if assets is not None else [PatentFactory(owner=cast.borrower)],
        principal=Decimal(principal),
        annual_rate=Decimal(annual_rate),
        term_months=term_months,
        method=method,
        lender=cast.bank,
        insurer=cast.insurer,
        appraiser=cast.appraiser,
        **fields,
    )
    steps = Steps(cast)
    for name in PATH[1 : PATH.index(state) + 1]:
        getattr(steps, name)(app, **options)
    app = fresh(app)
    assert app.state == state
    return app


def cast(*, owner=None) -> SimpleNamespace:
    """Everyone an application involves, new: the borrower (an enterprise in 资阳) and its admin `owner`
    (or the given person's one enterprise), a bank with an officer and an approver, an insurer with an
    underwriter, an appraiser with a valuer, a risk fund with its person, a platform person. The attributes
    `application` uses."""
    if owner is None:
        owner = member_of(OrganisationFactory(kind="enterprise", city="资阳"), role="admin")
    borrower = owner.memberships.get(organisation__kind="enterprise").organisation
    bank = OrganisationFactory(kind="bank")
    insurer = OrganisationFactory(kind="insurer")
    appraiser = OrganisationFactory(kind="appraiser")
    fund = OrganisationFactory(kind="risk_fund")
    return SimpleNamespace(
        borrower=borrower,
        owner=owner,
        bank=bank,
        officer=member_of(bank, role="officer"),
        approver=member_of(bank, role="approver"),
        insurer=insurer,
        underwriter=member_of(insurer),
        appraiser=appraiser,
        valuer=member_of(appraiser),
        fund=fund,
        fund_person=member_of(fund),
        platform=member_of(OrganisationFactory(kind="platform"), role="admin"),
    )
