"""Query-count baselines of the registry's API (tests/querycount.py): the demand list as each side, a demand's
interests, the registry batches; each measured with a few rows and with more."""

from financing.registry import services
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.querycount import Baselines, api_as, api_count, api_length
from tests.registry.factories import demand, register

BASELINES = Baselines(__file__)
DEMANDS, BATCHES = "/api/v1/financing/demands/", "/api/v1/financing/demand-batches/"


def test_demand_list(w):
    callers = {"enterprise member": w.owner, "bank officer": w.officer, "platform staff": w.platform}
    clients = {who: api_as(person) for who, person in callers.items()}

    def add(n):
        for _ in range(n):
            assets = [PatentFactory(owner=w.borrower), TrademarkFactory(owner=w.borrower)]
            d = demand(w, "admitted", assets=assets, banks=[w.bank, w.bank2])
            register(w, d)

    add(2)
    BASELINES.check_many(
        {f"GET {DEMANDS} as {who}": (lambda client=client: client.get(DEMANDS)) for who, client in clients.items()},
        rows=api_count,
        grow=lambda: add(3),
    )


def test_interest_list(w):
    d = demand(w, "admitted")
    register(w, d)
    clients = {"enterprise member": api_as(w.owner), "platform staff": api_as(w.platform)}
    url = f"{DEMANDS}{d.pk}/interests/"
    from tests.accounts.factories import OrganisationFactory, member_of

    def grow():
        for _ in range(3):
            register(w, d, by=member_of(OrganisationFactory(kind="bank"), role="officer"))

    BASELINES.check_many(
        {f"GET {DEMANDS}<id>/interests/ as {who}": (lambda c=c: c.get(url)) for who, c in clients.items()},
        rows=api_length,
        grow=grow,
    )


def test_batch_list(w):
    client = api_as(w.platform)
    demand(w, "admitted")

    def grow():
        for n in range(3):
            services.batch_create(by=w.platform, programme=w.programme, name=f"名录{n}", year=2030, number=n + 1)

    BASELINES.check(f"GET {BATCHES} as platform staff", lambda: client.get(BATCHES), rows=api_count, grow=grow)
