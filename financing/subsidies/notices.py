"""The subsidies' notices (ipmarket/core/notices.py): a claim reaches platform staff; an approval, a
rejection and a payment reach the borrower. Each notice is keyed by the audit event, so it is made once."""

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from ipmarket.accounts.models import Organisation
from ipmarket.core import notices
from ipmarket.core.money import cny
from ipmarket.core.notices import Notice, excerpt, label, with_note

from .models import Subsidy, SubsidyEvent

SUBSIDY_CLAIMED = "subsidy_claimed"
SUBSIDY_DECIDED = "subsidy_decided"
SUBSIDY_PAID = "subsidy_paid"
PRODUCER = "subsidy_events"
ANNOUNCED = {"claim", "approve", "reject", "pay"}


def _params(e: SubsidyEvent) -> dict:
    s = e.subsidy
    return {
        "subsidy": s.pk,
        "application": s.application_id,
        "kind": s.kind,
        "period": s.period,
        "amount": str(s.amount),
        "to": e.to_state,
        "note": excerpt(e.note),
        "reference": s.payment_reference,
    }


@notices.producer(PRODUCER)
def subsidy_event_notices(event_ids) -> list[Notice]:
    events = (
        SubsidyEvent.objects.filter(pk__in=event_ids, action__in=ANNOUNCED)
        .select_related("subsidy__application")
        .order_by("pk")
    )
    platform = None
    found = []
    for e in events:
        if e.action == "claim":
            if platform is None:
                platform = tuple(
                    Organisation.objects.filter(kind=Organisation.Kind.PLATFORM)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
            kind, orgs, link = SUBSIDY_CLAIMED, platform, reverse("subsidies-approvals")
        else:
            kind = SUBSIDY_PAID if e.action == "pay" else SUBSIDY_DECIDED
            orgs, link = (e.subsidy.application.applicant_id,), reverse("subsidies-home")
        found.append(
            Notice(
                kind=kind,
                key=f"subsidy:{e.subsidy_id}:event:{e.pk}",
                organisation_ids=orgs,
                params=_params(e),
                link=link,
                exclude_user_id=e.actor_id,
            )
        )
    return found


@notices.catch_up("subsidies")
def recent_notices(since: datetime) -> list[Notice]:
    return subsidy_event_notices(SubsidyEvent.objects.filter(at__gte=since).values_list("pk", flat=True))


def event_recorded(event: SubsidyEvent) -> None:
    if event.action in ANNOUNCED:
        notices.announce(PRODUCER, event.pk)


def _what(p) -> dict:
    values = {"application": p.get("application"), "period": p.get("period"), "amount": cny(p.get("amount") or "0")}
    if p.get("kind") == Subsidy.Kind.PREMIUM:
        values["what"] = _("premium subsidy of loan %(application)s") % values
    else:
        values["what"] = _("interest subsidy of loan %(application)s, period %(period)s") % values
    return values


@notices.renderer(SUBSIDY_CLAIMED)
def _claimed(p):
    values = _what(p)
    return _("Subsidy claimed: %(amount)s") % values, _("The borrower claims the %(what)s, %(amount)s.") % values


@notices.renderer(SUBSIDY_DECIDED)
def _decided(p):
    values = {**_what(p), "state": label(Subsidy.State, p.get("to", ""))}
    title = _("Subsidy %(state)s: %(amount)s") % values
    body = _("The %(what)s, %(amount)s: %(state)s.") % values
    return title, with_note(body, p.get("note", ""))


@notices.renderer(SUBSIDY_PAID)
def _paid(p):
    values = {**_what(p), "reference": p.get("reference", "")}
    title = _("Subsidy paid: %(amount)s") % values
    body = _("The fund paid the %(what)s, %(amount)s (reference %(reference)s).") % values
    return title, body
