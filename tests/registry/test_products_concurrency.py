"""Two changes of one product at once (real PostgreSQL, threads released together): each is checked against the
product as the other left it (the row lock of `product_update`), so two edits that are each fine alone cannot
together leave the smallest amount above the largest."""

from decimal import Decimal

import pytest
from djmoney.money import Money

from financing.registry import products
from financing.registry.models import LoanProduct
from tests.accounts.factories import OrganisationFactory, member_of
from tests.financing.test_concurrency import hold_first_caller, together
from tests.querycount import api_as
from tests.registry.test_products_api import make_product

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/financing/products/"


def test_two_edits_at_once_cannot_cross_the_amounts(monkeypatch):
    bank = OrganisationFactory(kind="bank")
    officer, officer2 = member_of(bank, role="officer"), member_of(bank, role="officer")
    product = make_product(bank, by=officer, min_amount=Decimal("500000"), max_amount=Decimal("5000000"))
    seen = hold_first_caller(monkeypatch, products, "manage_refusal", others=1)

    def patch(person, data):
        return lambda: api_as(person).patch(f"{URL}{product.pk}/", data, format="json")

    responses = together([patch(officer, {"min_amount": "4000000"}), patch(officer2, {"max_amount": "3000000"})])
    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted(r.status_code for r in responses) == [200, 400]
    assert seen["queued"] == 1  # the second edit really waited for the first
    stored = LoanProduct.objects.get(pk=product.pk)
    assert stored.min_amount <= stored.max_amount
    assert (stored.min_amount, stored.max_amount) in [
        (Money("4000000", "CNY"), Money("5000000", "CNY")),
        (Money("500000", "CNY"), Money("3000000", "CNY")),
    ]
