"""The pledge lock: from register_pledge until release_pledge the assets are `pledged`; they cannot be sold or
licensed exclusively without the pledgee's consent, nor pledged a second time."""

import pytest

from financing import services
from tests.assets.factories import PatentFactory, TrademarkFactory

from .conftest import act, fresh, refused

pytestmark = pytest.mark.django_db
LISTINGS = "/api/v1/listings/"


def repay_all(app, parties):
    """The borrower pays the whole loan back on the day it was disbursed."""
    app = fresh(app)
    services.application_record_repayment(
        application=app, by=parties.officer, amount=app.approved_principal.amount, paid_on=app.disbursed_on
    )


def pledged(api, asset) -> bool:
    api.force_authenticate(None)
    return api.get(f"/api/v1/{asset.asset_type}s/{asset.pk}/").json()["pledged"]


def publish(api, person, asset, deal_type, **extra):
    api.force_authenticate(person)
    body = {"asset": {"type": asset.asset_type, "id": asset.pk}, "deal_type": deal_type, "price": "800000", **extra}
    created = api.post(LISTINGS, body, format="json")
    assert created.status_code == 201, created.json()
    return api.post(f"{LISTINGS}{created.json()['id']}/actions/publish/")


def test_assets_are_pledged_from_registration_until_release(api, parties, make_app):
    patent, mark = PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)
    app = make_app("contracted", assets=[patent, mark])
    assert not pledged(api, patent) and not pledged(api, mark)
    act(api, parties.officer, app, "register_pledge", {"registration_number": "Y2026510000001"})
    assert pledged(api, patent) and pledged(api, mark)
    patent.refresh_from_db()
    assert patent.pledged_to_id == parties.bank.pk and patent.pledged_since is not None
    services.application_disburse(application=app, by=parties.officer)
    assert pledged(api, patent) and pledged(api, mark)
    repay_all(app, parties)
    assert fresh(app).state == "closed_repaid"
    assert pledged(api, patent) and pledged(api, mark)  # repaid, not yet released
    assert act(api, parties.owner, app, "release_pledge").status_code == 403  # the bank releases it
    act(api, parties.officer, app, "release_pledge")
    assert not pledged(api, patent) and not pledged(api, mark)
    assert act(api, parties.officer, app, "release_pledge").status_code == 409


@pytest.mark.parametrize(
    ("deal_type", "extra"),
    [("assignment", {}), ("exclusive_license", {"term_months": 36}), ("sole_license", {"term_months": 36})],
)
def test_a_pledged_asset_is_not_sold_or_licensed_exclusively_without_consent(api, parties, make_app, deal_type, extra):
    app = make_app("pledge_registered")
    patent = app.assets.get().patent
    refused(publish(api, parties.owner, patent, deal_type, **extra), "pledged_without_consent")
    # With the pledgee bank's recorded consent the owner may.
    api.force_authenticate(parties.officer)
    consent = api.post(f"/api/v1/patents/{patent.pk}/actions/record_pledge_consent/", {"note": "同意"}, format="json")
    assert consent.status_code == 201, consent.json()
    assert publish(api, parties.owner, patent, deal_type, **extra).json()["status"] == "published"


def test_before_registration_and_after_release_the_owner_lists_freely(api, parties, make_app):
    app = make_app("fund_filed")
    patent = app.assets.get().patent
    assert publish(api, parties.owner, patent, "exclusive_license", term_months=12).json()["status"] == "published"
    released = make_app("active", principal="1000000")
    repay_all(released, parties)
    services.application_release_pledge(application=released, by=parties.officer)
    assert publish(api, parties.owner, released.assets.get().patent, "assignment").json()["status"] == "published"


def test_a_pledged_asset_is_not_pledged_again(api, parties, make_app):
    patent = PatentFactory(owner=parties.borrower)
    make_app("pledge_registered", assets=[patent])
    second = make_app("prescreened", assets=[patent])
    body = refused(act(api, parties.platform, second, "verify_ip"), "already_pledged")
    assert patent.application_number in body["detail"]


def test_two_applications_on_one_asset_cannot_both_register_the_pledge(api, parties, make_app):
    other = PatentFactory(owner=parties.borrower)  # registered first (lower id), then rolled back
    patent = PatentFactory(owner=parties.borrower)
    first = make_app("contracted", assets=[patent])
    second = make_app("contracted", assets=[other, patent])
    assert act(api, parties.officer, first, "register_pledge", {"registration_number": "Y1"}).status_code == 200
    refused(act(api, parties.officer, second, "register_pledge", {"registration_number": "Y2"}), "already_pledged")
    second = fresh(second)
    assert second.state == "contracted" and second.registration_number == ""
    assert not pledged(api, other)  # nothing of the refused registration stays
    patent.refresh_from_db()
    assert patent.pledged_to_id == parties.bank.pk
    # Once the first loan is repaid and released, the second may register.
    services.application_disburse(application=first, by=parties.officer)
    repay_all(first, parties)
    services.application_release_pledge(application=first, by=parties.officer)
    assert act(api, parties.officer, second, "register_pledge", {"registration_number": "Y2"}).status_code == 200
    assert pledged(api, other) and pledged(api, patent)


def test_an_application_that_ends_before_registration_never_locks_its_assets(api, parties, make_app):
    withdrawn = make_app("fund_filed")
    act(api, parties.owner, withdrawn, "withdraw")
    rejected = make_app("submitted")
    act(api, parties.platform, rejected, "reject")
    for app in (withdrawn, rejected):
        assert not pledged(api, app.assets.get().patent)
