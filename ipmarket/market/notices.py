"""The marketplace's notices (ipmarket/core/notices.py): an inquiry reaches the seller; a deal's state
change reaches buyer and seller. Announced by the services when they write the message or the event. Daily:
the licence filing reminders (ipmarket/market/filing.py) to both parties."""

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.core import notices
from ipmarket.core.notices import Notice, excerpt, label, with_note

from . import filing
from .models import Deal, Event, Message

INQUIRY_RECEIVED = "inquiry_received"
DEAL_STATE = "deal_state"
LICENCE_FILING_DUE = "licence_filing_due"
LICENCE_FILING_OVERDUE = "licence_filing_overdue"
# A reminder is owed at the earliest 30 days before the due date, so at least 59 days (3 months ≥ 89 days)
# after the contract took effect, and never before its acceptance: older deals only are read.
_FIRST_REMINDER_AFTER = timedelta(days=55)


@notices.producer("inquiries")
def inquiry_notices(message_ids) -> list[Notice]:
    """An inquiry (or open-licence notice) reached the seller: to the seller's people."""
    messages = (
        Message.objects.filter(pk__in=message_ids, kind__in=[Message.Kind.INQUIRY, Message.Kind.NOTICE])
        .select_related("deal__listing__patent", "deal__listing__trademark", "organisation")
        .order_by("pk")
    )
    return [
        Notice(
            kind=INQUIRY_RECEIVED,
            key=f"inquiry:{m.pk}",
            organisation_ids=(m.deal.seller_id,),
            params={
                "deal": m.deal_id,
                "listing": m.deal.listing_id,
                "asset": str(m.deal.listing.asset),
                "buyer": m.organisation.name,
                "message": excerpt(m.body),
            },
            link=reverse("deal-detail", args=[m.deal_id]),
            exclude_user_id=m.author_id,
        )
        for m in messages
    ]


@notices.producer("deal_events")
def deal_event_notices(event_ids) -> list[Notice]:
    """A deal changed state: to the people of the buyer and the seller, except the one who acted."""
    events = (
        Event.objects.filter(pk__in=event_ids, deal__isnull=False)
        .exclude(from_state="")
        .select_related("deal__listing__patent", "deal__listing__trademark")
        .order_by("pk")
    )
    return [
        Notice(
            kind=DEAL_STATE,
            key=f"deal:{e.deal_id}:event:{e.pk}",
            organisation_ids=(e.deal.buyer_id, e.deal.seller_id),
            params={
                "deal": e.deal_id,
                "asset": str(e.deal.listing.asset),
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "note": excerpt(e.note) if e.action == "cancel" else "",
            },
            link=reverse("deal-detail", args=[e.deal_id]),
            exclude_user_id=e.actor_id,
        )
        for e in events
        if e.from_state != e.to_state
    ]


@notices.daily("licence_filing")
def licence_filing_notices(*, today: date | None = None) -> list[Notice]:
    """Licences in effect and not yet filed with CNIPA: to the buyer's and the seller's people, 30 days and 7
    days before the filing due date and the day after it (overdue), each once per deal (the key names it; only
    the latest one reached is sent when the job missed days)."""
    today = today or timezone.localdate()
    deals = (
        Deal.objects.filter(
            state__in=[Deal.State.ACCEPTED, Deal.State.PAID],
            listing__deal_type__in=filing.LICENCES,
            accepted_at__date__lte=today - _FIRST_REMINDER_AFTER,
        )
        .select_related("listing__patent", "listing__trademark")
        .order_by("pk")
    )
    found = []
    for deal in deals:
        due = deal.filing_due_on
        which = filing.reminder_due(due, today) if due else None
        if which is None:
            continue
        found.append(
            Notice(
                kind=LICENCE_FILING_OVERDUE if which == "overdue" else LICENCE_FILING_DUE,
                key=f"licence_filing:{deal.pk}:{which}",
                organisation_ids=(deal.buyer_id, deal.seller_id),
                params={
                    "deal": deal.pk,
                    "asset": str(deal.listing.asset),
                    "effective_on": deal.licence_effective_on.isoformat(),
                    "due_date": due.isoformat(),
                },
                link=reverse("deal-detail", args=[deal.pk]),
            )
        )
    return found


@notices.catch_up("market")
def recent_notices(since: datetime) -> list[Notice]:
    return inquiry_notices(Message.objects.filter(created_at__gte=since).values_list("pk", flat=True)) + (
        deal_event_notices(Event.objects.filter(at__gte=since, deal__isnull=False).values_list("pk", flat=True))
    )


def event_recorded(event) -> None:
    """After a listing or deal event is written: a deal's state change is announced."""
    if event.deal_id and event.from_state and event.from_state != event.to_state:
        notices.announce("deal_events", event.pk)


def inquiry_sent(message) -> None:
    notices.announce("inquiries", message.pk)


@notices.renderer(INQUIRY_RECEIVED)
def _inquiry(p):
    title = _("New inquiry on your listing: %(asset)s") % {"asset": p.get("asset", "")}
    body = _("%(buyer)s wrote: %(message)s") % {"buyer": p.get("buyer", ""), "message": p.get("message", "")}
    return title, body


@notices.renderer(DEAL_STATE)
def _deal(p):
    to = label(Deal.State, p.get("to", ""))
    title = _("Deal %(deal)s (%(asset)s): %(state)s") % {
        "deal": p.get("deal"),
        "asset": p.get("asset", ""),
        "state": to,
    }
    body = _("The deal went from “%(from)s” to “%(to)s”.") % {"from": label(Deal.State, p.get("from", "")), "to": to}
    return title, with_note(body, p.get("note", ""))


@notices.renderer(LICENCE_FILING_DUE)
def _filing_due(p):
    values = {"deal": p.get("deal"), "asset": p.get("asset", ""), "date": p.get("due_date")}
    title = _("File the licence contract by %(date)s: deal %(deal)s (%(asset)s)") % values
    body = (
        _(
            "The licence contract of deal %(deal)s (%(asset)s) must be filed with CNIPA by %(date)s, three months "
            "after it took effect. Once filed, the seller enters the filing number on the deal."
        )
        % values
    )
    return title, body


@notices.renderer(LICENCE_FILING_OVERDUE)
def _filing_overdue(p):
    values = {"deal": p.get("deal"), "asset": p.get("asset", ""), "date": p.get("due_date")}
    title = _("Licence filing overdue: deal %(deal)s (%(asset)s)") % values
    body = (
        _(
            "The licence contract of deal %(deal)s (%(asset)s) was due to be filed with CNIPA by %(date)s and no "
            "filing number is recorded. File it and enter the number on the deal."
        )
        % values
    )
    return title, body
