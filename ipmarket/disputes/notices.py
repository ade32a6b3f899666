"""Notices of IP protection (ipmarket/core/notices.py, docs/disputes.md): a filed case reaches the bureau;
every state change reaches the claimant, the respondent once the case was accepted, and the mediation
organisation; an accepted case about a pledged asset reaches the pledgee bank as collateral risk; a share
reaches the partner; a mediation past its time limit reminds the bureau and the mediator daily (once per
case and due date). Keys are unique per event, share or due date, so nothing is told twice."""

from datetime import date, datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from financing.models import Application
from ipmarket.accounts.models import Organisation
from ipmarket.core import notices
from ipmarket.core.notices import Notice, excerpt, label, with_note

from .models import Dispute, DisputeEvent, Share

DISPUTE_STATE = "dispute_state"
DISPUTE_SHARED = "dispute_shared"
DISPUTE_COLLATERAL = "dispute_collateral"
MEDIATION_OVERDUE = "mediation_overdue"


def link(dispute_id: int) -> str:
    """The case's page; empty while the pages are not installed."""
    try:
        return reverse("dispute-detail-page", args=[dispute_id])
    except NoReverseMatch:
        return ""


def _platform_ids() -> tuple[int, ...]:
    return tuple(
        Organisation.objects.filter(kind=Organisation.Kind.PLATFORM, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def recipients(event: DisputeEvent) -> tuple[int, ...]:
    dispute = event.dispute
    if event.action == "file":
        return _platform_ids()
    ids = [dispute.claimant_id]
    if dispute.respondent_id and dispute.accepted_on:
        ids.append(dispute.respondent_id)
    if dispute.mediator_id:
        ids.append(dispute.mediator_id)
    if event.action == "decline":
        ids += _platform_ids()
    return tuple(dict.fromkeys(ids))


def _collateral(event: DisputeEvent) -> list[Notice]:
    """An accepted case about a pledged asset: to the bank of each live loan holding it."""
    dispute = event.dispute
    result = []
    for item in dispute.assets.select_related("patent", "trademark"):
        asset = item.asset
        if not asset.pledged:
            continue
        apps = Application.objects.filter(
            state__in=Application.WATCHED, **{f"assets__{asset.asset_type}": asset}
        ).distinct()
        for app in apps:
            result.append(
                Notice(
                    kind=DISPUTE_COLLATERAL,
                    key=f"dispute:{dispute.pk}:collateral:{app.pk}:{asset.asset_type}:{asset.pk}",
                    organisation_ids=(app.lender_id,),
                    params={
                        "dispute": dispute.pk,
                        "kind": dispute.kind,
                        "asset": str(asset)[:200],
                        "application": app.pk,
                    },
                    link=_application_link(app.pk),
                )
            )
    return result


def _application_link(pk: int) -> str:
    try:
        return reverse("financing-application", args=[pk])
    except NoReverseMatch:
        return ""


@notices.producer("dispute_events")
def dispute_event_notices(event_ids) -> list[Notice]:
    """A case was filed or changed state: to those who follow it, except the person who acted."""
    events = DisputeEvent.objects.filter(pk__in=event_ids).select_related("dispute").order_by("pk")
    result = []
    for e in events:
        result.append(
            Notice(
                kind=DISPUTE_STATE,
                key=f"dispute:{e.dispute_id}:event:{e.pk}",
                organisation_ids=recipients(e),
                params={
                    "dispute": e.dispute_id,
                    "action": e.action,
                    "from": e.from_state,
                    "to": e.to_state,
                    "note": excerpt(e.note),
                },
                link=link(e.dispute_id),
                exclude_user_id=e.actor_id,
            )
        )
        if e.action == "accept":
            result += _collateral(e)
    return result


@notices.producer("dispute_shares")
def share_notices(share_ids) -> list[Notice]:
    return [
        Notice(
            kind=DISPUTE_SHARED,
            key=f"dispute_share:{s.pk}",
            organisation_ids=(s.partner_id,),
            params={"dispute": s.dispute_id, "kind": s.dispute.kind},
            link=link(s.dispute_id),
            exclude_user_id=s.shared_by_id,
        )
        for s in Share.objects.filter(pk__in=share_ids).select_related("dispute").order_by("pk")
    ]


def _announced(event: DisputeEvent) -> bool:
    return (
        event.action == "file"
        or bool(event.from_state and event.from_state != event.to_state)
        or (event.action in ("consent", "extend", "record_decision"))
    )


@notices.catch_up("disputes")
def recent_notices(since: datetime) -> list[Notice]:
    events = [e for e in DisputeEvent.objects.filter(at__gte=since).order_by("pk") if _announced(e)]
    return dispute_event_notices([e.pk for e in events]) + share_notices(
        Share.objects.filter(shared_at__gte=since).values_list("pk", flat=True)
    )


def event_recorded(event: DisputeEvent) -> None:
    """After a case event is written: filing, state changes, consent, extension and decisions are announced."""
    if _announced(event):
        notices.announce("dispute_events", event.pk)


def shared(share: Share) -> None:
    notices.announce("dispute_shares", share.pk)


@notices.daily("mediation_overdue")
def overdue_notices(*, today: date | None = None) -> list[Notice]:
    """Mediations past their time limit: to the bureau and the mediator, once per case and due date."""
    today = today or timezone.localdate()
    cases = Dispute.objects.filter(state=Dispute.State.IN_MEDIATION, mediation_due__lt=today).order_by("pk")
    platform = _platform_ids()
    return [
        Notice(
            kind=MEDIATION_OVERDUE,
            key=f"mediation_overdue:{d.pk}:{d.mediation_due.isoformat()}",
            organisation_ids=tuple(dict.fromkeys((*platform, d.mediator_id))),
            params={"dispute": d.pk, "due": d.mediation_due.isoformat(), "extended": d.mediation_extended},
            link=link(d.pk),
        )
        for d in cases
    ]


@notices.renderer(DISPUTE_STATE)
def _dispute_state(p):
    values = {"dispute": p.get("dispute"), "state": label(Dispute.State, p.get("to", ""))}
    action = p.get("action")
    if action == "file":
        title = _("IP dispute %(dispute)s filed") % values
        body = _("A new case waits to be routed.")
    elif p.get("from") == p.get("to"):
        titles = {
            "consent": _("IP dispute %(dispute)s: the respondent consented to mediation"),
            "extend": _("IP dispute %(dispute)s: the mediation's time limit was extended"),
            "record_decision": _("IP dispute %(dispute)s: a decision was recorded"),
        }
        title = titles.get(action, _("IP dispute %(dispute)s was updated")) % values
        body = _("The case's page has the details.")
    else:
        title = _("IP dispute %(dispute)s: %(state)s") % values
        body = _("The case went from “%(from)s” to “%(to)s”.") % {
            "from": label(Dispute.State, p.get("from", "")),
            "to": values["state"],
        }
    return title, with_note(body, p.get("note", ""))


@notices.renderer(DISPUTE_SHARED)
def _dispute_shared(p):
    values = {"dispute": p.get("dispute"), "kind": label(Dispute.Kind, p.get("kind", ""))}
    title = _("IP dispute %(dispute)s was shared with you") % values
    body = _("The bureau shared a %(kind)s case: its record and the documents shared are on its page.") % values
    return title, body


@notices.renderer(DISPUTE_COLLATERAL)
def _dispute_collateral(p):
    values = {
        "dispute": p.get("dispute"),
        "kind": label(Dispute.Kind, p.get("kind", "")),
        "asset": p.get("asset", ""),
        "application": p.get("application"),
    }
    title = _("Collateral at risk: %(asset)s is in a dispute") % values
    body = (
        _(
            "The bureau accepted a %(kind)s case (#%(dispute)s) about %(asset)s, pledged for loan application "
            "%(application)s."
        )
        % values
    )
    return title, body


@notices.renderer(MEDIATION_OVERDUE)
def _mediation_overdue(p):
    values = {"dispute": p.get("dispute"), "due": p.get("due", "")}
    title = _("IP dispute %(dispute)s: mediation overdue since %(due)s") % values
    if p.get("extended"):
        body = _("The time limit was already extended once: record the agreement or the failure.")
    else:
        body = _("Record the agreement or the failure, or extend the time limit once.")
    return title, body
