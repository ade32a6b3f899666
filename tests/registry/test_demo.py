"""The registry demo: an admitted batch of twelve demands with two banks' interest and one choice; a second run
changes nothing."""

from decimal import Decimal

from financing.registry.demo import BATCH_NAME, seed_registry
from financing.registry.models import Demand, DemandBatch, DemandEvent, Interest
from tests.access.people import demo_people
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.financing.factories import ProgrammeFactory
from tests.registry.factories import world


def test_seed_registry_is_complete_and_idempotent(db):
    orgs, users, _ = demo_people()
    programme = ProgrammeFactory(risk_fund=orgs.fund, max_principal=Decimal("10000000"))
    world()  # other enterprises, banks and an insurer: the demo names its parties
    from tests.accounts.factories import OrganisationFactory

    for n in range(12):
        enterprise = OrganisationFactory(kind="enterprise", name=f"演示企业{n}")
        (PatentFactory if n % 2 else TrademarkFactory)(owner=enterprise)
    PatentFactory(owner=orgs.enterprise_a)
    TrademarkFactory(owner=orgs.enterprise_b)
    org_map = {k: getattr(orgs, k) for k in vars(orgs)}
    people = {**users, "platform1": users["platform1"]}
    seed_registry(programme, org_map, people)
    batch = DemandBatch.objects.get(name=BATCH_NAME)
    listed = Demand.objects.filter(batch=batch)
    assert listed.count() == 12
    assert listed.values("enterprise").distinct().count() == 12
    banks = set(Interest.objects.filter(demand__batch=batch).values_list("bank", flat=True))
    assert banks == {orgs.bank_a.pk, orgs.bank_b.pk}
    matched = listed.get(state="matched")
    assert matched.enterprise == orgs.enterprise_a and matched.application.lender == orgs.bank_a
    assert listed.filter(state="admitted").count() == 11
    counts = (Demand.objects.count(), Interest.objects.count(), DemandEvent.objects.count())
    seed_registry(programme, org_map, people)
    assert (Demand.objects.count(), Interest.objects.count(), DemandEvent.objects.count()) == counts
