"""Reads of IP protection, filtered by the caller's organisations (docs/disputes.md):

- platform people (the bureau) see every case;
- the claimant's members see their enterprise's cases; the respondent's members see a case once the bureau
  has accepted it; the mediation organisation sees the cases it mediates (or mediated);
- a partner (court, arbitration commission, mediation organisation, another city's bureau) sees the cases
  shared with it, and of their documents only those shared;
- anyone else sees none: a hidden case answers 404.
Decisions the bureau marked public are public.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ipmarket.accounts import policies
from ipmarket.core.limits import as_id

from . import workflow
from .models import Dispute, DisputeAsset, Document, Share


def _disputes():
    return Dispute.objects.select_related(
        "claimant", "respondent", "mediator", "referred_to", "bureau", "listing", "deal"
    ).prefetch_related("assets__patent", "assets__trademark", "shares")  # shares: workflow.partner_ids


def visibility(user) -> Q | None:
    """The cases this person may see as a Q (None: every case)."""
    if policies.is_platform_staff(user):
        return None
    mine = policies.organisation_ids(user)
    if not mine:
        return Q(pk__in=[])
    shared = Share.objects.filter(partner_id__in=mine).values("dispute_id")
    return (
        Q(claimant_id__in=mine)
        | Q(respondent_id__in=mine, accepted_on__isnull=False)
        | Q(mediator_id__in=mine)
        | Q(pk__in=shared)
    )


def disputes_visible_to(user) -> QuerySet[Dispute]:
    q = visibility(user)
    return _disputes() if q is None else _disputes().filter(q)


def dispute_for(user, pk) -> Dispute:
    """The case if the person may see it, else 404 (also for an id that is not a number)."""
    if (pk := as_id(pk)) is None:
        raise Http404(_("No such case."))
    try:
        return disputes_visible_to(user).get(pk=pk)
    except Dispute.DoesNotExist:
        raise Http404(_("No such case.")) from None


def sees_everything(user, dispute: Dispute) -> bool:
    """The bureau and the case's mediation organisation see every document."""
    return policies.is_platform_staff(user) or workflow.is_mediator(user, dispute)


def documents_visible_to(user, dispute: Dispute) -> QuerySet[Document]:
    """The case's documents this person may read: everything for the bureau and the mediator; for a party, what
    its own organisation uploaded plus agreements and decisions; for a partner, what was shared with it."""
    qs = dispute.documents.select_related("uploaded_by")
    if sees_everything(user, dispute):
        return qs
    mine = policies.organisation_ids(user)
    q = Q(pk__in=Share.objects.filter(dispute=dispute, partner_id__in=mine).values("documents"))
    if dispute.claimant_id in mine or dispute.respondent_id in mine:
        q |= Q(organisation_id__in=mine) | Q(kind__in=[Document.Kind.AGREEMENT, Document.Kind.DECISION])
    return qs.filter(q)


def document_for(user, dispute: Dispute, pk) -> Document:
    if (pk := as_id(pk)) is None:
        raise Http404(_("No such document."))
    try:
        return documents_visible_to(user, dispute).get(pk=pk)
    except Document.DoesNotExist:
        raise Http404(_("No such document.")) from None


def is_partner_only(user, dispute: Dispute) -> bool:
    """A partner reading a case it is not otherwise party to: its reads are recorded (who saw what)."""
    if policies.is_platform_staff(user):
        return False
    mine = policies.organisation_ids(user)
    if {dispute.claimant_id, dispute.respondent_id, dispute.mediator_id} & mine:
        return False
    return bool(workflow.partner_ids(user, dispute))


def public_decisions() -> QuerySet[Dispute]:
    """Decisions the bureau published: public to everyone, newest first."""
    return (
        Dispute.objects.filter(decision_public=True)
        .exclude(decision_number="")
        .select_related("claimant", "respondent")
        .prefetch_related("assets__patent", "assets__trademark")
        .order_by("-decided_on", "-pk")
    )


def public_decision(pk) -> Dispute:
    if (pk := as_id(pk)) is None:
        raise Http404(_("No such decision."))
    try:
        return public_decisions().get(pk=pk)
    except Dispute.DoesNotExist:
        raise Http404(_("No such decision.")) from None


def asset_cautions(assets) -> dict[tuple[str, int], list[str]]:
    """For the asset and listing pages (ipmarket/assets/cautions.py): each asset under an accepted
    infringement or ownership case that has not ended."""
    patents = [a.pk for a in assets if a.asset_type == "patent"]
    trademarks = [a.pk for a in assets if a.asset_type == "trademark"]
    rows = DisputeAsset.objects.filter(
        Q(patent_id__in=patents) | Q(trademark_id__in=trademarks),
        Dispute.live("dispute__"),  # a case transferred unaccepted is this bureau's no longer
        dispute__kind__in=[Dispute.Kind.INFRINGEMENT, Dispute.Kind.OWNERSHIP],
    ).values_list("patent_id", "trademark_id", "dispute_id", "dispute__kind")
    out: dict[tuple[str, int], list[str]] = {}
    for patent_id, trademark_id, dispute_id, kind in rows:
        key = ("patent", patent_id) if patent_id else ("trademark", trademark_id)
        if kind == Dispute.Kind.OWNERSHIP:
            sentence = _("Its ownership is disputed in a case the bureau accepted (case #%(id)s).") % {"id": dispute_id}
        else:
            sentence = _("It is the subject of an infringement case the bureau accepted (case #%(id)s).") % {
                "id": dispute_id
            }
        out.setdefault(key, []).append(sentence)
    return out
