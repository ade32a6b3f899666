"""docs/ keeps the state diagrams `manage.py graph_transitions` draws from the code."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize(
    "models, path",
    [
        (["financing.Application"], "financing-states.dot"),
        (["market.Listing", "market.Deal"], "market-states.dot"),
        (["registry.Demand"], "registry-states.dot"),
        (["disputes.Dispute"], "disputes-states.dot"),
    ],
)
def test_state_diagrams_are_current(models, path):
    out = io.StringIO()
    with translation.override("en"):  # the docs are in English, whatever the catalogue translates
        call_command("graph_transitions", *models, stdout=out)
    # graph_transitions lists nodes in set order: compare the lines, not their order.
    assert sorted(out.getvalue().split("\n")) == sorted((DOCS / path).read_text().split("\n")), f"regenerate {path}"
