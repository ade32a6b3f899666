"""Factories of the financing-demand registry: a world of parties (tests/financing/factories.py's `cast`, a
second bank, a programme with a panel appraiser), demands brought to any state through the real services."""

from decimal import Decimal
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta

from financing.models import PanelAppraiser
from financing.registry import services
from financing.registry.models import Demand, DemandBatch, Interest
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory
from tests.financing.factories import ProgrammeFactory, cast, today

PATH = ["draft", "submitted", "admitted", "matched"]


def fresh(demand) -> Demand:
    """The demand as stored now (the state field is protected: refresh_from_db cannot set it)."""
    return Demand.objects.get(pk=demand if isinstance(demand, int) else demand.pk)


def world() -> SimpleNamespace:
    """A programme (with its panel appraiser), a batch, an enterprise in 资阳 (`owner`), bank A (`officer`),
    bank B (`officer2`), another enterprise (`stranger`), the insurer, the appraiser, platform people."""
    w = cast()
    w.programme = ProgrammeFactory(risk_fund=w.fund)
    PanelAppraiser.objects.create(
        programme=w.programme,
        appraiser=w.appraiser,
        qualification="资产评估资格",
        valid_from=today() - relativedelta(years=1),
        valid_until=today() + relativedelta(years=1),
        admitted_by=w.platform,
    )
    w.batch = services.batch_create(
        by=w.platform, programme=w.programme, name="2026年第二批测试名录", year=2026, number=2
    )
    w.bank2 = OrganisationFactory(kind="bank", city="成都")
    w.officer2 = member_of(w.bank2, role="officer")
    w.other_enterprise = OrganisationFactory(kind="enterprise")
    w.stranger = member_of(w.other_enterprise, role="admin")
    return w


def demand(w, state="draft", *, assets=None, banks=(), amount="3000000", term_months=12, by=None, **fields) -> Demand:
    """A demand of `w.borrower` by `w.owner`, brought to `state` (one of PATH) by the real services; `matched`
    chooses bank A's interest."""
    fields.setdefault("purpose", "研发投入与流动资金")
    fields.setdefault("industry", "C")
    d = services.demand_create(
        by=by or w.owner,
        programme=w.programme,
        assets=assets if assets is not None else [PatentFactory(owner=w.borrower)],
        banks=banks,
        amount=Decimal(amount),
        term_months=term_months,
        **fields,
    )
    steps = PATH[1 : PATH.index(state) + 1]
    if "submitted" in steps:
        services.demand_submit(demand=d, by=w.owner)
    if "admitted" in steps:
        services.demand_admit(demand=d, by=w.platform, batch=w.batch)
    if "matched" in steps:
        interest = register(w, d)
        services.demand_choose(demand=d, by=w.owner, interest=interest)
    d = fresh(d)
    assert d.state == state
    return d


def register(w, d, *, by=None, principal="2000000", rate="0.04", note="") -> Interest:
    return services.interest_register(
        demand=d, by=by or w.officer, indicative_principal=Decimal(principal), indicative_rate=Decimal(rate), note=note
    )


def batch(w, **fields) -> DemandBatch:
    fields.setdefault("name", f"名录{DemandBatch.objects.count() + 1}")
    fields.setdefault("year", 2027)
    fields.setdefault("number", DemandBatch.objects.count() + 1)
    return services.batch_create(by=w.platform, programme=fields.pop("programme", w.programme), **fields)
