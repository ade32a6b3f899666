"""ipmarket/market/workflow.py is the one declaration of the listing's and the deal's actions: the models'
transitions, the services, the API and the docs agree with it (each check fails if one of them drifts)."""

import inspect
import os
import re
from pathlib import Path

from ipmarket.market import services, workflow
from ipmarket.market.models import Deal, Listing
from tests.access import expect

DOCS = Path(__file__).resolve().parents[2] / "docs" / "market.md"


def test_every_action_runs_only_the_model_transitions_it_names_from_the_states_it_names():
    for action in workflow.DECLARED:
        names = {t.name for t in workflow.transitions(action.machine)}
        assert set(action.moves) <= names, action.name
        if action.moves:
            assert {source for source, _target in workflow.moves_of(action)} == set(action.sources), action.name
        states = Listing.Status.values if action.machine == "listing" else Deal.State.values
        assert set(action.sources) <= set(states), action.name


def test_every_model_transition_belongs_to_one_action_or_to_the_system():
    for machine in ("listing", "deal"):
        for transition in workflow.transitions(machine):
            owners = [a.name for a in workflow.DECLARED if a.machine == machine and transition.name in a.moves]
            if transition.name in workflow.SYSTEM_MOVES[machine]:
                assert owners == [], transition.name
            else:
                assert len(owners) == 1, f"{machine} transition {transition.name} has owners {owners}"


def test_every_action_has_its_service_and_the_services_derive_their_tables_from_the_workflow():
    for action in workflow.DECLARED:
        assert action.service is not None, action.name
        assert action.service.__name__ == f"{action.machine}_{action.name}", action.name
        assert set(action.inputs) <= set(inspect.signature(action.service).parameters), action.name
        assert action.label and action.done, action.name
    assert services.DEAL_ACTIONS == {n: list(a.sources) for n, a in workflow.DEAL_ACTIONS.items()}
    assert services.LISTING_ACTIONS == {n: list(a.sources) for n, a in workflow.LISTING_ACTIONS.items()}
    assert set(expect.DEAL_WHO) == set(workflow.DEAL_ACTIONS)
    assert set(expect.LISTING_WHO) == set(workflow.LISTING_ACTIONS)
    assert workflow.DEAL_STEPS[0] == Deal.State.NEGOTIATING


def test_the_state_diagrams_in_the_docs_are_the_workflow():
    text = DOCS.read_text()
    block = re.search(r"<!-- workflow:start -->\n(.*?)<!-- workflow:end -->", text, flags=re.S)
    assert block, "docs/market.md lost its workflow markers"
    expected = workflow.markdown()
    if os.environ.get("WORKFLOW_DOCS") == "update":
        DOCS.write_text(text[: block.start(1)] + expected + text[block.end(1) :])
        return
    assert block.group(1) == expected, "run WORKFLOW_DOCS=update pytest tests/market/test_workflow.py"
