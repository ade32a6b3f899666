"""The access matrix of listings: the listing actions and the detail read × every market world (enterprise1's
listing of a patent in each status, with or without enterprise2's deal) × the demo people and an anonymous
caller, against tests/access/expect.py. A test is one (world, request); its failure lists every caller who did
not get the expected answer."""

import pytest

from ipmarket.market.services import LISTING_ACTIONS

from . import expect
from .people import ROLES, mismatches
from .worlds import MARKET_WORLDS, build_market

pytestmark = pytest.mark.django_db

LISTINGS = "/api/v1/listings/"


@pytest.fixture(scope="module", params=list(MARKET_WORLDS))
def world(request, kept_world):
    with kept_world():
        yield build_market(request.param)


def test_the_tables_name_every_action():
    assert set(expect.LISTING_WHO) == set(LISTING_ACTIONS)


@pytest.mark.parametrize("action", list(LISTING_ACTIONS))
def test_listing_action(world, action):
    url = f"{LISTINGS}{world.listing.pk}/actions/{action}/"
    cases = [
        (
            role,
            "post",
            url,
            {"note": "access matrix"},
            expect.market_action(
                role,
                action,
                expect.LISTING_WHO,
                expect.sees_listing(role, world.listing),
                world.listing.status,
                LISTING_ACTIONS,
            ),
        )
        for role in ROLES
    ]
    failed = mismatches(world, cases)
    assert not failed, "\n".join(failed)


def test_listing_read(world):
    url = f"{LISTINGS}{world.listing.pk}/"
    failed = mismatches(world, [(role, "get", url, None, expect.listing_read(role, world.listing)) for role in ROLES])
    assert not failed, "\n".join(failed)
