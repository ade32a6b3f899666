"""Demo registry (used by `manage.py seed_demo` after the applications): the admitted batch
2026年第二批知识产权融资需求名录 with twelve enterprises' demands, interest from bank_officer1's and
bank_officer2's banks, and enterprise1's demand matched with bank A (its draft pledge application made).
Idempotent: once the batch exists, nothing changes."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from financing.models import Programme
from ipmarket.accounts.models import Organisation, User
from ipmarket.assets.models import Patent, Trademark

from . import services
from .models import Demand, DemandAsset, DemandBatch, DemandEvent, Industry

BATCH_NAME = "2026年第二批知识产权融资需求名录"
BATCH_EN = "IP financing demand registry, 2026 batch 2"
SIZE = 12
PURPOSES = [
    "购置智能装备生产线，扩大产能",
    "研发中心建设与新产品试制",
    "采购原材料，补充流动资金",
    "专利技术产业化及中试",
    "品牌推广与市场拓展",
    "数字化车间改造",
]
INDUSTRIES = [Industry.C, Industry.I, Industry.M, Industry.A, Industry.F, Industry.C]


def _usable_asset(enterprise: Organisation, skip: set[int]):
    """A granted patent or registered trademark of the enterprise in force and free to be offered."""
    for patent in Patent.objects.in_force().filter(owner=enterprise, pledged=False).order_by("application_number"):
        if patent.pk not in skip and services.asset_refusal(patent, enterprise.pk, timezone.localdate()) is None:
            return patent
    for mark in Trademark.objects.in_force().filter(owner=enterprise, pledged=False).order_by("registration_number"):
        if services.asset_refusal(mark, enterprise.pk, timezone.localdate()) is None:
            return mark
    return None


def _fields(n: int) -> dict:
    consent = n % 2 == 0
    return {
        "amount": Decimal(100_000 * (10 + 7 * n)),  # 1,000,000 to 8,700,000
        "term_months": 12 if n % 3 else 6,
        "purpose": PURPOSES[n % len(PURPOSES)],
        "industry": INDUSTRIES[n % len(INDUSTRIES)],
        "contact_consent": consent,
        "contact_name": "联系人" + "甲乙丙丁戊己庚辛壬癸子丑"[n] if consent else "",
        "contact_phone": f"0283{n:03d}{n:04d}" if consent else "",
    }


def _submitted_without_member(programme: Programme, enterprise: Organisation, asset, n: int) -> Demand:
    """A generated enterprise has no demo people: its demand is written as submitted, as if it had filed it."""
    fields = _fields(n)
    demand = Demand(
        programme=programme,
        enterprise=enterprise,
        created_by=User.objects.get(username="platform1"),
        state=Demand.State.SUBMITTED,
        **fields,
    )
    demand.amount = services._cny(fields["amount"], "amount")
    demand.save()
    DemandAsset.objects.create(demand=demand, **{asset.asset_type: asset})
    DemandEvent.objects.create(demand=demand, action="submit", from_state="draft", to_state="submitted", note="demo")
    return demand


@transaction.atomic
def seed_registry(programme: Programme, orgs: dict[str, Organisation], people: dict[str, User]) -> None:
    if DemandBatch.objects.filter(name=BATCH_NAME).exists():
        return
    platform = people["platform1"]
    batch = services.batch_create(
        by=platform, programme=programme, name=BATCH_NAME, name_en=BATCH_EN, year=2026, number=2
    )
    demands = []
    # enterprise1 and enterprise2 file through the services; then generated enterprises, in a stable order.
    for key, person in (("enterprise_a", "enterprise1"), ("enterprise_b", "enterprise2")):
        asset = _usable_asset(orgs[key], set())
        if asset is None:
            continue
        d = services.demand_create(
            by=people[person], programme=programme, assets=[asset], enterprise=orgs[key], **_fields(len(demands))
        )
        demands.append(services.demand_submit(demand=d, by=people[person]))
    fixed = {orgs["enterprise_a"].pk, orgs["enterprise_b"].pk}
    others = Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, is_active=True).exclude(pk__in=fixed)
    for enterprise in others.order_by("unified_social_credit_code"):
        if len(demands) >= SIZE:
            break
        asset = _usable_asset(enterprise, set())
        if asset is not None:
            demands.append(_submitted_without_member(programme, enterprise, asset, len(demands)))
    for d in demands:
        services.demand_admit(demand=d, by=platform, batch=batch, note="2026年第二批")
    chosen = None
    for n, d in enumerate(demands):
        if n % 2 == 0 or n < 3:
            interest = services.interest_register(
                demand=d,
                by=people["bank_officer1"],
                indicative_principal=d.amount,
                indicative_rate=Decimal("0.0435"),
                note="可提供知识产权质押贷款，期限与需求一致",
            )
            if d.enterprise_id == orgs["enterprise_a"].pk:
                chosen = (d, interest)
        if n % 3 == 0 or n == 1:
            services.interest_register(
                demand=d,
                by=people["bank_officer2"],
                indicative_principal=(d.amount.amount * Decimal("0.8")).quantize(Decimal("0.01")),
                indicative_rate=Decimal("0.042"),
                note="需补充近两年财务报表",
            )
    if chosen is not None:
        d, interest = chosen
        services.demand_choose(
            demand=d, by=people["enterprise1"], interest=interest, insurer=orgs["insurer"], appraiser=orgs["appraiser"]
        )
