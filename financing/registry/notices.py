"""The registry's notices (ipmarket/core/notices.py, docs/registry.md): every state change of a demand reaches
the enterprise (a submission also the platform, an admission also the banks it is shown to); a bank's new
interest reaches the enterprise, the enterprise's choice reaches each interested bank; a month before an
admitted demand expires, the enterprise is reminded. Keys are unique per event, interest state or expiry
date, so nothing is told twice."""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.accounts.models import Organisation
from ipmarket.core import notices
from ipmarket.core.money import cny, percent
from ipmarket.core.notices import Notice, excerpt, label, with_note

from .models import Demand, DemandEvent, Interest

DEMAND_STATE = "demand_state"
DEMAND_INTEREST = "demand_interest"
DEMAND_EXPIRING = "demand_expiring"
EXPIRY_NOTICE = relativedelta(months=1)


def link(demand_id: int) -> str:
    """The demand's page (docs/registry.md); empty while the pages are not installed."""
    try:
        return reverse("registry-demand", args=[demand_id])
    except NoReverseMatch:
        return ""


def _bank_ids(demand: Demand) -> tuple[int, ...]:
    banks = Organisation.objects.filter(kind=Organisation.Kind.BANK, is_active=True)
    if not demand.all_banks:
        banks = banks.filter(pk__in=demand.banks.values("pk"))
    return tuple(banks.order_by("pk").values_list("pk", flat=True))


def _platform_ids() -> tuple[int, ...]:
    return tuple(
        Organisation.objects.filter(kind=Organisation.Kind.PLATFORM, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def recipients(event: DemandEvent) -> tuple[int, ...]:
    demand = event.demand
    ids = [demand.enterprise_id]
    if event.to_state == Demand.State.SUBMITTED:
        ids += _platform_ids()
    if event.to_state == Demand.State.ADMITTED:
        ids += _bank_ids(demand)
    return tuple(dict.fromkeys(ids))


@notices.producer("demand_events")
def demand_event_notices(event_ids) -> list[Notice]:
    """A demand changed state: to its enterprise (and the platform on submission, the banks on admission),
    except the person who acted."""
    events = DemandEvent.objects.filter(pk__in=event_ids).select_related("demand").order_by("pk")
    return [
        Notice(
            kind=DEMAND_STATE,
            key=f"demand:{e.demand_id}:event:{e.pk}",
            organisation_ids=recipients(e),
            params={
                "demand": e.demand_id,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "note": excerpt(e.note),
            },
            link=link(e.demand_id),
            exclude_user_id=e.actor_id,
        )
        for e in events
        if e.from_state and e.from_state != e.to_state
    ]


@notices.producer("demand_interests")
def interest_notices(interest_ids) -> list[Notice]:
    """A bank's new interest: to the enterprise. The enterprise's choice (chosen, not chosen): to that bank."""
    result = []
    for i in Interest.objects.filter(pk__in=interest_ids).select_related("demand", "bank").order_by("pk"):
        to_enterprise = i.state in (Interest.State.OPEN, Interest.State.WITHDRAWN)
        result.append(
            Notice(
                kind=DEMAND_INTEREST,
                key=f"interest:{i.pk}:{i.state}",
                organisation_ids=(i.demand.enterprise_id,) if to_enterprise else (i.bank_id,),
                params={
                    "demand": i.demand_id,
                    "bank": i.bank.name,
                    "state": i.state,
                    "principal": str(i.indicative_principal.amount),
                    "rate": str(i.indicative_rate),
                },
                link=link(i.demand_id),
                exclude_user_id=i.created_by_id if to_enterprise else None,
            )
        )
    return result


@notices.catch_up("registry")
def recent_notices(since: datetime) -> list[Notice]:
    return demand_event_notices(DemandEvent.objects.filter(at__gte=since).values_list("pk", flat=True))


def event_recorded(event: DemandEvent) -> None:
    """After a demand event is written: a state change is announced."""
    if event.from_state and event.from_state != event.to_state:
        notices.announce("demand_events", event.pk)


def interest_changed(interest_id: int) -> None:
    """After an interest is registered, chosen, declined or withdrawn."""
    notices.announce("demand_interests", interest_id)


@notices.daily("demands_expiring")
def expiring_notices(*, today: date | None = None) -> list[Notice]:
    """Admitted demands that expire within a month: to the enterprise, once per expiry date."""
    today = today or timezone.localdate()
    demands = Demand.objects.filter(
        state=Demand.State.ADMITTED, expires_on__gte=today, expires_on__lte=today + EXPIRY_NOTICE
    ).order_by("pk")
    return [
        Notice(
            kind=DEMAND_EXPIRING,
            key=f"demand_expiring:{d.pk}:{d.expires_on.isoformat()}",
            organisation_ids=(d.enterprise_id,),
            params={"demand": d.pk, "expires_on": d.expires_on.isoformat()},
            link=link(d.pk),
        )
        for d in demands
    ]


@notices.renderer(DEMAND_STATE)
def _demand_state(p):
    to = label(Demand.State, p.get("to", ""))
    title = _("Financing demand %(demand)s: %(state)s") % {"demand": p.get("demand"), "state": to}
    body = _("The demand went from “%(from)s” to “%(to)s”.") % {
        "from": label(Demand.State, p.get("from", "")),
        "to": to,
    }
    return title, with_note(body, p.get("note", ""))


@notices.renderer(DEMAND_INTEREST)
def _demand_interest(p):
    values = {
        "demand": p.get("demand"),
        "bank": p.get("bank", ""),
        "principal": cny(p.get("principal") or "0"),
        "rate": percent(p.get("rate") or "0"),
    }
    state = p.get("state")
    if state == Interest.State.CHOSEN:
        title = _("Financing demand %(demand)s: your bank was chosen") % values
        body = _("The enterprise chose your interest; a draft pledge application to your bank was created.") % values
    elif state == Interest.State.NOT_CHOSEN:
        title = _("Financing demand %(demand)s: your interest was declined") % values
        body = _("The demand left the registry or the enterprise chose another bank.") % values
    elif state == Interest.State.WITHDRAWN:
        title = _("Financing demand %(demand)s: %(bank)s withdrew its interest") % values
        body = _("%(bank)s no longer offers %(principal)s at %(rate)s.") % values
    else:
        title = _("Financing demand %(demand)s: %(bank)s is interested") % values
        body = _("%(bank)s indicates %(principal)s at an annual rate of %(rate)s.") % values
    return title, body


@notices.renderer(DEMAND_EXPIRING)
def _demand_expiring(p):
    values = {"demand": p.get("demand"), "date": p.get("expires_on", "")}
    title = _("Financing demand %(demand)s leaves the registry on %(date)s") % values
    body = _("Admitted demands are listed for 12 months. File a new demand if you still need financing.") % values
    return title, body
