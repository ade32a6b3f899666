"""Fixtures of the statistics tests: a programme and quick ways to put deals and loans in a given state.

States are set directly (the statistics only count rows; the transitions are tested in their own apps)."""

import itertools
from decimal import Decimal

import pytest
from djmoney.money import Money

from financing.models import Application, Programme
from ipmarket.market.models import Deal
from tests.accounts.factories import OrganisationFactory, UserFactory

_serial = itertools.count(1)


@pytest.fixture
def programme(db):
    fund = OrganisationFactory(kind="risk_fund", name="资阳市知识产权质押融资风险补偿资金池")
    # Defaults of docs/financing.md: pool balance 5,000,000 × leverage 10 = capacity 50,000,000.
    return Programme.objects.create(
        slug="ziyang-ip-pledge",
        name="资阳市知识产权质押融资风险补偿",
        name_en="Ziyang IP pledge risk compensation",
        risk_fund=fund,
        eligible_cities=["资阳"],
    )


@pytest.fixture
def make_loan(programme):
    """`make_loan(state, approved=None, covered=None, disbursed_on=None)`: an application in `state`."""
    borrower = OrganisationFactory(kind="enterprise")
    bank = OrganisationFactory(kind="bank", city="成都")
    insurer = OrganisationFactory(kind="insurer", city="成都")
    appraiser = OrganisationFactory(kind="appraiser", city="成都")
    person = UserFactory()

    def make(state, *, approved=None, covered=None, disbursed_on=None, programme_=None):
        return Application.objects.create(
            programme=programme_ or programme,
            applicant=borrower,
            lender=bank,
            insurer=insurer,
            appraiser=appraiser,
            created_by=person,
            principal=Money("3000000.00", "CNY"),
            annual_rate=Decimal("0.045"),
            term_months=12,
            method="equal_principal",
            state=state,
            approved_principal=Money(approved, "CNY") if approved is not None else None,
            covered_principal=Money(covered, "CNY") if covered is not None else None,
            disbursed_on=disbursed_on,
        )

    return make


@pytest.fixture
def make_deal(db):
    """`make_deal(listing, state)`: a deal of a new buyer on the listing, in `state`."""

    def make(listing, state):
        buyer = OrganisationFactory(kind="enterprise", name=f"买方{next(_serial)}有限公司")
        return Deal.objects.create(
            listing=listing, buyer=buyer, seller=listing.seller, price=listing.price, state=state
        )

    return make
