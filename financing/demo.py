"""Demo programme and pledge-loan applications in several states (used by `manage.py seed_demo`)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ipmarket.accounts.models import Organisation, User
from ipmarket.assets.demo import FIXED_FOR_LOANS, FIXED_LISTED, FIXED_UNLISTED, fixed_patents

from . import services
from .models import Application, PanelAppraiser, Programme

SLUG = "ziyang-ip-pledge"
# enterprise1's first application for the lemon-processing loan, withdrawn after its valuation: the later
# application for it reuses that panel report.
REUSE_FIRST_PURPOSE = "扩大柠檬深加工产能（首次申请，已撤回）"
# A one-page PDF: enough for the demo's valuation report.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@transaction.atomic
def seed_programme(fund: Organisation) -> Programme:
    programme, _ = Programme.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "资阳市知识产权质押融资风险补偿",
            "name_en": "Ziyang IP Pledge Financing Risk Compensation",
            "description": "“银行贷款 + 保险 + 财政风险补偿”知识产权质押融资：银行放贷、保险公司承保、"
            "市风险补偿资金池分担损失，支持资阳市科技型中小企业以专利、商标质押融资。",
            "risk_fund": fund,
            "eligible_cities": ["资阳"],
        },
    )
    return programme


def _report():
    return SimpleUploadedFile("评估报告.pdf", DEMO_PDF, content_type="application/pdf")


def seed_panel(programme: Programme, appraiser: Organisation, platform: User) -> None:
    """The demo's appraiser on the programme's valuation panel (from a year ago, for three years), so that its
    valuations count for the loan-to-value check; kept when an admission already covers today."""
    today = timezone.localdate()
    if PanelAppraiser.objects.filter(
        programme=programme, appraiser=appraiser, valid_from__lte=today, valid_until__gte=today
    ).exists():
        return
    services.panel_admit(
        by=platform,
        programme=programme,
        appraiser=appraiser,
        qualification="资产评估资格（知识产权）",
        certificate_number="51020026",
        valid_from=today - timedelta(days=365),
        valid_until=today + timedelta(days=730),
    )


def seed_applications(programme: Programme, orgs: dict[str, Organisation], people: dict[str, User]) -> None:
    """enterprise1's applications: a draft, one submitted, one withdrawn after its valuation, one valued by
    reusing that valuation's panel report with a proposal awaiting the approver, and a disbursed loan being
    repaid."""
    seed_panel(programme, orgs["appraiser"], people["platform1"])
    borrower = orgs["enterprise_a"]
    if Application.objects.filter(applicant=borrower).exists():
        return
    patents = fixed_patents(borrower)[FIXED_UNLISTED + FIXED_LISTED : FIXED_UNLISTED + FIXED_LISTED + FIXED_FOR_LOANS]
    me, officer, approver = people["enterprise1"], people["bank_officer1"], people["bank_approver1"]
    platform, appraiser, insurer, fund = people["platform1"], people["appraiser1"], people["insurer1"], people["fund1"]
    common = {
        "programme": programme,
        "lender": orgs["bank_a"],
        "insurer": orgs["insurer"],
        "appraiser": orgs["appraiser"],
        "term_months": 12,
        "method": Application.Method.EQUAL_PRINCIPAL,
        "annual_rate": Decimal("0.0435"),
    }

    def new(patent, principal, purpose):
        return services.application_create(
            by=me, assets=[patent], principal=Decimal(principal), purpose=purpose, **common
        )

    new(patents[0], "1500000", "采购智能装备生产线原材料（草稿）")
    services.application_submit(application=new(patents[1], "2000000", "研发中心建设"), by=me)

    # The lemon-processing loan was first asked for at 2,500,000: valued on the panel's standard, then withdrawn
    # to ask for more; the new application reuses the still valid panel report on the same patent.
    report_date = timezone.localdate() - timedelta(days=20)
    first = new(patents[2], "2500000", REUSE_FIRST_PURPOSE)
    services.application_submit(application=first, by=me)
    services.application_prescreen(application=first, by=platform)
    services.application_verify_ip(application=first, by=platform)
    services.document_upload(
        application=first, by=appraiser, kind="valuation_report", upload=_report(), report_date=report_date
    )
    first = services.application_value(
        application=first,
        by=appraiser,
        appraised_value=Decimal("16000000"),
        method="income",
        parameters={"royalty_rate": "0.05", "discount_rate": "0.12", "remaining_years": 12},
        reference="天平评报字〔2026〕第0318号",
    )
    services.application_withdraw(application=first, by=me, note="调整融资金额后重新申请")

    valued = new(patents[2], "3000000", "扩大柠檬深加工产能")
    services.application_submit(application=valued, by=me)
    services.application_prescreen(application=valued, by=platform)
    services.application_verify_ip(application=valued, by=platform)
    services.application_value(application=valued, by=appraiser, valuation=first.valuation_id)
    services.application_bank_propose(
        application=valued, by=officer, principal=Decimal("3000000"), annual_rate=Decimal("0.0435")
    )

    loan = new(patents[3], "5000000", "流动资金周转")
    services.application_submit(application=loan, by=me)
    services.application_prescreen(application=loan, by=platform)
    services.application_verify_ip(application=loan, by=platform)
    services.document_upload(
        application=loan, by=appraiser, kind="valuation_report", upload=_report(), report_date=report_date
    )
    services.application_value(application=loan, by=appraiser, appraised_value=Decimal("24000000"))
    services.application_bank_propose(
        application=loan, by=officer, principal=Decimal("5000000"), annual_rate=Decimal("0.045")
    )
    services.application_bank_approve(
        application=loan, by=approver, principal=Decimal("5000000"), annual_rate=Decimal("0.045")
    )
    services.application_underwrite(application=loan, by=insurer, premium_rate=Decimal("0.015"))
    services.application_fund_file(application=loan, by=fund)
    services.application_sign_contract(application=loan, by=me)
    services.application_register_pledge(application=loan, by=officer, registration_number="Y2026510000123")
    services.application_disburse(application=loan, by=officer)
