"""Demo organisations and people (used by `manage.py seed_demo`).

Deterministic: organisation i of a run always gets the same name, code and
place, so a second run adds nothing and a larger `--scale` only adds more.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .cities import cities
from .models import Membership, Organisation, Service, User
from .validators import USCC_ALPHABET, uscc_check_char

Kind = Organisation.Kind
Role = Membership.Role

DEMO_PASSWORD = "demo12345"

SERVICES = [
    ("patent_filing", "专利申请代理", "Patent filing"),
    ("patent_search", "专利检索分析", "Patent search and analysis"),
    ("trademark_registration", "商标注册代理", "Trademark registration"),
    ("licensing_brokerage", "许可与转让经纪", "Licensing and transfer brokerage"),
    ("ip_litigation", "知识产权诉讼", "IP litigation"),
    ("legal_counsel", "法律顾问", "Legal counsel"),
    ("ip_valuation", "知识产权评估", "IP valuation"),
    ("pledge_loans", "知识产权质押贷款", "IP pledge loans"),
    ("ip_insurance", "知识产权保险", "IP insurance"),
    ("risk_compensation", "风险补偿", "Risk compensation"),
    ("technology_transfer", "技术转移", "Technology transfer"),
    ("dispute_mediation", "纠纷调解", "Dispute mediation"),
    ("ip_enforcement", "知识产权行政保护", "IP administrative enforcement"),
]

SERVICES_BY_KIND = {
    Kind.ENTERPRISE: ([], ["technology_transfer"]),
    Kind.PATENT_AGENCY: (["patent_filing", "patent_search"], ["licensing_brokerage", "ip_litigation"]),
    Kind.TRADEMARK_AGENCY: (["trademark_registration"], ["licensing_brokerage", "legal_counsel"]),
    Kind.LAW_FIRM: (["ip_litigation", "legal_counsel"], ["licensing_brokerage", "trademark_registration"]),
    Kind.APPRAISER: (["ip_valuation"], ["patent_search"]),
    Kind.BANK: (["pledge_loans"], []),
    Kind.INSURER: (["ip_insurance"], []),
    Kind.RISK_FUND: (["risk_compensation"], []),
    Kind.PLATFORM: (["technology_transfer", "licensing_brokerage"], ["ip_valuation"]),
    Kind.MEDIATION: (["dispute_mediation"], ["legal_counsel"]),
    Kind.ARBITRATION: (["dispute_mediation"], []),
    Kind.COURT: ([], []),
    Kind.BUREAU: (["ip_enforcement"], ["dispute_mediation"]),
}

# Organisations per kind at --scale 1 (320 in all).
COUNTS = {
    Kind.ENTERPRISE: 145,
    Kind.PATENT_AGENCY: 35,
    Kind.TRADEMARK_AGENCY: 30,
    Kind.LAW_FIRM: 30,
    Kind.APPRAISER: 20,
    Kind.BANK: 20,
    Kind.INSURER: 10,
    Kind.RISK_FUND: 5,
    Kind.PLATFORM: 5,
    Kind.MEDIATION: 5,
    Kind.ARBITRATION: 5,
    Kind.COURT: 5,
    Kind.BUREAU: 5,
}
# Each kind's generated organisations take serials from their own block (fixed: adding a kind keeps the
# codes of the organisations already generated).
SERIAL_BLOCK = 1_111_111

# Where demo organisations are, by weight; the first five always get some of every kind.
CITY_WEIGHTS = {
    "成都": 35,
    "资阳": 20,
    "德阳": 10,
    "眉山": 10,
    "绵阳": 10,
    "泸州": 3,
    "内江": 2,
    "遂宁": 2,
    "乐山": 2,
    "宜宾": 2,
    "南充": 2,
    "自贡": 2,
}

# Administrative division codes (positions 3–8 of a credit code) and districts.
DIVISIONS = {
    "成都": ("510100", ["锦江区", "青羊区", "武侯区", "成华区", "金牛区", "高新区", "双流区", "郫都区"]),
    "资阳": ("512000", ["雁江区", "安岳县", "乐至县", "临空经济区"]),
    "德阳": ("510600", ["旌阳区", "罗江区", "广汉市", "什邡市"]),
    "眉山": ("511400", ["东坡区", "彭山区", "仁寿县", "青神县"]),
    "绵阳": ("510700", ["涪城区", "游仙区", "安州区", "科技城新区"]),
    "泸州": ("510500", ["江阳区", "龙马潭区"]),
    "内江": ("511000", ["市中区", "东兴区"]),
    "遂宁": ("510900", ["船山区", "安居区"]),
    "乐山": ("511100", ["市中区", "五通桥区"]),
    "宜宾": ("511500", ["翠屏区", "叙州区"]),
    "南充": ("511300", ["顺庆区", "高坪区"]),
    "自贡": ("510300", ["自流井区", "贡井区"]),
}

# (Chinese, English) word pools for names.
WORDS = [
    ("天府", "Tianfu"),
    ("蜀道", "Shudao"),
    ("锦江", "Jinjiang"),
    ("青城", "Qingcheng"),
    ("峨眉", "Emei"),
    ("岷江", "Minjiang"),
    ("沱江", "Tuojiang"),
    ("嘉陵", "Jialing"),
    ("雁江", "Yanjiang"),
    ("巴蜀", "Bashu"),
    ("金沙", "Jinsha"),
    ("龙泉", "Longquan"),
    ("剑门", "Jianmen"),
    ("文翁", "Wenweng"),
    ("玉垒", "Yulei"),
    ("锦绣", "Jinxiu"),
    ("汇智", "Huizhi"),
    ("恒信", "Hengxin"),
    ("华瑞", "Huarui"),
    ("博远", "Boyuan"),
    ("思源", "Siyuan"),
    ("鼎新", "Dingxin"),
    ("启明", "Qiming"),
    ("长青", "Changqing"),
    ("瑞丰", "Ruifeng"),
    ("宏图", "Hongtu"),
    ("卓越", "Zhuoyue"),
    ("同创", "Tongchuang"),
    ("聚能", "Juneng"),
    ("明德", "Mingde"),
    ("正和", "Zhenghe"),
    ("安泰", "Antai"),
    ("盛世", "Shengshi"),
    ("新桥", "Xinqiao"),
    ("东升", "Dongsheng"),
    ("西岭", "Xiling"),
    ("九鼎", "Jiuding"),
    ("三星", "Sanxing"),
    ("蓉城", "Rongcheng"),
    ("川渝", "Chuanyu"),
]
INDUSTRIES = [
    ("智能装备", "Intelligent Equipment"),
    ("新材料", "New Materials"),
    ("生物医药", "Biomedicine"),
    ("电子信息", "Electronics"),
    ("汽车零部件", "Auto Parts"),
    ("食品", "Food"),
    ("农业科技", "Agritech"),
    ("环保科技", "Environmental Technology"),
    ("新能源", "New Energy"),
    ("软件", "Software"),
    ("精密机械", "Precision Machinery"),
    ("化工", "Chemicals"),
    ("医疗器械", "Medical Devices"),
    ("轨道交通装备", "Rail Equipment"),
    ("航空科技", "Aviation Technology"),
    ("纺织", "Textiles"),
    ("光电", "Optoelectronics"),
    ("数字科技", "Digital Technology"),
    ("建材", "Building Materials"),
    ("中药材", "Chinese Herbal Medicine"),
]
BANK_BRANDS = [
    ("蜀商", "Shushang"),
    ("锦城", "Jincheng"),
    ("天府农商", "Tianfu Rural Commercial"),
    ("川信", "Chuanxin"),
    ("西部", "Western"),
]
ROADS = ["人民路", "建设路", "天府大道", "迎宾大道", "科技路", "创新大道", "滨江路", "工业大道", "学府路", "蜀都大道"]
AREA_CODES = {
    "绵阳": "0816",
    "德阳": "0838",
    "泸州": "0830",
    "内江": "0832",
    "遂宁": "0825",
    "乐山": "0833",
    "宜宾": "0831",
    "南充": "0817",
    "自贡": "0813",
}


@dataclass(frozen=True)
class FixedOrg:
    key: str
    name: str
    name_en: str
    kind: str
    city: str
    district: str


# The organisations of the demo people (the README's demo people).
FIXED = [
    FixedOrg(
        "enterprise_a",
        "资阳天府智能装备有限公司",
        "Ziyang Tianfu Intelligent Equipment Co., Ltd.",
        Kind.ENTERPRISE,
        "资阳",
        "雁江区",
    ),
    FixedOrg(
        "enterprise_b",
        "成都蜀锦新材料科技有限公司",
        "Chengdu Shujin New Materials Technology Co., Ltd.",
        Kind.ENTERPRISE,
        "成都",
        "高新区",
    ),
    FixedOrg(
        "bank_a", "蜀商银行股份有限公司资阳分行", "Shushang Bank Co., Ltd. Ziyang Branch", Kind.BANK, "资阳", "雁江区"
    ),
    FixedOrg(
        "bank_b", "锦城银行股份有限公司成都分行", "Jincheng Bank Co., Ltd. Chengdu Branch", Kind.BANK, "成都", "锦江区"
    ),
    FixedOrg(
        "insurer",
        "蜀安财产保险股份有限公司资阳中心支公司",
        "Shu'an Property Insurance Co., Ltd. Ziyang Branch",
        Kind.INSURER,
        "资阳",
        "雁江区",
    ),
    FixedOrg(
        "fund",
        "资阳市知识产权质押融资风险补偿资金",
        "Ziyang IP Pledge Financing Risk Compensation Fund",
        Kind.RISK_FUND,
        "资阳",
        "雁江区",
    ),
    FixedOrg(
        "appraiser",
        "四川天平资产评估有限公司",
        "Sichuan Tianping Asset Appraisal Co., Ltd.",
        Kind.APPRAISER,
        "成都",
        "武侯区",
    ),
    FixedOrg(
        "platform", "资阳市知识产权运营服务中心", "Ziyang IP Operation Service Centre", Kind.PLATFORM, "资阳", "雁江区"
    ),
    FixedOrg(
        "mediation",
        "资阳市知识产权纠纷人民调解委员会",
        "Ziyang IP Dispute People's Mediation Committee",
        Kind.MEDIATION,
        "资阳",
        "雁江区",
    ),
    FixedOrg("court", "资阳市中级人民法院", "Ziyang Intermediate People's Court", Kind.COURT, "资阳", "雁江区"),
    FixedOrg("arbitration", "资阳仲裁委员会", "Ziyang Arbitration Commission", Kind.ARBITRATION, "资阳", "雁江区"),
    # The neighbouring cities' bureaus of the cross-regional IP protection cooperation memorandum.
    FixedOrg(
        "bureau_chengdu",
        "成都市市场监督管理局（知识产权局）",
        "Chengdu Administration for Market Regulation (IP Office)",
        Kind.BUREAU,
        "成都",
        "锦江区",
    ),
    FixedOrg(
        "bureau_meishan",
        "眉山市市场监督管理局（知识产权局）",
        "Meishan Administration for Market Regulation (IP Office)",
        Kind.BUREAU,
        "眉山",
        "东坡区",
    ),
    FixedOrg(
        "bureau_neijiang",
        "内江市市场监督管理局（知识产权局）",
        "Neijiang Administration for Market Regulation (IP Office)",
        Kind.BUREAU,
        "内江",
        "市中区",
    ),
    FixedOrg(
        "bureau_suining",
        "遂宁市市场监督管理局（知识产权局）",
        "Suining Administration for Market Regulation (IP Office)",
        Kind.BUREAU,
        "遂宁",
        "船山区",
    ),
    FixedOrg(
        "bureau_deyang",
        "德阳市市场监督管理局（知识产权局）",
        "Deyang Administration for Market Regulation (IP Office)",
        Kind.BUREAU,
        "德阳",
        "旌阳区",
    ),
]

# username -> (fixed organisation key, role, display name)
PEOPLE = {
    "enterprise1": ("enterprise_a", Role.ADMIN, "张明（资阳天府智能装备）"),
    "enterprise2": ("enterprise_b", Role.ADMIN, "李娜（成都蜀锦新材料）"),
    "bank_officer1": ("bank_a", Role.OFFICER, "王强（蜀商银行·客户经理）"),
    "bank_approver1": ("bank_a", Role.APPROVER, "赵敏（蜀商银行·审批人）"),
    "bank_officer2": ("bank_b", Role.OFFICER, "陈刚（锦城银行·客户经理）"),
    "insurer1": ("insurer", Role.OFFICER, "刘洋（蜀安保险）"),
    "fund1": ("fund", Role.OFFICER, "周静（资阳市风险补偿资金）"),
    "appraiser1": ("appraiser", Role.OFFICER, "吴涛（天平资产评估）"),
    "platform1": ("platform", Role.ADMIN, "孙丽（平台运营）"),
    "mediator1": ("mediation", Role.MEMBER, "郑芳（知识产权纠纷人民调解委员会·调解员）"),
    "court1": ("court", Role.MEMBER, "冯磊（资阳市中级人民法院·法官助理）"),
}

PLATFORM_GROUP = "Platform operators"
# Apps whose admin screens platform people use (by label: this module imports none of them).
PLATFORM_APPS = ["accounts", "assets", "market", "payments", "financing", "registry", "subsidies", "disputes"]


def org_code_check(first8: str) -> str:
    """Check character of the 9-character organisation code (GB 11714) inside a credit code."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first8, weights, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def credit_code(kind: str, city: str, serial: int) -> str:
    """A valid unified social credit code, deterministic in (kind, city, serial)."""
    prefix = {
        Kind.LAW_FIRM: "31",
        Kind.RISK_FUND: "11",
        Kind.PLATFORM: "12",
        Kind.BUREAU: "11",
        Kind.COURT: "11",
        Kind.ARBITRATION: "12",
        Kind.MEDIATION: "52",
    }.get(kind, "91")
    org8 = f"{serial:08d}"
    first17 = prefix + DIVISIONS[city][0] + org8 + org_code_check(org8)
    return first17 + uscc_check_char(first17)


def scatter(city: str, rng: random.Random, radius_km: float = 15.0) -> tuple[Decimal, Decimal]:
    """A point uniformly within radius_km of the city centre."""
    centre = cities()[city]
    r = radius_km * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    lat = float(centre.lat) + (r * math.cos(theta)) / 111.32
    lon = float(centre.lon) + (r * math.sin(theta)) / (111.32 * math.cos(math.radians(float(centre.lat))))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def _name(kind: str, city: str, i: int) -> tuple[str, str]:
    """A unique-per-index organisation name in Chinese and English."""
    n_words = len(WORDS)
    a, rest = WORDS[i % n_words], i // n_words
    # b is never a: an offset of 1..n-1 from a; (a, offset, industry) is unique below n·(n−1)·20.
    b, rest = WORDS[(i + 1 + rest % (n_words - 1)) % n_words], rest // (n_words - 1)
    # The industry varies with i too (not only past n·(n−1)); still unique: i mod 20 is known from a.
    ind = INDUSTRIES[(i + rest) % len(INDUSTRIES)]
    city_en = cities()[city].name_en
    # Short names for the first few of a kind, two words once they would repeat.
    tag, tag_en = (a[0], a[1]) if i < n_words else (a[0] + b[0], f"{a[1]} {b[1]}")
    if kind == Kind.ENTERPRISE:
        return f"{city}{a[0]}{b[0]}{ind[0]}有限公司", f"{city_en} {a[1]} {b[1]} {ind[1]} Co., Ltd."
    if kind == Kind.PATENT_AGENCY:
        return f"{city}{a[0]}{b[0]}专利代理事务所", f"{city_en} {a[1]} {b[1]} Patent Agency"
    if kind == Kind.TRADEMARK_AGENCY:
        return f"{city}{a[0]}{b[0]}商标事务所有限公司", f"{city_en} {a[1]} {b[1]} Trademark Office Co., Ltd."
    if kind == Kind.LAW_FIRM:
        return f"四川{a[0]}{b[0]}律师事务所", f"Sichuan {a[1]} {b[1]} Law Firm"
    if kind == Kind.APPRAISER:
        return f"四川{a[0]}{b[0]}资产评估有限公司", f"Sichuan {a[1]} {b[1]} Asset Appraisal Co., Ltd."
    if kind == Kind.BANK:
        brand = BANK_BRANDS[i % len(BANK_BRANDS)]
        return (
            f"{brand[0]}银行股份有限公司{city}{tag}支行",
            f"{brand[1]} Bank Co., Ltd. {city_en} {tag_en} Sub-branch",
        )
    if kind == Kind.INSURER:
        return (
            f"{a[0]}财产保险股份有限公司{city}{tag}支公司",
            f"{a[1]} Property Insurance Co., Ltd. {city_en} {tag_en} Branch",
        )
    if kind == Kind.RISK_FUND:
        return (
            f"{city}市{tag}知识产权质押融资风险补偿资金",
            f"{city_en} {tag_en} IP Pledge Financing Risk Compensation Fund",
        )
    if kind == Kind.MEDIATION:
        return f"{city}市{tag}知识产权纠纷人民调解委员会", f"{city_en} {tag_en} IP Dispute Mediation Committee"
    if kind == Kind.ARBITRATION:
        return f"{city}{tag}仲裁委员会", f"{city_en} {tag_en} Arbitration Commission"
    if kind == Kind.COURT:
        return f"{city}市{tag}人民法院", f"{city_en} {tag_en} People's Court"
    if kind == Kind.BUREAU:
        return f"{city}市{tag}市场监督管理局", f"{city_en} {tag_en} Administration for Market Regulation"
    return f"{city}{tag}知识产权运营服务中心", f"{city_en} {tag_en} IP Operation Service Centre"


def _city_for(kind: str, i: int, rng: random.Random) -> str:
    core = list(CITY_WEIGHTS)[:5]
    if i < len(core):  # every kind has a member in each core city
        return core[i]
    return rng.choices(list(CITY_WEIGHTS), weights=list(CITY_WEIGHTS.values()))[0]


def _organisation(kind: str, i: int, serial: int) -> tuple[Organisation, list[str]]:
    rng = random.Random(f"{kind}-{i}")
    city = _city_for(kind, i, rng)
    name, name_en = _name(kind, city, i)
    return _build(kind, city, name, name_en, serial, rng)


def _build(kind, city, name, name_en, serial, rng, district=None):
    lat, lon = scatter(city, rng)
    district = district or rng.choice(DIVISIONS[city][1])
    always, sometimes = SERVICES_BY_KIND[kind]
    services = always + [s for s in sometimes if rng.random() < 0.5]
    area = AREA_CODES.get(city, "028")
    org = Organisation(
        name=name,
        name_en=name_en,
        kind=kind,
        unified_social_credit_code=credit_code(kind, city, serial),
        city=city,
        district=district,
        address=f"四川省{city}市{district}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
        latitude=lat,
        longitude=lon,
        description=f"{name}，位于{city}市{district}。",
        phone=f"{area}-{rng.randint(6000_0000, 8999_9999)}",
        is_active=True,
    )
    return org, services


def seed_services() -> dict[str, Service]:
    for code, name, name_en in SERVICES:
        Service.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})
    return {s.code: s for s in Service.objects.all()}


def _insert(planned: list[tuple[Organisation, list[str]]], services: dict[str, Service], batch: int = 2000) -> int:
    """Insert the organisations whose credit code is new, with their services. Returns how many."""
    existing = set(
        Organisation.objects.filter(
            unified_social_credit_code__in=[o.unified_social_credit_code for o, _ in planned]
        ).values_list("unified_social_credit_code", flat=True)
    )
    new = [(o, s) for o, s in planned if o.unified_social_credit_code not in existing]
    Organisation.objects.bulk_create([o for o, _ in new], batch_size=batch)
    ids = dict(
        Organisation.objects.filter(
            unified_social_credit_code__in=[o.unified_social_credit_code for o, _ in new]
        ).values_list("unified_social_credit_code", "id")
    )
    through = Organisation.services.through
    links = [
        through(organisation_id=ids[o.unified_social_credit_code], service_id=services[code].pk)
        for o, codes in new
        for code in codes
    ]
    through.objects.bulk_create(links, batch_size=batch * 2, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def seed_organisations(scale: int = 1) -> dict[str, Organisation]:
    """The fixed demo organisations plus COUNTS × scale generated ones. Returns the fixed ones by key."""
    services = seed_services()
    planned = []
    for n, f in enumerate(FIXED):
        rng = random.Random(f"fixed-{f.key}")
        planned.append(_build(f.kind, f.city, f.name, f.name_en, 90_000_000 + n, rng, district=f.district))
    serial = 10_000_000
    for kind, count in COUNTS.items():
        for i in range(count * scale):
            planned.append(_organisation(kind, i, serial + i))
        serial += SERIAL_BLOCK
    _insert(planned, services)
    codes = {f.key: planned[n][0].unified_social_credit_code for n, f in enumerate(FIXED)}
    by_code = Organisation.objects.in_bulk(list(codes.values()), field_name="unified_social_credit_code")
    return {key: by_code[code] for key, code in codes.items()}


def _platform_group() -> Group:
    group, _ = Group.objects.get_or_create(name=PLATFORM_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=PLATFORM_APPS) | Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    group.permissions.add(*perms)
    return group


@transaction.atomic
def seed_people(orgs: dict[str, Organisation]) -> dict[str, User]:
    """The demo people of the README, password `demo12345`, each in the right organisation and role."""
    people = {}
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_superuser": True, "is_staff": True, "display_name": "平台管理员"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    people["admin"] = admin
    group = _platform_group()
    for username, (key, role, display_name) in PEOPLE.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": display_name, "email": f"{username}@example.com"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.update_or_create(user=user, organisation=orgs[key], defaults={"role": role})
        if orgs[key].kind == Kind.PLATFORM:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
        people[username] = user
    return people
