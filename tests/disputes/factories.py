"""Factories of IP protection: a world of parties (a claimant enterprise and its admin, a respondent enterprise
in the directory and its member, a mediation organisation, a court, an arbitration commission, another
city's bureau, platform people, a stranger) and cases brought to any state through the real services."""

from datetime import timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ipmarket.disputes import services
from ipmarket.disputes.models import Dispute
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name="证据.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fresh(dispute) -> Dispute:
    """The case as stored now (the state field is protected: refresh_from_db cannot set it)."""
    return Dispute.objects.get(pk=dispute if isinstance(dispute, int) else dispute.pk)


def world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.claimant = OrganisationFactory(kind="enterprise", city="资阳")
    w.owner = member_of(w.claimant, role="admin")
    w.respondent = OrganisationFactory(kind="enterprise", city="成都")
    w.respondent_person = member_of(w.respondent, role="admin")
    w.mediation = OrganisationFactory(kind="mediation")
    w.mediator = member_of(w.mediation)
    w.court = OrganisationFactory(kind="court")
    w.judge = member_of(w.court)
    w.arbitration = OrganisationFactory(kind="arbitration")
    w.arbitrator = member_of(w.arbitration)
    w.bureau = OrganisationFactory(kind="bureau", city="成都")
    w.bureau_person = member_of(w.bureau)
    w.platform = member_of(OrganisationFactory(kind="platform"), role="admin")
    w.other = OrganisationFactory(kind="enterprise")
    w.stranger = member_of(w.other, role="admin")
    w.patent = PatentFactory(owner=w.claimant)
    return w


# The states a case reaches, and the steps that reach them from `filed`.
PATHS = {
    "filed": [],
    "in_mediation": ["accept_mediation"],
    "consented": ["accept_mediation", "consent"],
    "under_investigation": ["accept_enforcement"],
    "transferred": ["transfer"],
    "dismissed": ["dismiss"],
    "referred": ["accept_mediation", "consent", "fail"],
    "resolved": ["accept_mediation", "consent", "agree"],
    "withdrawn": ["withdraw"],
}


def dispute(w, state="filed", *, kind="infringement", assets=None, respondent="org", **fields) -> Dispute:
    """A case of `w.claimant` filed by `w.owner` about `w.patent` (or `assets`) against `w.respondent` (or, with
    `respondent=None`, a name and credit code), brought to `state` (a key of PATHS) by the real services."""
    fields.setdefault("facts", "对方在电商平台销售的产品落入我司发明专利权利要求1的保护范围。")
    fields.setdefault("remedy", "停止侵权，赔偿经济损失50万元。")
    who = {"respondent": w.respondent} if respondent == "org" else {}
    if respondent is None:
        who = {"respondent_name": "某某贸易有限公司"}
    d = services.dispute_create(
        by=w.owner, kind=kind, assets=assets if assets is not None else [w.patent], **who, **fields
    )
    for step in PATHS[state]:
        if step == "accept_mediation":
            services.dispute_accept(dispute=d, by=w.platform, route="mediation", mediator=w.mediation)
        elif step == "accept_enforcement":
            services.dispute_accept(dispute=d, by=w.platform, route="enforcement")
        elif step == "transfer":
            services.dispute_transfer(dispute=d, by=w.platform, bureau=w.bureau)
        elif step == "dismiss":
            services.dispute_dismiss(dispute=d, by=w.platform, note="不属于本局管辖。")
        elif step == "consent":
            services.dispute_consent(dispute=d, by=w.respondent_person)
        elif step == "fail":
            services.dispute_record_failure(dispute=d, by=w.mediator, referred_to=w.court)
        elif step == "agree":
            services.document_upload(dispute=d, by=w.mediator, kind="agreement", upload=upload("调解协议.pdf"))
            services.dispute_record_agreement(dispute=d, by=w.mediator, judicial_confirmation=True)
        elif step == "withdraw":
            services.dispute_withdraw(dispute=d, by=w.owner)
    d = fresh(d)
    expected = {"consented": "in_mediation"}.get(state, state)
    assert d.state == expected, (d.state, expected)
    return d


def yesterday():
    return timezone.localdate() - timedelta(days=1)
