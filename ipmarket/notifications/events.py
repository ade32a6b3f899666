"""Notifications of things that happened: an inquiry, a deal's or a loan application's state change.
Each function takes ids (of many rows at once: the hook passes one, the catch-up job a day's worth) and
reads them in a fixed number of queries."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from .models import Kind
from .services import Draft, notifications_create

CATCH_UP_WINDOW = timedelta(days=2)


def _excerpt(text: str, limit: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inquiries_notify(message_ids) -> list[int]:
    """An inquiry (or open-licence notice) reached the seller: to the seller's people."""
    from ipmarket.market.models import Message

    messages = (
        Message.objects.filter(pk__in=message_ids, kind__in=[Message.Kind.INQUIRY, Message.Kind.NOTICE])
        .select_related("deal__listing__patent", "deal__listing__trademark", "organisation")
        .order_by("pk")
    )
    drafts = [
        Draft(
            kind=Kind.INQUIRY_RECEIVED,
            key=f"inquiry:{m.pk}",
            organisation_ids=(m.deal.seller_id,),
            params={
                "deal": m.deal_id,
                "listing": m.deal.listing_id,
                "asset": str(m.deal.listing.asset),
                "buyer": m.organisation.name,
                "message": _excerpt(m.body),
            },
            link=reverse("deal-detail", args=[m.deal_id]),
            exclude_user_id=m.author_id,
        )
        for m in messages
    ]
    return notifications_create(drafts)


def deal_events_notify(event_ids) -> list[int]:
    """A deal changed state: to the people of the buyer and the seller, except the one who acted."""
    from ipmarket.market.models import Event

    events = (
        Event.objects.filter(pk__in=event_ids, deal__isnull=False)
        .exclude(from_state="")
        .select_related("deal__listing__patent", "deal__listing__trademark")
        .order_by("pk")
    )
    drafts = [
        Draft(
            kind=Kind.DEAL_STATE,
            key=f"deal:{e.deal_id}:event:{e.pk}",
            organisation_ids=(e.deal.buyer_id, e.deal.seller_id),
            params={
                "deal": e.deal_id,
                "asset": str(e.deal.listing.asset),
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "note": _excerpt(e.note) if e.action == "cancel" else "",
            },
            link=reverse("deal-detail", args=[e.deal_id]),
            exclude_user_id=e.actor_id,
        )
        for e in events
        if e.from_state != e.to_state
    ]
    return notifications_create(drafts)


def application_parties(app) -> tuple[int, ...]:
    """Every party of a loan application: borrower, bank, insurer, appraiser and the programme's fund."""
    return tuple(
        dict.fromkeys([app.applicant_id, app.lender_id, app.insurer_id, app.appraiser_id, app.programme.risk_fund_id])
    )


def application_events_notify(event_ids) -> list[int]:
    """A loan application changed state: to every party's people, except the one who acted."""
    from financing.models import Application, Event

    events = (
        Event.objects.filter(pk__in=event_ids)
        .exclude(from_state="")
        .select_related("application__programme")
        .order_by("pk")
    )
    drafts = [
        Draft(
            kind=Kind.APPLICATION_STATE,
            key=f"application:{e.application_id}:event:{e.pk}",
            organisation_ids=(
                # A draft withdrawn before it was ever submitted was never shown to the other parties.
                (e.application.applicant_id,)
                if (e.from_state, e.to_state) == (Application.State.DRAFT, Application.State.WITHDRAWN)
                else application_parties(e.application)
            ),
            params={
                "application": e.application_id,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "note": _excerpt(e.note),
            },
            link=reverse("financing-application", args=[e.application_id]),
            exclude_user_id=e.actor_id,
        )
        for e in events
        if e.from_state != e.to_state
    ]
    return notifications_create(drafts)


def recent_events_notify(*, now=None) -> list[int]:
    """Catch-up (beat): the notifications of the last two days' events, in case a hook's task was lost
    (broker down when the change was committed). Creates only what is missing."""
    from financing.models import Event as ApplicationEvent
    from ipmarket.market.models import Event as MarketEvent
    from ipmarket.market.models import Message

    since = (now or timezone.now()) - CATCH_UP_WINDOW
    ids = inquiries_notify(Message.objects.filter(created_at__gte=since).values_list("pk", flat=True))
    ids += deal_events_notify(
        MarketEvent.objects.filter(at__gte=since, deal__isnull=False).values_list("pk", flat=True)
    )
    ids += application_events_notify(ApplicationEvent.objects.filter(at__gte=since).values_list("pk", flat=True))
    return ids
