"""One asset, one commitment (financing's side): an asset in an accepted or paid assignment, exclusive or sole
licence deal is not verified, registered or disbursed against; the check runs with the asset rows locked.
(The other direction — a deal accepted while the asset is pledged — is the marketplace's.)"""

import pytest
from djmoney.money import Money

from financing.models import Application
from ipmarket.market.models import Deal, Listing
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory
from tests.market.factories import ListingFactory

from .conftest import act, fresh, refused

pytestmark = pytest.mark.django_db


def in_deal(patent, deal_type="assignment", state="accepted"):
    """A deal of the patent in `state`, as rows (the market's own guards would refuse it once the asset is in
    a pledge: this is the state a race or older data leaves behind)."""
    listing = ListingFactory(patent=patent, deal_type=deal_type, status=Listing.Status.DRAFT)
    # Deliberately as rows (see above): the market services would refuse to publish or accept here.
    Listing.objects.filter(pk=listing.pk).update(status=Listing.Status.UNDER_NEGOTIATION)
    buyer = OrganisationFactory(kind="enterprise")
    return Deal.objects.create(
        listing=listing, buyer=buyer, seller=listing.seller, price=Money("800000", "CNY"), state=state
    )


@pytest.mark.parametrize(
    ("deal_type", "state"),
    [("assignment", "accepted"), ("assignment", "paid"), ("exclusive_license", "accepted"), ("sole_license", "paid")],
)
def test_an_asset_being_transferred_is_not_verified_for_a_pledge(api, parties, make_app, deal_type, state):
    patent = PatentFactory(owner=parties.borrower)
    app = make_app("prescreened", assets=[patent])
    in_deal(patent, deal_type, state)
    body = refused(act(api, parties.platform, app, "verify_ip"), "asset_in_transfer")
    assert patent.application_number in body["detail"] or patent.title in body["detail"]
    assert fresh(app).state == "prescreened"


def test_an_open_licence_or_a_deal_still_negotiating_does_not_stop_the_pledge(api, parties, make_app):
    patent = PatentFactory(owner=parties.borrower)
    app = make_app("prescreened", assets=[patent])
    in_deal(patent, "non_exclusive_license", "paid")  # the owner keeps the patent
    in_deal(PatentFactory(owner=parties.borrower), "assignment", "accepted")  # another patent
    assert act(api, parties.platform, app, "verify_ip").json()["state"] == "ip_verified"


def test_registration_is_refused_for_an_asset_in_transfer(api, parties, make_app):
    patent, other = PatentFactory(owner=parties.borrower), PatentFactory(owner=parties.borrower)
    app = make_app("contracted", assets=[patent, other])
    in_deal(other, "assignment", "paid")
    refused(act(api, parties.officer, app, "register_pledge", {"registration_number": "Y1"}), "asset_in_transfer")
    patent.refresh_from_db()
    other.refresh_from_db()
    assert not patent.pledged and not other.pledged  # nothing half-registered
    assert fresh(app).state == "contracted"


def test_no_money_is_paid_out_against_an_asset_in_transfer(api, parties, make_app):
    patent = PatentFactory(owner=parties.borrower)
    app = make_app("pledge_registered", assets=[patent])
    in_deal(patent, "exclusive_license", "accepted")
    refused(act(api, parties.officer, app, "disburse"), "asset_in_transfer")
    app = fresh(app)
    assert app.state == "pledge_registered" and not app.periods.exists()
    assert Application.objects.get(pk=app.pk).disbursed_on is None
