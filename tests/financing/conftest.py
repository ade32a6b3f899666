"""Fixtures of the pledge-financing tests: a programme with the defaults of docs/financing.md, the parties of an
application, and `make_app`, which brings an application to any state through the real services."""

from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta

from financing import services
from financing.models import Application, Programme, RepaymentPeriod
from ipmarket.assets.identifiers import make_application_number
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory
from tests.financing.factories import (  # noqa: F401 (the tests import these from here too)
    JPEG,
    PATH,
    PDF,
    PNG,
    Steps,
    admit_to_panel,
    application,
    fresh,
    today,
    upload,
)

APPS = "/api/v1/financing/applications/"


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
    """A programme with the default settings of docs/financing.md, for enterprises in 资阳; the parties'
    appraiser is on its valuation panel."""
    programme = Programme.objects.create(
        slug="ziyang-ip-pledge", name="资阳市知识产权质押融资风险补偿", risk_fund=parties.fund, eligible_cities=["资阳"]
    )
    admit_to_panel(programme, parties.appraiser, admitted_by=parties.platform)
    return programme


@pytest.fixture
def outsiders(db):
    """People of the same kinds as the parties but of other organisations."""
    return SimpleNamespace(
        bank=member_of(OrganisationFactory(kind="bank"), role="admin", username="other_bank"),
        enterprise=member_of(OrganisationFactory(kind="enterprise"), role="admin", username="other_enterprise"),
        insurer=member_of(OrganisationFactory(kind="insurer"), role="admin", username="other_insurer"),
        appraiser=member_of(OrganisationFactory(kind="appraiser"), role="admin", username="other_appraiser"),
    )


@pytest.fixture
def make_app(parties, programme):
    """`make_app(state, **options)`: a new application of the borrower brought to `state` (one of PATH) by
    the real services, by the parties (tests/financing/factories.py's `application`, which lists the
    options)."""

    def make(state="draft", **options):
        return application(state, cast=parties, programme=programme, **options)

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
