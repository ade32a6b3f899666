"""Demo loan products of the two fixed banks (used by `manage.py seed_demo`): three of bank A (bank_officer1's
蜀商银行资阳分行), two of bank B (锦城银行成都分行), one of them unpublished. Idempotent: a bank's product of the
same name is left as it is."""

from decimal import Decimal

from django.db import transaction
from djmoney.money import Money

from ipmarket.accounts.models import Organisation
from ipmarket.core.money import CURRENCY

from .models import LoanProduct
from .products import normalised_cities, normalised_kinds

PRODUCTS = {
    "bank_a": [
        {
            "name": "蜀商知识贷·专利质押",
            "name_en": "Shushang IP Loan: Patent Pledge",
            "description": "面向资阳市科技型中小企业，以已授权发明专利、实用新型专利质押，可叠加市风险补偿资金池增信。",
            "min_amount": "500000",
            "max_amount": "10000000",
            "max_term_months": 36,
            "rate_min": "0.0345",
            "rate_max": "0.0450",
            "asset_kinds": ["invention", "utility_model"],
            "cities": ["资阳"],
            "documents": "营业执照；近两年财务报表；专利证书及年费缴纳凭证；知识产权评估报告；质押物权属承诺书",
        },
        {
            "name": "蜀商商标融",
            "name_en": "Shushang Trademark Finance",
            "description": "以注册商标专用权质押，适用于品牌消费、食品加工企业。",
            "min_amount": "300000",
            "max_amount": "5000000",
            "max_term_months": 12,
            "rate_min": "0.0380",
            "rate_max": "0.0480",
            "asset_kinds": ["trademark"],
            "cities": ["资阳", "成都"],
            "documents": "营业执照；商标注册证；近一年财务报表；商标评估报告",
        },
        {
            "name": "蜀商科创组合贷",
            "name_en": "Shushang Sci-tech Portfolio Loan",
            "description": "专利与商标组合质押，额度更高、期限更长。",
            "min_amount": "1000000",
            "max_amount": "30000000",
            "max_term_months": 60,
            "rate_min": "0.0330",
            "rate_max": "0.0460",
            "asset_kinds": ["invention", "utility_model", "design", "trademark"],
            "cities": [],
            "documents": "营业执照；近三年审计报告；专利证书、商标注册证；知识产权评估报告；研发投入说明",
        },
    ],
    "bank_b": [
        {
            "name": "锦城知易贷",
            "name_en": "Jincheng IP Easy Loan",
            "description": "成都及周边城市企业以发明专利、外观设计质押的快速审批产品。",
            "min_amount": "200000",
            "max_amount": "8000000",
            "max_term_months": 24,
            "rate_min": "0.0360",
            "rate_max": "0.0500",
            "asset_kinds": ["invention", "design"],
            "cities": ["成都", "德阳", "眉山", "资阳"],
            "documents": "营业执照；专利证书；知识产权评估报告；法定代表人身份证明",
        },
        {
            "name": "锦城品牌贷（筹备中）",
            "name_en": "Jincheng Brand Loan (in preparation)",
            "description": "尚未发布：以商标质押的品牌企业贷款。",
            "min_amount": "500000",
            "max_amount": "6000000",
            "max_term_months": 12,
            "rate_min": "0.0400",
            "rate_max": "0.0520",
            "asset_kinds": ["trademark"],
            "cities": ["成都"],
            "documents": "营业执照；商标注册证；商标评估报告",
            "is_published": False,
        },
    ],
}


@transaction.atomic
def seed_products(orgs: dict[str, Organisation]) -> list[LoanProduct]:
    """The demo products of `orgs["bank_a"]` and `orgs["bank_b"]` (created once)."""
    seeded = []
    for key, items in PRODUCTS.items():
        bank = orgs[key]
        for item in items:
            fields = dict(item)
            name = fields.pop("name")
            for money_field in ("min_amount", "max_amount"):
                fields[money_field] = Money(Decimal(fields[money_field]), CURRENCY)
            for rate in ("rate_min", "rate_max"):
                fields[rate] = Decimal(fields[rate])
            fields["asset_kinds"] = normalised_kinds(fields["asset_kinds"])  # as the services store them
            fields["cities"] = normalised_cities(fields["cities"])
            product, _created = LoanProduct.objects.get_or_create(bank=bank, name=name, defaults=fields)
            seeded.append(product)
    return seeded
