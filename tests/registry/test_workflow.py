"""financing/registry/workflow.py is the one declaration of the demand's actions: the model's transitions, the
services, the API and the docs agree with it."""

import os
import re
from pathlib import Path

from financing.registry import services, workflow
from financing.registry.models import Demand

DOCS = Path(__file__).resolve().parents[2] / "docs" / "registry.md"


def _model_transitions() -> set[tuple[str, str, str]]:
    field = Demand._meta.get_field("state")
    return {(t.name, t.source, t.target) for t in field.get_all_transitions(Demand)}


def test_every_model_transition_belongs_to_one_action_or_to_the_system():
    owners: dict[str, list[str]] = {}
    for action in workflow.ACTIONS_DECLARED:
        for move in action.moves:
            owners.setdefault(move, []).append(action.name)
    for name, source, target in _model_transitions():
        if name in workflow.SYSTEM_MOVES:
            assert workflow.SYSTEM_MOVES[name] == (source, target)
            continue
        assert len(owners.get(name, [])) == 1, f"transition {name} has owners {owners.get(name)}"


def test_every_action_has_its_service():
    assert services.ACTION_SERVICES == {a.name: a.service for a in workflow.ACTIONS_DECLARED}
    for action in workflow.ACTIONS_DECLARED:
        assert action.service.__name__ == f"demand_{action.name}", action.name
        assert action.sources and action.label and action.done and action.side in workflow.SIDES


def test_allowed_actions_follow_the_state_and_the_side():
    demand = Demand(state=Demand.State.SUBMITTED)
    assert workflow.allowed_actions(demand) == ["withdraw", "admit", "return", "reject"]


def test_the_state_diagram_in_the_docs_is_the_workflow():
    text = DOCS.read_text()
    block = re.search(r"<!-- workflow:start -->\n(.*?)<!-- workflow:end -->", text, flags=re.S)
    assert block, "docs/registry.md lost its workflow markers"
    expected = workflow.markdown()
    if os.environ.get("WORKFLOW_DOCS") == "update":
        DOCS.write_text(text[: block.start(1)] + expected + text[block.end(1) :])
        return
    assert block.group(1) == expected, "run WORKFLOW_DOCS=update pytest tests/registry/test_workflow.py"
