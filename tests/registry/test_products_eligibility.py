"""`eligible_products(demand)` on the database: the same answer as the pure `is_eligible` (tests/registry/
test_products_cases.py holds the cases), for demands offering several kinds of IP, in several cities."""

from decimal import Decimal
from itertools import count

import pytest
from djmoney.money import Money

from financing.registry.models import Demand, DemandAsset, LoanProduct
from financing.registry.products import eligible_products, is_eligible, need_of
from ipmarket.assets.identifiers import make_application_number
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.financing.factories import ProgrammeFactory
from tests.registry.test_products_api import make_product

pytestmark = pytest.mark.django_db
_serial = count(700000)
TYPE_DIGIT = {"invention": "1", "utility_model": "2", "design": "3"}


def offer(enterprise, kind):
    if kind == "trademark":
        return {"trademark": TrademarkFactory(owner=enterprise)}
    number = make_application_number(2019, TYPE_DIGIT[kind], next(_serial))
    return {"patent": PatentFactory(owner=enterprise, patent_type=kind, application_number=number)}


def make_demand(*, city="资阳", amount="1000000", term=12, kinds=("invention",), programme=None) -> Demand:
    enterprise = OrganisationFactory(kind="enterprise", city=city)
    demand = Demand.objects.create(
        enterprise=enterprise,
        programme=programme or ProgrammeFactory(),
        created_by=member_of(enterprise),
        amount=Money(Decimal(amount), "CNY"),
        term_months=term,
        purpose="研发",
        industry="C",
    )
    for kind in kinds:
        DemandAsset.objects.create(demand=demand, **offer(enterprise, kind))
    return (
        Demand.objects.prefetch_related("assets__patent", "assets__trademark")
        .select_related("enterprise")
        .get(pk=demand.pk)
    )


@pytest.fixture
def catalogue(db):
    bank_a, bank_b = OrganisationFactory(kind="bank", name="甲银行"), OrganisationFactory(kind="bank", name="乙银行")
    return {
        "patents_zy": make_product(
            bank_a, name="专利资阳", asset_kinds=["invention", "utility_model"], cities=["资阳"]
        ),
        "all_kinds": make_product(
            bank_a,
            name="全类全省",
            asset_kinds=["invention", "utility_model", "design", "trademark"],
            cities=[],
            max_amount=Decimal("30000000"),
            max_term_months=60,
        ),
        "trademark_cd": make_product(bank_b, name="商标成都", asset_kinds=["trademark"], cities=["成都", "资阳"]),
        "small": make_product(bank_b, name="小额", min_amount=Decimal("10000"), max_amount=Decimal("300000")),
        "hidden": make_product(bank_b, name="未发布", asset_kinds=["invention"], cities=[], is_published=False),
    }


def names(queryset) -> set[str]:
    return {p.name for p in queryset}


def test_the_products_a_demand_is_eligible_for(catalogue):
    assert names(eligible_products(make_demand())) == {"专利资阳", "全类全省"}
    # Every kind offered must be accepted: a trademark with the patent leaves only the product taking both.
    assert names(eligible_products(make_demand(kinds=["invention", "trademark"]))) == {"全类全省"}
    assert names(eligible_products(make_demand(kinds=["trademark"]))) == {"全类全省", "商标成都"}
    assert names(eligible_products(make_demand(kinds=["trademark"], city="成都"))) == {"全类全省", "商标成都"}
    assert names(eligible_products(make_demand(city="成都"))) == {"全类全省"}
    assert names(eligible_products(make_demand(amount="200000"))) == {"小额"}
    assert names(eligible_products(make_demand(amount="20000000"))) == {"全类全省"}
    assert names(eligible_products(make_demand(term=48))) == {"全类全省"}
    assert names(eligible_products(make_demand(term=61))) == set()
    assert names(eligible_products(make_demand(kinds=["design", "utility_model"]))) == {"全类全省"}


def test_the_database_agrees_with_the_pure_function(catalogue):
    programme = ProgrammeFactory()
    cases = [
        {"city": city, "amount": amount, "term": term, "kinds": kinds}
        for city in ("资阳", "成都", "自贡")
        for amount in ("100000", "500000", "5000000", "5000000.01")
        for term in (12, 36, 37)
        for kinds in (["invention"], ["trademark"], ["utility_model", "trademark"], [])
    ]
    products = list(LoanProduct.objects.all())
    for case in cases[::5]:  # a spread of the combinations, each a demand in the database
        demand = make_demand(programme=programme, **case)
        need = need_of(demand)
        expected = sorted(p.pk for p in products if is_eligible(p, need))
        assert sorted(p.pk for p in eligible_products(demand)) == expected, case


def test_eligibility_costs_a_fixed_number_of_queries(catalogue, django_assert_num_queries):
    demand = make_demand(kinds=["invention", "utility_model", "trademark"])
    with django_assert_num_queries(1):
        assert names(eligible_products(demand)) == {"全类全省"}


def test_the_portable_list_filter_finds_the_same_products(catalogue, monkeypatch):
    """SQLite (`make run`) has no JSON containment: the filter then tests each position of the stored lists.
    Forced here on PostgreSQL, it must find what containment finds."""
    from django.db import connection

    demands = [
        make_demand(),
        make_demand(kinds=["trademark"], city="成都"),
        make_demand(kinds=["design", "utility_model"], city="自贡"),
    ]
    expected = [names(eligible_products(d)) for d in demands]
    monkeypatch.setattr(connection.features, "supports_json_field_contains", False)
    assert [names(eligible_products(d)) for d in demands] == expected
