from financing.registry import services
from tests.registry.factories import demand, fresh, register


def test_a_demand_goes_from_draft_to_matched(w):
    d = demand(w, "admitted")
    assert d.admitted_on and d.expires_on
    i1 = register(w, d)
    register(w, d, by=w.officer2)
    d = services.demand_choose(demand=d, by=w.owner, interest=i1)
    assert fresh(d).state == "matched"
    assert d.application.lender == w.bank
