"""A pledge and a sale of one patent decided at the same moment: the asset row lock makes one wait for the
other, so exactly one of them commits the patent (real PostgreSQL, threads started together)."""
# ruff: noqa: F811 - the financing fixtures are imported, then requested by name

import pytest
from djmoney.money import Money

from financing import services as financing
from ipmarket.assets import commitments
from ipmarket.core.errors import GuardFailed
from ipmarket.market import services as market
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory
from tests.financing.conftest import fresh, make_app, parties, private_media, programme  # noqa: F401
from tests.financing.test_concurrency import hold_first_caller, together

pytestmark = pytest.mark.django_db(transaction=True)


def test_verify_ip_and_accept_of_one_patent_at_once_commit_it_once(monkeypatch, parties, make_app):
    patent = PatentFactory(owner=parties.borrower)
    app = make_app("prescreened", assets=[patent])
    listing = market.listing_create(
        by=parties.owner, asset=patent, deal_type="assignment", price=Money("900000", "CNY")
    )
    listing = market.listing_publish(listing=listing, by=parties.owner)
    buyer = member_of(OrganisationFactory(kind="enterprise"))
    deal = market.inquiry_create(listing=listing, by=buyer, message="有意受让").deal
    seen = hold_first_caller(monkeypatch, commitments, "of", others=1)

    results = together(
        [
            lambda: financing.application_verify_ip(application=app, by=parties.platform),
            lambda: market.deal_accept(deal=deal, by=parties.owner, price=deal.price),
        ]
    )
    refusals = [r for r in results if isinstance(r, GuardFailed)]
    assert len(refusals) == 1, results
    assert refusals[0].code in ("asset_in_transfer", "asset_pledged")
    pledged, sold = fresh(app).state == "ip_verified", type(deal).objects.get(pk=deal.pk).state == "accepted"
    assert pledged != sold  # exactly one of them holds the patent
    assert seen["queued"] == 1  # the second really waited on the patent's row
