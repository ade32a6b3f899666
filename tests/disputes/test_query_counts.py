"""Query-count baselines of IP protection (tests/querycount.py): the case list as the claimant, platform staff
and a partner, one case, its audit trail and documents, the public enforcement decisions; and the pages: the
case list (with overdue mediations), one case as platform staff and as the claimant, the public decisions.
Each is measured with a few rows and with more, against tests/disputes/query_counts.json."""

import re
from itertools import count

import pytest
from django.utils import timezone

from ipmarket.disputes import services
from ipmarket.disputes.models import Dispute, DisputeAsset
from search import indexes
from search.client import get_client
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.disputes.factories import dispute, upload, yesterday
from tests.querycount import Baselines, api_as, api_count, api_length, count_links, page_as

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
DISPUTES, DECISIONS = "/api/v1/disputes/", "/api/v1/enforcement-decisions/"
CASE_LINKS = count_links(r'href="/disputes/(\d+)/"')
DECISION_LINKS = count_links(r'href="/disputes/decisions/(\d+)/"')
NUMBERS = count(1)


@pytest.fixture(autouse=True)
def _drop_the_test_index():
    yield
    try:
        get_client().indices.delete(index=f"{indexes.alias('decisions')}-*", ignore_unavailable=True)
    except Exception:
        pass


def requests(key: str, people: dict, path: str, client=api_as) -> dict:
    """`check_many`'s requests: GET `path` as each person, keyed `key` with the caller's name."""
    clients = {who: client(person) for who, person in people.items()}
    return {f"{key} as {who}": (lambda c=c: c.get(path)) for who, c in clients.items()}


def two_assets(w):
    return [PatentFactory(owner=w.claimant), TrademarkFactory(owner=w.claimant)]


def cases(w, n):
    """`n` cases of the claimant in states offering different actions, each about a patent and a trademark,
    shared with the court (so that the partner checks of `allowed_actions` read shares)."""
    states = ["filed", "in_mediation", "under_investigation", "referred", "transferred"]
    made = []
    for i in range(n):
        d = dispute(w, states[i % len(states)], assets=two_assets(w))
        services.dispute_share(dispute=d, by=w.platform, partner=w.court)
        made.append(d)
    return made


def evidence(w, d, n):
    for i in range(n):
        services.document_upload(dispute=d, by=w.owner, kind="evidence", upload=upload(f"证据{i}.pdf"))


def decide(w, n):
    for _ in range(n):
        d = dispute(w, "under_investigation", assets=two_assets(w))
        services.dispute_record_decision(
            dispute=d,
            by=w.platform,
            number=f"成知执罚〔2025〕{next(NUMBERS)}号",
            decided_on=timezone.localdate(),
            decision="责令立即停止销售侵权产品，并处罚款。",
            public=True,
        )


# --- the API ------------------------------------------------------------------------------------------


def test_dispute_list(w):
    callers = {"claimant": w.owner, "platform staff": w.platform, "court (a partner)": w.judge}
    cases(w, 3)
    BASELINES.check_many(
        requests(f"GET {DISPUTES}", callers, DISPUTES),
        rows=api_count,
        grow=lambda: cases(w, 5),
    )


def test_one_dispute(w):
    d = dispute(w, "in_mediation", assets=two_assets(w))
    services.dispute_share(dispute=d, by=w.platform, partner=w.court)
    url = f"{DISPUTES}{d.pk}/"
    callers = {"claimant": w.owner, "platform staff": w.platform, "court (a partner)": w.judge}

    def grow():
        for _ in range(3):
            DisputeAsset.objects.create(dispute=d, patent=PatentFactory(owner=w.claimant))
        services.dispute_share(dispute=d, by=w.platform, partner=w.arbitration)

    BASELINES.check_many(
        requests(f"GET {DISPUTES}<id>/", callers, url),
        rows=lambda response: len(response.json()["assets"]),
        grow=grow,
    )


def test_dispute_events(w):
    d = dispute(w, "in_mediation")
    evidence(w, d, 1)
    url = f"{DISPUTES}{d.pk}/events/"

    def grow():
        evidence(w, d, 2)
        services.session_record(dispute=d, by=w.mediator, held_on=timezone.localdate(), summary="双方到场陈述。")
        services.dispute_share(dispute=d, by=w.platform, partner=w.court)
        services.record_access(dispute=d, by=w.judge, what="case record")

    BASELINES.check_many(
        requests(f"GET {DISPUTES}<id>/events/", {"claimant": w.owner, "platform staff": w.platform}, url),
        rows=api_length,
        grow=grow,
    )


def test_dispute_documents(w):
    d = dispute(w, "in_mediation")
    evidence(w, d, 2)
    services.dispute_share(dispute=d, by=w.platform, partner=w.court)  # every document
    url = f"{DISPUTES}{d.pk}/documents/"

    def grow():
        evidence(w, d, 4)
        services.dispute_share(dispute=d, by=w.platform, partner=w.court)  # the new ones too

    callers = {"claimant": w.owner, "platform staff": w.platform, "court (a partner)": w.judge}
    BASELINES.check_many(
        requests(f"GET {DISPUTES}<id>/documents/", callers, url),
        rows=api_length,
        grow=grow,
    )


def test_public_decisions(w):
    client = api_as(None)
    decide(w, 2)
    dispute(w, "under_investigation")  # no decision: not listed
    BASELINES.check(
        f"GET {DECISIONS} as anonymous", lambda: client.get(DECISIONS), rows=api_count, grow=lambda: decide(w, 3)
    )


# --- the pages ----------------------------------------------------------------------------------------


def overdue_cases(w, n):
    """`n` cases in mediation past their time limit, and as many in other states."""
    for d in cases(w, n):
        if d.state == Dispute.State.IN_MEDIATION:
            Dispute.objects.filter(pk=d.pk).update(mediation_due=yesterday())
    for _ in range(n):
        d = dispute(w, "in_mediation", assets=two_assets(w))
        Dispute.objects.filter(pk=d.pk).update(mediation_due=yesterday())


def test_the_case_list_page(w):
    overdue_cases(w, 2)
    callers = {"platform staff": w.platform, "claimant": w.owner}
    BASELINES.check_many(
        requests("GET /disputes/", callers, "/disputes/", client=page_as),
        rows=CASE_LINKS,
        grow=lambda: overdue_cases(w, 3),
    )


def full_record(w, d, n):
    """`n` more documents, sessions, outcomes and shares (each share and partner read an event)."""
    evidence(w, d, n)
    for i in range(n):
        services.session_record(dispute=d, by=w.mediator, held_on=timezone.localdate(), summary=f"第{i + 1}次调解。")
        partner = OrganisationFactory(kind="court")
        judge = member_of(partner)
        services.dispute_share(dispute=d, by=w.platform, partner=partner)
        services.record_access(dispute=d, by=judge, what="case record")
        services.dispute_post_outcome(dispute=d, by=judge, reference=f"（2025）川01民初{i + 1}号", result="已立案。")


def record_rows(response) -> int:
    """Documents, sessions and trail rows shown on a case's page."""
    html = response.content.decode()
    return sum(len(re.findall(pattern, html)) for pattern in (r"data-document=", r"data-event=", r"调解。</li>"))


def test_one_case_page(w):
    d = dispute(w, "in_mediation", assets=two_assets(w))
    full_record(w, d, 2)
    path = f"/disputes/{d.pk}/"
    callers = {"platform staff": w.platform, "claimant": w.owner, "mediator": w.mediator}
    BASELINES.check_many(
        requests("GET /disputes/<id>/", callers, path, client=page_as),
        rows=record_rows,
        grow=lambda: full_record(w, d, 3),
    )


def investigated(w, d, n):
    for i in range(n):
        services.step_record(
            dispute=d, by=w.platform, taken_on=timezone.localdate(), kind="inspection", summary=f"第{i + 1}次检查。"
        )


def test_one_case_under_investigation_page(w):
    d = dispute(w, "under_investigation", assets=two_assets(w))
    investigated(w, d, 2)
    client = page_as(w.platform)
    path = f"/disputes/{d.pk}/"
    BASELINES.check(
        "GET /disputes/<id>/ under investigation as platform staff",
        lambda: client.get(path),
        rows=lambda response: response.content.decode().count("检查。</li>"),
        grow=lambda: investigated(w, d, 3),
    )


def test_the_public_decisions_page(w):
    client = page_as(None)
    decide(w, 2)
    indexes.rebuild("decisions")

    def grow():
        decide(w, 3)
        indexes.rebuild("decisions")

    BASELINES.check(
        "GET /disputes/decisions/ as anonymous",
        lambda: client.get("/disputes/decisions/"),
        rows=DECISION_LINKS,
        grow=grow,
    )
