"""financing/workflow.py is the one declaration of the loan application's actions: the model's transitions,
the services, the API, the pages and the docs agree with it (each check fails if one of them drifts)."""

import os
import re
from pathlib import Path

import pytest

from financing import services, workflow
from financing.api import ApplicationViewSet
from financing.models import Application
from financing.services import common
from tests.access import expect

DOCS = Path(__file__).resolve().parents[2] / "docs" / "financing.md"
S = Application.State


def _model_transitions() -> set[tuple[str, str, str]]:
    field = Application._meta.get_field("state")
    return {(t.name, t.source, t.target) for t in field.get_all_transitions(Application)}


def test_every_action_runs_only_the_model_transitions_it_names_from_the_states_it_names():
    names = {name for name, _source, _target in _model_transitions()}
    for action in workflow.ACTIONS_DECLARED:
        assert set(action.moves) <= names, action.name
        sources = {source for source, _target in workflow.moves_of(action)}
        if action.moves:
            assert sources == set(action.sources), action.name
        assert set(action.sources) <= set(S.values), action.name


def test_every_model_transition_belongs_to_one_action_or_to_the_nightly_job():
    owners: dict[str, list[str]] = {}
    for action in workflow.ACTIONS_DECLARED:
        for move in action.moves:
            owners.setdefault(move, []).append(action.name)
    for name, source, target in _model_transitions():
        if name in workflow.JOB_MOVES:
            assert workflow.JOB_MOVES[name] == (source, target)
            continue
        assert len(owners.get(name, [])) == 1, f"transition {name} ({source} → {target}) has owners {owners.get(name)}"


def test_every_action_has_its_service_and_the_services_derive_their_tables_from_the_workflow():
    functions = [action.service for action in workflow.ACTIONS_DECLARED]
    assert None not in functions
    assert len(set(functions)) == len(functions)  # one service per action
    assert services.ACTION_SERVICES == {a.name: a.service for a in workflow.ACTIONS_DECLARED}
    assert common.ACTIONS == {a.name: list(a.sources) for a in workflow.ACTIONS_DECLARED}
    for action in workflow.ACTIONS_DECLARED:
        assert action.service.__name__ == f"application_{action.name}", action.name


def test_the_pages_words_and_the_access_tables_cover_every_action():
    for action in workflow.ACTIONS_DECLARED:
        assert action.sides and action.label and action.done and action.who, action.name
        # every action on the way forward says what it waits for; side exits are shown only when possible
        assert action.side_exit or action.waiting, action.name
    assert set(expect.FINANCING_WHO) == set(workflow.ACTIONS)


def test_forward_moves_follow_the_transitions_and_lead_from_draft_to_both_ends():
    reachable, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        frontier = [n for s in frontier for n in workflow.FORWARD.get(s, []) if n not in reachable]
        reachable |= set(frontier)
    assert set(workflow.MAIN + workflow.REPAID_END + workflow.LOSS_END) <= reachable
    assert not workflow.EXITS & reachable  # side exits are not the way forward


def test_the_state_diagram_in_the_docs_is_the_workflow():
    text = DOCS.read_text()
    block = re.search(r"<!-- workflow:start -->\n(.*?)<!-- workflow:end -->", text, flags=re.S)
    assert block, "docs/financing.md lost its workflow markers"
    expected = workflow.markdown()
    if os.environ.get("WORKFLOW_DOCS") == "update":
        DOCS.write_text(text[: block.start(1)] + expected + text[block.end(1) :])
        return
    assert block.group(1) == expected, "run WORKFLOW_DOCS=update pytest tests/financing/test_workflow.py"


def test_the_api_takes_each_actions_body(settings):
    """The viewset's action endpoint validates with the body the workflow names (one place to add one)."""
    source = Path(ApplicationViewSet.actions.__code__.co_filename).read_text()
    assert "workflow.ACTIONS[action_name].body" in source
    assert "ACTION_BODIES" not in source


@pytest.mark.django_db
def test_a_page_offers_only_the_actions_the_workflow_allows(client, make_app, parties):
    """As the bank's officer on a valued application: bank_propose and the side exits the workflow allows
    the bank, nothing else enabled."""
    app = make_app("valued")
    client.force_login(parties.officer)
    response = client.get(f"/financing/applications/{app.pk}/")
    assert response.status_code == 200
    offered = {a["name"] for a in response.context["actions"] if a["enabled"]}
    expected = {
        a.name
        for a in workflow.ACTIONS_DECLARED
        if app.state in a.sources and "bank" in a.sides and a.refusal(parties.officer, app) is None
    }
    expected -= {"bank_approve"} if app.proposed_by_id is None else set()
    assert offered == expected == {"bank_propose", "return", "reject"}
