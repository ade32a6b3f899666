"""Demo patents and trademarks (used by `manage.py seed_demo`).

Deterministic: asset i always gets the same number, owner and dates, so a second
run adds nothing and a larger `--scale` only adds more. Inserted in bulk: the
rows are built valid (each is checked with the model's own clean() on the way).
"""

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from ipmarket.accounts.models import Organisation

from . import identifiers, rules, services
from .models import Patent, PatentClassification, Trademark

PATENTS_PER_SCALE = 700
TRADEMARKS_PER_SCALE = 260
FIXED_UNLISTED = 6  # granted, in-force, unpledged invention patents the demo enterprises keep unlisted
FIXED_LISTED = 3
FIXED_FOR_LOANS = 4  # pledged by the demo pledge-loan applications (financing/demo.py)

FIELDS = [  # (IPC codes, title patterns)
    (
        ["H01M 4/04", "H01M 10/052"],
        ["一种锂离子电池正极材料及其制备方法", "一种动力电池极片涂布装置", "一种电池模组热管理系统"],
    ),
    (["H01L 21/02", "H01L 33/00"], ["一种半导体器件的制造方法", "一种发光二极管芯片结构"]),
    (
        ["G06F 16/30", "G06N 3/08"],
        ["一种基于深度学习的文本检索方法", "一种知识图谱构建方法及系统", "一种数据隐私计算方法"],
    ),
    (["A61K 36/00", "A61P 1/00"], ["一种中药组合物及其制备方法", "一种川芎提取物及其应用"]),
    (["A01B 1/00", "A01G 9/00"], ["一种柑橘种植用土壤改良装置", "一种智能温室灌溉系统"]),
    (["B23K 26/00", "B23Q 3/00"], ["一种激光焊接夹具", "一种数控机床自动上料装置"]),
    (["C08L 23/06", "C08K 3/00"], ["一种高强度聚乙烯复合材料", "一种可降解塑料薄膜及其制备方法"]),
    (["F16H 1/28", "F16C 19/00"], ["一种行星齿轮减速器", "一种高速轴承润滑结构"]),
    (["B60L 53/00", "B60K 6/00"], ["一种电动汽车充电桩", "一种混合动力传动系统"]),
    (["G01N 33/00", "G01N 21/00"], ["一种食品安全快速检测方法", "一种水质在线监测装置"]),
    (["A23L 33/00", "A23F 3/00"], ["一种柠檬保健饮品及其制备方法", "一种竹叶青茶加工工艺"]),
    (["B61D 17/00", "B61F 5/00"], ["一种轨道车辆车体结构", "一种转向架减振装置"]),
    (["C02F 1/00", "C02F 3/00"], ["一种农村污水处理设备", "一种工业废水深度处理工艺"]),
    (["D03D 15/00", "D06P 1/00"], ["一种蜀锦织造方法", "一种天然植物染料染色工艺"]),
    (["H04L 9/00", "H04W 4/00"], ["一种区块链数据存证方法", "一种物联网设备接入认证方法"]),
]
KIND_WORDS = {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}
MARK_WORDS = [
    "天府",
    "蜀锦",
    "雁江",
    "柠都",
    "安岳",
    "川味",
    "青城",
    "峨眉",
    "锦城",
    "岷山",
    "嘉陵",
    "沱牌",
    "巴山",
    "熊猫",
    "竹海",
]
MARK_SUFFIXES = ["坊", "源", "韵", "味", "星", "智造", "云", "堂", "谷", "园", "优品", "工匠"]
GOODS = {
    9: "计算机软件；电池；测量仪器",
    29: "肉干；腌制蔬菜",
    30: "茶；糕点；调味品",
    31: "新鲜水果；柠檬",
    32: "果汁饮料；啤酒",
    33: "白酒；果酒",
    35: "广告；替他人推销",
    42: "技术研究；软件设计",
    43: "餐厅；饭店",
    5: "中药；医用营养品",
    7: "机床；农业机械",
    12: "电动汽车；车辆零部件",
    24: "纺织品；织锦",
    25: "服装；鞋",
}


def _enterprises() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).order_by("unified_social_credit_code"))


def _patent(i: int, owner_id: int, today: date, *, fixed: bool = False) -> tuple[Patent, list[str]]:
    rng = random.Random(f"patent-{i}")
    kind = "1" if fixed else rng.choices(["1", "2", "3", "8", "9"], weights=[45, 30, 15, 6, 4])[0]
    patent_type = identifiers.TYPE_DIGITS[kind]
    filing = date(rng.randint(2012, 2024), rng.randint(1, 12), rng.randint(1, 28))
    if fixed:
        filing = date(rng.randint(2016, 2022), rng.randint(1, 12), rng.randint(1, 28))
    number = identifiers.make_application_number(filing.year, kind, 300000 + i)
    codes_pool, titles = FIELDS[i % len(FIELDS)]
    codes = codes_pool[: rng.randint(1, len(codes_pool))] if patent_type != "design" else []
    title = (
        rng.choice(titles)
        if patent_type != "design"
        else rng.choice(["包装盒（柠檬）", "茶具（蜀锦纹）", "灯具（熊猫）"])
    )
    expiry = identifiers.patent_expiry(patent_type, filing)
    roll = 0.5 if fixed else rng.random()  # 0.5: granted and in force
    grant = filing + timedelta(days=rng.randint(180, 900) if patent_type == "invention" else rng.randint(120, 300))
    # Annual fees fall due on the filing anniversary; paid up to the next one unless lapsed.
    next_anniversary = filing + relativedelta(years=(today.year - filing.year))
    if next_anniversary <= today:
        next_anniversary += relativedelta(years=1)
    if roll < 0.12 or grant >= today:
        status, grant, paid_until = "pending", None, None
    elif expiry <= today:
        status, paid_until = "expired", expiry
    elif roll < 0.18:
        status, paid_until = "lapsed", next_anniversary - relativedelta(years=2)
    elif roll < 0.21:
        status, paid_until = "invalidated", next_anniversary
    else:
        status, paid_until = "granted", next_anniversary
        if not fixed and roll > 0.97:  # a few with the fee due soon or overdue, still in force
            paid_until = today + timedelta(days=rng.randint(-150, 25))
    patent = Patent(
        owner_id=owner_id,
        application_number=number,
        patent_type=patent_type,
        title=title,
        abstract=f"本{KIND_WORDS[patent_type]}涉及{title}。",
        filing_date=filing,
        grant_date=grant,
        legal_status=status,
        annual_fee_paid_until=paid_until,
    )
    patent.clean_fields(exclude=["owner"])  # the owner exists: skip a query per row
    patent.clean()  # validates and sets expiry_date
    return patent, codes


def _trademark(i: int, owner_id: int, today: date) -> Trademark:
    rng = random.Random(f"trademark-{i}")
    registered = date(rng.randint(2012, 2025), rng.randint(1, 12), rng.randint(1, 28))
    if registered > today:
        registered = today - timedelta(days=30)
    classes = sorted(set(rng.sample(sorted(GOODS), rng.randint(1, 2))))
    expiry = rules.trademark_expiry(registered)
    roll = rng.random()
    if today > expiry + rules.RENEWAL_GRACE:
        status = "expired"
    elif roll < 0.04:
        status = "invalidated"
    elif roll < 0.07:
        status = "pending"
    else:
        status = "registered"
    trademark = Trademark(
        owner_id=owner_id,
        registration_number=str(20000000 + i),
        mark_name=f"{MARK_WORDS[i % len(MARK_WORDS)]}{MARK_SUFFIXES[(i // len(MARK_WORDS)) % len(MARK_SUFFIXES)]}",
        nice_classes=classes,
        goods_services="；".join(GOODS[c] for c in classes),
        registration_date=registered,
        status=status,
    )
    trademark.clean_fields(exclude=["owner"])
    trademark.clean()
    return trademark


@transaction.atomic
def seed_assets(scale: int, fixed_enterprises: list[Organisation]) -> None:
    """PATENTS_PER_SCALE × scale patents and TRADEMARKS_PER_SCALE × scale trademarks across the enterprises,
    plus FIXED_UNLISTED + FIXED_LISTED + FIXED_FOR_LOANS granted invention patents and two trademarks for
    each fixed enterprise."""
    today = timezone.localdate()
    owners = [o.pk for o in _enterprises() if o not in fixed_enterprises]
    planned: list[tuple[Patent, list[str]]] = []
    n = 0
    for org in fixed_enterprises:
        for _ in range(FIXED_UNLISTED + FIXED_LISTED + FIXED_FOR_LOANS):
            planned.append(_patent(n, org.pk, today, fixed=True))
            n += 1
    for i in range(PATENTS_PER_SCALE * scale):
        planned.append(_patent(1000 + i, owners[random.Random(f"owner-{i}").randrange(len(owners))], today))
    existing = set(
        Patent.objects.filter(application_number__in=[p.application_number for p, _ in planned]).values_list(
            "application_number", flat=True
        )
    )
    new = [(p, codes) for p, codes in planned if p.application_number not in existing]
    Patent.objects.bulk_create([p for p, _ in new], batch_size=2000)
    ids = dict(
        Patent.objects.filter(application_number__in=[p.application_number for p, _ in new]).values_list(
            "application_number", "id"
        )
    )
    PatentClassification.objects.bulk_create(
        [
            PatentClassification(patent_id=ids[p.application_number], code=code, position=k)
            for p, codes in new
            for k, code in enumerate(codes)
        ],
        batch_size=5000,
    )

    marks = []
    for k, org in enumerate(fixed_enterprises):
        for j in range(2):
            tm = _trademark(k * 2 + j, org.pk, today)
            marks.append(tm)
    for i in range(TRADEMARKS_PER_SCALE * scale):
        marks.append(_trademark(100 + i, owners[random.Random(f"tm-owner-{i}").randrange(len(owners))], today))
    known = set(
        Trademark.objects.filter(registration_number__in=[t.registration_number for t in marks]).values_list(
            "registration_number", flat=True
        )
    )
    Trademark.objects.bulk_create([t for t in marks if t.registration_number not in known], batch_size=2000)


def fixed_patents(organisation: Organisation) -> list[Patent]:
    """The demo enterprise's own granted invention patents, in a stable order."""
    return list(
        Patent.objects.filter(owner=organisation, patent_type="invention", legal_status="granted").order_by(
            "application_number"
        )
    )


RENEWED_MARK_NUMBER = "19990001"  # outside the generated range (20000000 + i)


@transaction.atomic
def seed_trademark_renewal(person, organisation: Organisation) -> Trademark | None:
    """One renewed trademark of the demo enterprise: its first term ended 40 days ago and the renewal, filed two
    months before that, is recorded by `person` (an enterprise admin), so the page shows a renewal history and
    the mark is in force for 10 more years. Idempotent: a second run finds it renewed."""
    existing = Trademark.objects.filter(registration_number=RENEWED_MARK_NUMBER).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    expiry = today - timedelta(days=40)
    mark = services.trademark_create(
        by=person,
        owner=organisation,
        registration_number=RENEWED_MARK_NUMBER,
        mark_name="天府智装",
        nice_classes=[7, 42],
        goods_services=f"{GOODS[7]}；{GOODS[42]}",
        registration_date=expiry - rules.TRADEMARK_TERM,
    )
    return services.trademark_renew(
        trademark=mark,
        by=person,
        renewed_on=expiry - timedelta(days=60),
        reference=f"续展注册证明第 {RENEWED_MARK_NUMBER} 号",
        expected_expiry=mark.expiry_date,
    )
