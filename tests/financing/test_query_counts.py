"""Query-count baselines of pledge financing (tests/querycount.py): the programmes and applications of the
API with an application's schedule, events and documents, and the workspace pages (each party's queue, an
application, the new-application and edit forms), each measured with a few rows and with more, against
tests/financing/query_counts.json. Applications are brought to their states by the real services
(`make_app` of tests/financing/conftest.py)."""

import pytest

from financing import services
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.financing.factories import ProgrammeFactory, upload
from tests.querycount import Baselines, api_as, api_count, api_length, count_links, page_as

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
PROGRAMMES, APPS = "/api/v1/financing/programmes/", "/api/v1/financing/applications/"
APPLICATION_LINKS = count_links(r'href="/financing/applications/(\d+)/"')


def apps(make_app, state, n):
    return [make_app(state) for _ in range(n)]


# --- the API -------------------------------------------------------------------------------------


def test_programme_list(programme):
    client = api_as(None)
    BASELINES.check(f"GET {PROGRAMMES} as anonymous", lambda: client.get(PROGRAMMES))


def test_programme_list_does_not_grow_with_the_programmes(programme):
    client = api_as(None)
    BASELINES.check(
        f"GET {PROGRAMMES} as anonymous",
        lambda: client.get(PROGRAMMES),
        rows=api_count,
        grow=lambda: ProgrammeFactory.create_batch(4),
    )


def test_application_list(parties, make_app):
    """Valued applications (every party named sees them) with a pledged patent and trademark each, listed
    by the borrower, the bank and the platform."""
    callers = {"enterprise member": parties.owner, "bank officer": parties.officer, "platform staff": parties.platform}
    clients = {who: api_as(person) for who, person in callers.items()}

    def add(n):
        for _ in range(n):
            assets = [PatentFactory(owner=parties.borrower), TrademarkFactory(owner=parties.borrower)]
            make_app("valued", assets=assets)

    add(2)
    BASELINES.check_many(
        {f"GET {APPS} as {who}": (lambda client=client: client.get(APPS)) for who, client in clients.items()},
        rows=api_count,
        grow=lambda: add(3),
    )


def test_the_list_shows_each_claim_read_with_its_application(parties, make_app, defaulted):
    """The claim comes with the application (select_related), not from a query per row: a loan with a
    settled claim shows its shares, one without shows null."""
    settled = defaulted(principal="3000000")
    services.application_submit_claim(application=settled, by=parties.officer)
    services.application_settle_claim(application=settled, by=parties.fund_person)
    draft = make_app("draft")
    body = {a["id"]: a for a in api_as(parties.owner).get(APPS).json()["results"]}
    assert body[draft.pk]["claim"] is None
    claim = body[settled.pk]["claim"]
    assert (claim["outstanding_principal"], claim["fund_share"], claim["insurer_share"]) == (
        "3000000.00",
        "1000000.00",
        "1200000.00",
    )
    assert claim["submitted_at"] and claim["settled_at"]


@pytest.fixture
def loan(make_app):
    """A loan being repaid: a schedule, an audit trail of every step and the valuation report."""
    return make_app("active")


def add_documents(app, people, n):
    """n documents of kind "other", uploaded by the given people in turn."""
    for i in range(n):
        services.document_upload(
            application=app, by=people[i % len(people)], kind="other", upload=upload(name=f"附件{i}.pdf")
        )


@pytest.mark.parametrize("who", ["enterprise member", "bank officer"])
def test_application_documents(who, parties, loan):
    person = parties.owner if who == "enterprise member" else parties.officer
    client = api_as(person)
    url = f"{APPS}{loan.pk}/documents/"
    BASELINES.check(
        f"GET {APPS}<id>/documents/ as {who}",
        lambda: client.get(url),
        rows=api_length,
        grow=lambda: add_documents(loan, [parties.owner, parties.officer], 4),
    )


def test_application_events(parties, make_app):
    """The audit trail grows with each step, each by another person of the path."""
    app = make_app("submitted")
    client = api_as(parties.owner)
    url = f"{APPS}{app.pk}/events/"

    def steps():
        services.application_prescreen(application=app, by=parties.platform)
        services.application_verify_ip(application=app, by=parties.platform)
        add_documents(app, [parties.owner, parties.valuer], 2)  # uploads are part of the trail

    BASELINES.check(
        f"GET {APPS}<id>/events/ as enterprise member", lambda: client.get(url), rows=api_length, grow=steps
    )


def test_application_schedule(parties, make_app):
    """A 12-month loan against a 6-month one: one row per instalment, the same queries."""
    client = api_as(parties.officer)
    short, long = make_app("active", term_months=6), make_app("active", term_months=12)
    urls = iter([f"{APPS}{short.pk}/schedule/", f"{APPS}{long.pk}/schedule/"])
    current = {"url": next(urls)}
    BASELINES.check(
        f"GET {APPS}<id>/schedule/ as bank officer",
        lambda: client.get(current["url"]),
        rows=api_length,
        grow=lambda: current.update(url=next(urls)),
    )


# --- the pages -----------------------------------------------------------------------------------

# Each party's queue on /financing/: the person, and the state an application waits in for them.
QUEUES = {
    "enterprise member": ("owner", "draft"),
    "bank officer": ("officer", "valued"),
    "insurer": ("underwriter", "bank_approved"),
    "appraiser": ("valuer", "ip_verified"),
    "risk fund": ("fund_person", "insured"),
    "platform staff": ("platform", "submitted"),
}


def test_workspace(parties, make_app):
    """Each party's workspace, with one application waiting in each queue, then three."""
    clients = {who: page_as(getattr(parties, person)) for who, (person, _state) in QUEUES.items()}

    def add(n):
        for _person, state in QUEUES.values():
            apps(make_app, state, n)

    add(1)
    BASELINES.check_many(
        {f"GET /financing/ as {who}": (lambda c=c: c.get("/financing/")) for who, c in clients.items()},
        rows=APPLICATION_LINKS,
        grow=lambda: add(2),
    )


@pytest.mark.parametrize("who", ["enterprise member", "bank officer"])
def test_application_page(who, parties, loan):
    person = parties.owner if who == "enterprise member" else parties.officer
    client = page_as(person)
    BASELINES.check(
        f"GET /financing/applications/<id>/ as {who}",
        lambda: client.get(f"/financing/applications/{loan.pk}/"),
        rows=count_links(rf'href="/api/v1/financing/applications/{loan.pk}/documents/(\d+)/"'),
        grow=lambda: add_documents(loan, [parties.owner, parties.officer], 4),
    )


def add_ip(owner, n):
    for _ in range(n):
        PatentFactory(owner=owner)
        TrademarkFactory(owner=owner)


def test_new_application_form(parties, programme):
    """The form lists the enterprise's IP that can be pledged."""
    client = page_as(parties.owner)
    add_ip(parties.borrower, 1)
    BASELINES.check(
        "GET /financing/applications/new/ as enterprise member",
        lambda: client.get("/financing/applications/new/"),
        rows=count_links(r'value="((?:patent|trademark):\d+)"'),
        grow=lambda: add_ip(parties.borrower, 2),
    )


def test_edit_form(parties, make_app):
    (draft,) = apps(make_app, "draft", 1)
    client = page_as(parties.owner)
    add_ip(parties.borrower, 1)
    BASELINES.check(
        "GET /financing/applications/<id>/edit/ as enterprise member",
        lambda: client.get(f"/financing/applications/{draft.pk}/edit/"),
        rows=count_links(r'value="((?:patent|trademark):\d+)"'),
        grow=lambda: add_ip(parties.borrower, 2),
    )
