"""Demo programme targets (`seed_targets`), from the 资阳 programme's report where it gives a figure.

No past snapshots are made up: the history charts start with the first refresh (`statistics_refresh`, run at
the end of seed_demo) and grow by one day at each daily refresh."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from .models import Metric, Target

CITY = "资阳"
STARTS_ON = dt.date(2025, 1, 1)
DUE_ON = dt.date(2026, 12, 31)
REPORT = "项目申报书"

# (metric, target, note): the first four from the programme's report; the loans and the amount are figures
# chosen for the demo (the report gives none) and say so.
TARGETS = [
    (Metric.INVENTION_PER_10K, Decimal("1"), f"{REPORT}：每万人口发明专利拥有量达到1件。"),
    (Metric.VALID_TRADEMARKS, Decimal("11500"), f"{REPORT}：有效注册商标达到11500件。"),
    (Metric.AGENCIES_BROUGHT_IN, Decimal("3"), f"{REPORT}：引进知名知识产权服务机构不少于3家。"),
    (Metric.REGISTRY_ENTRIES, Decimal("12"), f"{REPORT}：组织12家企业进入省知识产权融资需求名录库。"),
    (Metric.LOANS_FINANCED, Decimal("20"), "演示数据：申报书未给出此项数字，20笔为演示设定。"),
    (Metric.AMOUNT_FINANCED, Decimal("100000000.00"), "演示数据：申报书未给出此项数字，1亿元为演示设定。"),
]


@transaction.atomic
def seed_targets() -> list[Target]:
    """The programme's targets for 资阳 from 2025-01-01 to 2026-12-31. Idempotent: a second run updates the
    same rows (one per metric, city and due date)."""
    saved = []
    for metric, value, note in TARGETS:
        target, _ = Target.objects.update_or_create(
            metric=metric,
            city=CITY,
            due_on=DUE_ON,
            defaults={"target_value": value, "baseline_value": None, "starts_on": STARTS_ON, "note": note},
        )
        saved.append(target)
    return saved
