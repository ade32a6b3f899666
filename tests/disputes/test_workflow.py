"""ipmarket/disputes/workflow.py is the one declaration of a case's actions: the model's transitions, the
services and the docs agree with it."""

import os
import re
from pathlib import Path

from ipmarket.disputes import services, workflow
from ipmarket.disputes.models import Dispute

DOCS = Path(__file__).resolve().parents[2] / "docs" / "disputes.md"


def _model_transitions() -> set[tuple[str, str, str]]:
    field = Dispute._meta.get_field("state")
    return {(t.name, t.source, t.target) for t in field.get_all_transitions(Dispute)}


def test_every_model_transition_belongs_to_an_action():
    moved = {move for action in workflow.ACTIONS_DECLARED for move in action.moves}
    assert {name for name, _source, _target in _model_transitions()} == moved


def test_the_sources_of_each_action_are_the_models_transitions():
    for action in workflow.ACTIONS_DECLARED:
        starts = {source for name, source, _target in _model_transitions() if name in action.moves}
        assert set(action.sources) == starts | set(action.also_from), action.name
        assert action.sources, action.name


def test_every_action_has_its_service():
    assert set(workflow.ACTIONS) == {a.name for a in workflow.ACTIONS_DECLARED}
    for action in workflow.ACTIONS_DECLARED:
        assert action.service is not None, action.name
        assert action.service.__name__ == f"dispute_{action.name}", action.name
        assert getattr(services, f"dispute_{action.name}") is action.service
        assert action.label and action.done and set(action.sides) <= set(workflow.SIDES)


def test_allowed_actions_follow_the_state():
    assert workflow.allowed_actions(Dispute(state=Dispute.State.FILED)) == [
        "accept",
        "transfer",
        "dismiss",
        "withdraw",
        "share",
    ]
    assert workflow.allowed_actions(Dispute(state=Dispute.State.REFERRED)) == ["share", "post_outcome"]


def test_the_workflow_section_in_the_docs_is_the_workflow():
    text = DOCS.read_text()
    block = re.search(r"<!-- workflow:start -->\n(.*?)<!-- workflow:end -->", text, flags=re.S)
    assert block, "docs/disputes.md lost its workflow markers"
    expected = workflow.markdown()
    if os.environ.get("WORKFLOW_DOCS") == "update":
        DOCS.write_text(text[: block.start(1)] + expected + text[block.end(1) :])
        return
    assert block.group(1) == expected, "run WORKFLOW_DOCS=update pytest tests/disputes/test_workflow.py"
