"""The demo products (financing/registry/products_demo.py): idempotent, and each obeys the service's rules."""

import pytest

from financing.registry.models import LoanProduct
from financing.registry.products import normalised_cities, normalised_kinds, product_errors
from financing.registry.products_demo import seed_products
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_seed_products_is_idempotent_and_every_product_obeys_the_rules():
    orgs = {"bank_a": OrganisationFactory(kind="bank"), "bank_b": OrganisationFactory(kind="bank", city="成都")}
    first = seed_products(orgs)
    assert len(first) == 5 and LoanProduct.objects.count() == 5
    assert seed_products(orgs) == first and LoanProduct.objects.count() == 5
    assert LoanProduct.objects.filter(bank=orgs["bank_a"], is_published=True).count() == 3
    assert LoanProduct.objects.filter(bank=orgs["bank_b"], is_published=False).count() == 1
    for product in LoanProduct.objects.all():
        assert product_errors(product) == {}, product
        assert normalised_kinds(product.asset_kinds) == product.asset_kinds
        assert normalised_cities(product.cities) == product.cities
        product.full_clean()
