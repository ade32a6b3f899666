"""Demo IP protection cases (used by `manage.py seed_demo` after the people): enterprise1's enterprise
(enterprise_a) against enterprise2's (enterprise_b), about one of its registered trademarks, in each of the
states the demo people meet:

- a filed infringement case, waiting for the bureau (platform1);
- a case in mediation with mediator1's committee: enterprise2 consented, a session recorded, an evidence PDF;
- a counterfeit case under investigation with an inspection step and a published decision (the public decisions
  page and search show it);
- a case referred to court1's court after mediation failed, shared with it (court1 reads it and posts an outcome);
- a case transferred to the Chengdu bureau under the cooperation memorandum;
- a withdrawn case.

Every case goes through the real services (ipmarket/disputes/services.py). The cases are about a trademark, never
an ownership case on a patent: enterprise_a keeps its granted, unpledged, unlisted invention patents free of
disputes for the other demos. Idempotent: a case whose facts are already filed by enterprise_a is skipped."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ipmarket.accounts.models import Organisation, User
from ipmarket.assets.models import Patent, Trademark

from . import services
from .models import Dispute

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# key -> (kind, facts, remedy). The facts identify a demo case (idempotence).
CASES = {
    "filed": (
        Dispute.Kind.INFRINGEMENT,
        "【演示】对方在电商平台店铺销售的工业控制器使用了与我司注册商标近似的标识，易使消费者混淆。",
        "停止使用近似标识，下架相关商品链接。",
    ),
    "mediation": (
        Dispute.Kind.INFRINGEMENT,
        "【演示】对方在展会宣传册中使用我司注册商标推广其同类装备，双方同意先行调解。",
        "停止使用商标，书面道歉，赔偿经济损失20万元。",
    ),
    "decision": (
        Dispute.Kind.COUNTERFEIT,
        "【演示】执法检查发现对方仓库存放标有我司注册商标的假冒伺服驱动器约三百台。",
        "查处假冒商品，没收侵权产品及标识。",
    ),
    "referred": (
        Dispute.Kind.INFRINGEMENT,
        "【演示】对方持续在官网及产品铭牌上使用我司注册商标，调解未能达成协议。",
        "停止侵权，赔偿经济损失50万元及合理维权开支。",
    ),
    "transferred": (
        Dispute.Kind.COUNTERFEIT,
        "【演示】成都市锦江区某门店销售标有我司注册商标的假冒控制面板，侵权行为发生地在成都。",
        "请成都市市场监督管理局依法查处。",
    ),
    "withdrawn": (
        Dispute.Kind.INFRINGEMENT,
        "【演示】对方网店商品标题使用我司商标作为关键词，经沟通对方已自行删除。",
        "删除商品标题中的商标文字。",
    ),
}
DECISION = "责令立即停止销售假冒注册商标的伺服驱动器，没收、销毁侵权商品及商标标识，并处罚款人民币十二万元。"


def decision_number(year: int) -> str:
    return f"资知执罚〔{year}〕1号"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _subject(enterprise: Organisation):
    """A registered trademark of the enterprise in force and unpledged (never one of its invention patents the
    other demos keep free); failing that, a patent that is not an invention."""
    today = timezone.localdate()
    mark = Trademark.objects.in_force().filter(owner=enterprise, pledged=False).order_by("registration_number").first()
    if mark is not None:
        return mark
    return (
        Patent.objects.filter(owner=enterprise, pledged=False, expiry_date__gte=today)
        .exclude(patent_type="invention")
        .order_by("application_number")
        .first()
    )


def _file(key: str, *, by: User, respondent: Organisation, asset) -> Dispute:
    kind, facts, remedy = CASES[key]
    return services.dispute_create(by=by, kind=kind, assets=[asset], respondent=respondent, facts=facts, remedy=remedy)


def seed_disputes(orgs: dict, people: dict) -> dict[str, Dispute]:
    """The demo cases by key (those already there are returned as they are)."""
    claimant, respondent = orgs["enterprise_a"], orgs["enterprise_b"]
    owner, other = people["enterprise1"], people["enterprise2"]
    platform, mediator = people["platform1"], people["mediator1"]
    existing = {d.facts: d for d in Dispute.objects.filter(claimant=claimant, facts__startswith="【演示】")}
    asset = _subject(claimant)
    cases: dict[str, Dispute] = {}
    today = timezone.localdate()
    for key, (_kind, facts, _remedy) in CASES.items():
        if facts in existing:
            cases[key] = existing[facts]
            continue
        if asset is None:
            continue
        with transaction.atomic():
            d = _file(key, by=owner, respondent=respondent, asset=asset)
            if key == "mediation":
                services.document_upload(dispute=d, by=owner, kind="evidence", upload=_pdf("展会宣传册照片.pdf"))
                services.dispute_accept(dispute=d, by=platform, route="mediation", mediator=orgs["mediation"])
                services.dispute_consent(dispute=d, by=other, note="同意由调解委员会调解。")
                services.session_record(
                    dispute=d,
                    by=mediator,
                    held_on=today,
                    mode="in_person",
                    summary="双方到场陈述意见，被申请人承认使用了宣传册，就赔偿金额分歧较大，约定下次再议。",
                )
            elif key == "decision":
                services.document_upload(dispute=d, by=owner, kind="evidence", upload=_pdf("假冒商品照片.pdf"))
                services.dispute_accept(dispute=d, by=platform, route="enforcement")
                services.step_record(
                    dispute=d,
                    by=platform,
                    taken_on=today,
                    kind="inspection",
                    summary="执法人员现场检查被申请人仓库，查扣标有涉案商标的伺服驱动器312台。",
                )
                services.dispute_record_decision(
                    dispute=d,
                    by=platform,
                    number=decision_number(today.year),
                    decided_on=today,
                    decision=DECISION,
                    public=True,
                )
            elif key == "referred":
                services.document_upload(dispute=d, by=owner, kind="evidence", upload=_pdf("官网截图公证书.pdf"))
                services.dispute_accept(dispute=d, by=platform, route="mediation", mediator=orgs["mediation"])
                services.dispute_consent(dispute=d, by=other)
                services.session_record(
                    dispute=d, by=mediator, held_on=today, mode="online", summary="线上调解一次，双方未能达成一致。"
                )
                services.dispute_record_failure(
                    dispute=d, by=mediator, referred_to=orgs["court"], note="调解不成，告知申请人向法院起诉。"
                )
            elif key == "transferred":
                services.dispute_transfer(
                    dispute=d,
                    by=platform,
                    bureau=orgs["bureau_chengdu"],
                    note="侵权行为发生地在成都，依协作备忘录移送。",
                )
            elif key == "withdrawn":
                services.dispute_withdraw(dispute=d, by=owner, note="对方已删除，撤回申请。")
        cases[key] = Dispute.objects.get(pk=d.pk)
    return cases
