"""Query-count baselines of the Wagtail admin's lists that platform people work in (tests/querycount.py):
organisations, patents, trademarks, programmes, loan applications and subsidies, each measured with a few rows and with
more (the count must not grow with them), against tests/query_counts.json."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from financing.models import Application, Programme
from financing.subsidies.models import Subsidy
from ipmarket.accounts.models import Organisation
from ipmarket.assets.models import Patent, Trademark
from tests.accounts.factories import OrganisationFactory, platform_operator
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.financing.factories import ProgrammeFactory, application, cast
from tests.querycount import Baselines, count_links

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)


def admin_list(model) -> str:
    return reverse(model.snippet_viewset.get_url_name("list"))


def edit_links(model):
    """`rows=`: the distinct edit (or inspect) links of the model's rows on the page."""
    viewset = model.snippet_viewset
    return count_links(rf"/admin/snippets/{viewset.app_label}/{viewset.model_name}/(?:edit|inspect)/(\d+)/")


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(platform_operator())
    return client


def test_organisations(staff):
    BASELINES.check(
        "GET admin organisations as platform staff",
        lambda: staff.get(admin_list(Organisation)),
        rows=edit_links(Organisation),
        grow=lambda: OrganisationFactory.create_batch(4, kind="enterprise"),
    )


@pytest.mark.parametrize(("model", "factory"), [(Patent, PatentFactory), (Trademark, TrademarkFactory)])
def test_assets(staff, model, factory):
    owner = OrganisationFactory(kind="enterprise")
    factory.create_batch(2, owner=owner)
    BASELINES.check(
        f"GET admin {model._meta.model_name}s as platform staff",
        lambda: staff.get(admin_list(model)),
        rows=edit_links(model),
        grow=lambda: factory.create_batch(4, owner=OrganisationFactory(kind="enterprise")),
    )


def test_programmes(staff):
    ProgrammeFactory()
    BASELINES.check(
        "GET admin programmes as platform staff",
        lambda: staff.get(admin_list(Programme)),
        rows=edit_links(Programme),
        grow=lambda: ProgrammeFactory.create_batch(2),
    )


def test_applications(staff):
    programme = ProgrammeFactory()
    parties = cast()
    for _ in range(2):
        application("submitted", cast=parties, programme=programme)
    BASELINES.check(
        "GET admin applications as platform staff",
        lambda: staff.get(admin_list(Application)),
        rows=edit_links(Application),
        grow=lambda: [application("submitted", cast=parties, programme=programme) for _ in range(3)],
    )


def premium_subsidy(app) -> Subsidy:
    """A subsidy row of the loan (the admin only lists it; its amounts are not computed here)."""
    return Subsidy.objects.create(
        application=app, kind="premium", year=2026, base=Decimal("100000"), rate=Decimal("0.5"), amount=Decimal("50000")
    )


def test_subsidies(staff):
    programme = ProgrammeFactory()
    parties = cast()
    for _ in range(2):
        premium_subsidy(application("submitted", cast=parties, programme=programme))
    BASELINES.check(
        "GET admin subsidies as platform staff",
        lambda: staff.get(admin_list(Subsidy)),
        rows=edit_links(Subsidy),
        grow=lambda: [premium_subsidy(application("submitted", cast=parties, programme=programme)) for _ in range(3)],
    )
