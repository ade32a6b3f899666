"""Demo listings and a few deals (used by `manage.py seed_demo`).

Idempotent: listings are added only until each deal type has its target number
of published listings, on assets that have none yet.
"""

import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ipmarket.accounts.models import Organisation, User
from ipmarket.assets import rules
from ipmarket.assets.demo import FIXED_LISTED, FIXED_UNLISTED, fixed_patents
from ipmarket.assets.models import Patent, Trademark
from ipmarket.core.money import money

from . import services
from .models import Listing

DealType = Listing.DealType
PER_TYPE_PER_SCALE = 100
PRICE_RANGES = {  # CNY, rounded to the thousand
    DealType.ASSIGNMENT: (200_000, 5_000_000),
    DealType.EXCLUSIVE_LICENSE: (100_000, 2_000_000),
    DealType.SOLE_LICENSE: (80_000, 1_500_000),
    DealType.NON_EXCLUSIVE_LICENSE: (20_000, 500_000),
    DealType.OPEN_LICENSE: (5_000, 100_000),
}
OPEN_TERMS = "许可费经平台托管一次性支付；合同备案后放款给专利权人。"
DESCRIPTIONS = {
    DealType.ASSIGNMENT: "专利权（商标专用权）整体转让，转让登记由双方共同办理。",
    DealType.EXCLUSIVE_LICENSE: "独占许可：许可期内仅被许可人可实施，许可人本人也不实施。",
    DealType.SOLE_LICENSE: "排他许可：许可期内许可人可自行实施，但不再许可第三方。",
    DealType.NON_EXCLUSIVE_LICENSE: "普通许可：可同时许可多家企业实施。",
    DealType.OPEN_LICENSE: "开放许可：书面通知并支付许可费即获得许可，无需谈判。",
}


def _listing(asset, deal_type: str, rng: random.Random, status=Listing.Status.PUBLISHED) -> Listing:
    low, high = PRICE_RANGES[deal_type]
    price = money(round(rng.randint(low, high), -3))
    licence = deal_type != DealType.ASSIGNMENT
    return Listing(
        **{asset.asset_type: asset},
        seller_id=asset.owner_id,
        deal_type=deal_type,
        price=price,
        negotiable=deal_type != DealType.OPEN_LICENSE and rng.random() < 0.8,
        term_months=rng.choice([24, 36, 60]) if licence else None,
        payment_terms=OPEN_TERMS if deal_type == DealType.OPEN_LICENSE else "",
        description=DESCRIPTIONS[deal_type],
        status=status,
        published_at=timezone.now() - timezone.timedelta(days=rng.randint(0, 200)),
    )


@transaction.atomic
def seed_listings(scale: int, fixed_enterprises: list[Organisation]) -> None:
    today = timezone.localdate()
    target = PER_TYPE_PER_SCALE * scale
    have = dict(
        Listing.objects.filter(status=Listing.Status.PUBLISHED)
        .values_list("deal_type")
        .annotate(n=Count("id"))
        .values_list("deal_type", "n")
    )
    fixed_ids = {o.pk for o in fixed_enterprises}
    listed_patents = set(Listing.objects.filter(patent__isnull=False).values_list("patent_id", flat=True))
    listed_marks = set(Listing.objects.filter(trademark__isnull=False).values_list("trademark_id", flat=True))
    patents = [
        p
        for p in Patent.objects.in_force(today).filter(pledged=False).exclude(owner_id__in=fixed_ids).order_by("id")
        if p.pk not in listed_patents
    ]
    marks = [
        t
        for t in Trademark.objects.in_force(today).filter(pledged=False).exclude(owner_id__in=fixed_ids).order_by("id")
        if t.pk not in listed_marks
    ]
    rng = random.Random(f"listings-{scale}")
    new: list[Listing] = []
    # Open licences need a patent with fees paid; the other types take patents and trademarks alike.
    fee_ok = [p for p in patents if not rules.fees_unpaid(p, today)]
    open_count = max(0, target - have.get(DealType.OPEN_LICENSE, 0))
    chosen_open = fee_ok[:open_count]
    chosen_ids = {p.pk for p in chosen_open}
    patents = [p for p in patents if p.pk not in chosen_ids]
    new += [_listing(p, DealType.OPEN_LICENSE, rng) for p in chosen_open]
    pool = (
        [a for pair in zip(patents, marks, strict=False) for a in pair] + patents[len(marks) :] + marks[len(patents) :]
    )
    for deal_type in (
        DealType.ASSIGNMENT,
        DealType.EXCLUSIVE_LICENSE,
        DealType.SOLE_LICENSE,
        DealType.NON_EXCLUSIVE_LICENSE,
    ):
        needed = max(0, target - have.get(deal_type, 0))
        taken, pool = pool[:needed], pool[needed:]
        new += [_listing(a, deal_type, rng) for a in taken]
    # A few drafts and withdrawn listings, as sellers leave them.
    for status in (Listing.Status.DRAFT, Listing.Status.WITHDRAWN):
        if not Listing.objects.filter(status=status).exists():
            new += [_listing(a, DealType.NON_EXCLUSIVE_LICENSE, rng, status=status) for a in pool[: 5 * scale]]
            pool = pool[5 * scale :]
    Listing.objects.bulk_create(new, batch_size=2000)

    # Each demo enterprise lists its remaining granted patents (in force, fees paid: see assets/demo.py).
    Listing.objects.bulk_create(
        [
            _listing(patent, deal_type, random.Random(f"fixed-{patent.pk}"))
            for org in fixed_enterprises
            for patent, deal_type in zip(
                fixed_patents(org)[FIXED_UNLISTED : FIXED_UNLISTED + FIXED_LISTED],
                [DealType.NON_EXCLUSIVE_LICENSE, DealType.ASSIGNMENT, DealType.OPEN_LICENSE],
                strict=False,
            )
            if patent.pk not in listed_patents
        ]
    )


@transaction.atomic
def seed_deals(people: dict[str, User], orgs: dict[str, Organisation]) -> None:
    """enterprise2 negotiates a licence from enterprise1; enterprise1's offer for enterprise2's patent is accepted,
    and so is its offer for a non-exclusive licence of another of enterprise2's patents (its filing deadline runs)."""
    a, b = orgs["enterprise_a"], orgs["enterprise_b"]
    if Listing.objects.filter(seller__in=[a, b], deals__isnull=False).exists():
        return
    first = Listing.objects.filter(seller=a, deal_type=DealType.NON_EXCLUSIVE_LICENSE, status="published").first()
    second = Listing.objects.filter(seller=b, deal_type=DealType.ASSIGNMENT, status="published").first()
    if first:
        services.inquiry_create(
            listing=first,
            by=people["enterprise2"],
            message="您好，我司拟在成都生产线实施该专利，许可费能否分两期支付？",
        )
    if second:
        deal = services.inquiry_create(
            listing=second,
            by=people["enterprise1"],
            message="我司有意受让该专利，请确认转让登记所需材料。",
            offer=second.price if second.negotiable else None,
        ).deal
        services.deal_accept(deal=deal, by=people["enterprise2"], price=deal.price, note="同意按报价转让。")
    # A licence in effect: its contract is to be filed with CNIPA within three months (docs/market.md).
    licence = Listing.objects.filter(
        seller=b, deal_type=DealType.NON_EXCLUSIVE_LICENSE, status="published", patent__isnull=False
    ).first()
    if licence:
        deal = services.inquiry_create(
            listing=licence,
            by=people["enterprise1"],
            message="我司拟在资阳基地实施该专利，接受普通许可报价。",
            offer=licence.price if licence.negotiable else None,
        ).deal
        services.deal_accept(deal=deal, by=people["enterprise2"], price=deal.price, note="同意许可，请按期备案。")
