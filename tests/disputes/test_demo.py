"""The IP protection demo (ipmarket/disputes/demo.py): enterprise1's cases against enterprise2's enterprise in each
state the demo people meet, through the real services; a second run adds nothing; the demo enterprise keeps its
free invention patents."""

import pytest
from django.utils import timezone

from ipmarket.accounts import demo as accounts_demo
from ipmarket.assets import demo as assets_demo
from ipmarket.assets.models import Patent
from ipmarket.disputes import selectors, workflow
from ipmarket.disputes.demo import CASES, seed_disputes
from ipmarket.disputes.models import Dispute, DisputeEvent, Document, Session, Share, Step

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (Dispute, DisputeEvent, Document, Session, Share, Step))


@pytest.fixture
def seeded():
    orgs = accounts_demo.seed_organisations(1)
    assets_demo.seed_assets(1, [orgs["enterprise_a"], orgs["enterprise_b"]])
    people = accounts_demo.seed_people(orgs)
    first = seed_disputes(orgs, people)
    return orgs, people, first


def test_the_demo_cases_are_in_each_state_and_a_second_run_adds_nothing(seeded):
    orgs, people, first = seeded
    before = counts()
    again = seed_disputes(orgs, people)
    assert counts() == before
    assert {k: d.pk for k, d in again.items()} == {k: d.pk for k, d in first.items()}
    assert set(first) == set(CASES)
    states = {key: Dispute.objects.get(pk=d.pk).state for key, d in first.items()}
    assert states == {
        "filed": "filed",
        "mediation": "in_mediation",
        "decision": "under_investigation",
        "referred": "referred",
        "transferred": "transferred",
        "withdrawn": "withdrawn",
    }
    for d in Dispute.objects.filter(pk__in=[d.pk for d in first.values()]):
        assert (d.claimant, d.respondent) == (orgs["enterprise_a"], orgs["enterprise_b"])
        assert d.kind in ("infringement", "counterfeit")  # never an ownership case
        assert [a.trademark_id is not None for a in d.assets.all()] == [True]


def test_the_demo_people_see_their_cases(seeded):
    orgs, people, first = seeded
    mediation = Dispute.objects.get(pk=first["mediation"].pk)
    assert mediation.mediator == orgs["mediation"] and mediation.respondent_consent == "consented"
    assert mediation.sessions.count() == 1
    assert mediation.documents.filter(kind="evidence", content_type="application/pdf").count() == 1
    mediator_sees = set(selectors.disputes_visible_to(people["mediator1"]).values_list("pk", flat=True))
    assert {first["mediation"].pk, first["referred"].pk} <= mediator_sees
    assert first["filed"].pk not in mediator_sees
    court_sees = set(selectors.disputes_visible_to(people["court1"]).values_list("pk", flat=True))
    assert court_sees == {first["referred"].pk}
    referred = Dispute.objects.get(pk=first["referred"].pk)
    assert referred.referred_to == orgs["court"] and "post_outcome" in workflow.allowed_actions(
        referred, people["court1"]
    )
    transferred = Dispute.objects.get(pk=first["transferred"].pk)
    assert transferred.bureau == orgs["bureau_chengdu"]
    assert transferred.shares.filter(partner=orgs["bureau_chengdu"]).exists()
    enterprise2_sees = set(selectors.disputes_visible_to(people["enterprise2"]).values_list("pk", flat=True))
    assert first["mediation"].pk in enterprise2_sees and first["filed"].pk not in enterprise2_sees


def test_a_public_decision_is_on_the_public_list(seeded):
    _orgs, _people, first = seeded
    decided = Dispute.objects.get(pk=first["decision"].pk)
    assert decided.steps.count() == 1
    assert decided.decision_public and decided.decided_on == timezone.localdate()
    assert list(selectors.public_decisions().values_list("pk", flat=True)) == [decided.pk]


def test_enterprise1_keeps_five_free_invention_patents(seeded):
    orgs, _people, _first = seeded
    today = timezone.localdate()
    free = [
        p
        for p in Patent.objects.filter(
            owner=orgs["enterprise_a"],
            patent_type="invention",
            legal_status="granted",
            pledged=False,
            ownership_disputed=False,
        )
        if p.in_force(today) and not p.listings.exists()
    ]
    assert len(free) >= 5
