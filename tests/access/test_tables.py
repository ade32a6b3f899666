"""The matrix keeps up with the code: every action of the workflow tables has its expectation, every state and
status is reached by some world, and the callers are the demo people of the README."""

from financing.models import Application
from financing.services import ACTIONS
from ipmarket.accounts.demo import PEOPLE as DEMO_PEOPLE
from ipmarket.market.models import Deal, Listing

from . import expect
from .people import ANON, E3, PEOPLE, ROLES
from .worlds import FINANCING_WORLDS, MARKET_WORLDS


def test_every_financing_action_has_its_actors():
    assert set(expect.FINANCING_WHO) == set(ACTIONS)
    assert set(expect.REJECTERS) <= set(ACTIONS["reject"])


def test_every_application_state_is_a_world():
    assert {state for _start, _steps, state in FINANCING_WORLDS.values()} == set(Application.State.values)


def test_every_listing_status_and_deal_state_is_a_world():
    assert {status for _steps, status, _state in MARKET_WORLDS.values()} == set(Listing.Status.values)
    assert {state for _steps, _status, state in MARKET_WORLDS.values()} - {None} == set(Deal.State.values)


def test_the_callers_are_the_demo_people():
    assert {name: (org, str(role)) for name, (org, role, _label) in DEMO_PEOPLE.items()} == {
        name: person for name, person in PEOPLE.items() if name != E3
    }
    assert set(ROLES) == set(PEOPLE) | {ANON}
