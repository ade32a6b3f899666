"""Query-count baselines of the subsidies (tests/querycount.py): the API list and totals, and the pages (the
borrower's, the approval and payment queues, the totals), each measured with a few rows and with more, against
tests/subsidies/query_counts.json."""

import pytest

from financing.subsidies import services
from financing.subsidies.models import Subsidy
from tests.querycount import Baselines, api_as, api_count, api_length, count_links, page_as

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
URL = "/api/v1/financing/subsidies/"
ROWS = count_links(r'id="subsidy-(\d+)"')


def test_api_list_and_totals(loan, parties):
    loan(paid=(1,))
    callers = {"enterprise member": parties.owner, "fund": parties.fund_person, "platform staff": parties.platform}
    clients = {who: api_as(person) for who, person in callers.items()}
    BASELINES.check_many(
        {f"GET {URL} as {who}": (lambda c=c: c.get(URL)) for who, c in clients.items()},
        rows=api_count,
        grow=lambda: loan(paid=(1, 2)),
    )


def test_api_totals(loan, parties):
    loan(paid=(1,))
    client = api_as(parties.platform)
    BASELINES.check(f"GET {URL}totals/ as platform staff", lambda: client.get(f"{URL}totals/"))
    assert api_length(client.get(f"{URL}totals/")) >= 1


def _claim_all(parties):
    services.subsidies_claim_all(by=parties.owner)


def test_pages(loan, parties):
    loan(paid=(1,))
    _claim_all(parties)
    pages = {
        "GET /financing/subsidies/ as enterprise member": (parties.owner, "/financing/subsidies/"),
        "GET /financing/subsidies/approvals/ as platform staff": (parties.platform, "/financing/subsidies/approvals/"),
    }
    clients = {key: (page_as(user), path) for key, (user, path) in pages.items()}

    def grow():
        loan(paid=(1, 2))
        _claim_all(parties)

    BASELINES.check_many({key: (lambda c=c, p=p: c.get(p)) for key, (c, p) in clients.items()}, rows=ROWS, grow=grow)


def test_payment_queue(loan, parties):
    def approved():
        app = loan(paid=(1,))
        for s in Subsidy.objects.filter(application=app):
            services.subsidy_claim(subsidy=s, by=parties.owner)
            services.subsidy_approve(subsidy=s, by=parties.platform)

    approved()
    client = page_as(parties.fund_person)
    path = "/financing/subsidies/payments/"
    BASELINES.check(f"GET {path} as fund", lambda: client.get(path), rows=ROWS, grow=approved)


def test_totals_page(loan, parties):
    loan(paid=(1,))
    client = page_as(parties.platform)
    path = "/financing/subsidies/totals/"
    BASELINES.check(f"GET {path} as platform staff", lambda: client.get(path))
