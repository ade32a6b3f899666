"""Notices of the register (ipmarket/core/notices.py): the daily reminders of patent annual fees due within
30 days and of trademark renewal windows. Each creates only the notifications whose key is new: a second run
the same day (or any later day) sends nothing twice."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipmarket.core import notices
from ipmarket.core.notices import Notice

from . import rules
from .models import Patent, Trademark

ANNUAL_FEE_DUE = "annual_fee_due"
TRADEMARK_RENEWAL = "trademark_renewal"
ANNUAL_FEE_NOTICE = timedelta(days=30)


@notices.daily("annual_fees")
def annual_fee_notices(*, today: date | None = None) -> list[Notice]:
    """Granted patents whose next annual fee falls due within 30 days: to the owner's people, once per
    patent and due date (paying moves the date, and the next year's fee is a new reminder)."""
    today = today or timezone.localdate()
    patents = Patent.objects.filter(
        legal_status=Patent.LegalStatus.GRANTED,
        annual_fee_paid_until__gte=today,
        annual_fee_paid_until__lte=today + ANNUAL_FEE_NOTICE,
    ).order_by("pk")
    return [
        Notice(
            kind=ANNUAL_FEE_DUE,
            key=f"annual_fee:{p.pk}:{p.annual_fee_paid_until.isoformat()}",
            organisation_ids=(p.owner_id,),
            params={
                "patent": p.pk,
                "number": p.application_number,
                "title": p.title,
                "due_date": p.annual_fee_paid_until.isoformat(),
            },
            link=reverse("patent-detail", args=[p.pk]),
        )
        for p in patents.only("pk", "owner_id", "application_number", "title", "annual_fee_paid_until")
    ]


@notices.daily("trademark_renewals")
def trademark_renewal_notices(*, today: date | None = None) -> list[Notice]:
    """Registered trademarks whose renewal window is open (the 12 months before expiry, docs/notifications.md):
    to the owner's people, once per window (keyed by its start: a later expiry is a new window)."""
    today = today or timezone.localdate()
    trademarks = Trademark.objects.filter(
        status=Trademark.Status.REGISTERED,
        expiry_date__gte=today,
        expiry_date__lte=today + rules.RENEWAL_WINDOW,
    ).order_by("pk")
    return [
        Notice(
            kind=TRADEMARK_RENEWAL,
            key=f"tm_renewal:{t.pk}:{(t.expiry_date - rules.RENEWAL_WINDOW).isoformat()}",
            organisation_ids=(t.owner_id,),
            params={
                "trademark": t.pk,
                "number": t.registration_number,
                "mark": t.mark_name,
                "expiry_date": t.expiry_date.isoformat(),
            },
            link=reverse("trademark-detail", args=[t.pk]),
        )
        for t in trademarks.only("pk", "owner_id", "registration_number", "mark_name", "expiry_date")
    ]


@notices.renderer(ANNUAL_FEE_DUE)
def _annual_fee(p):
    values = {"number": p.get("number"), "title": p.get("title", ""), "date": p.get("due_date")}
    title = _("Annual fee due on %(date)s: patent %(number)s") % values
    body = (
        _(
            "The next annual fee of patent %(number)s (%(title)s) is due on %(date)s. Unpaid six months after "
            "that date, the patent lapses."
        )
        % values
    )
    return title, body


@notices.renderer(TRADEMARK_RENEWAL)
def _renewal(p):
    values = {"number": p.get("number"), "mark": p.get("mark", ""), "date": p.get("expiry_date")}
    title = _("Renewal window open: trademark %(mark)s") % values
    body = (
        _(
            "Trademark %(number)s (%(mark)s) expires on %(date)s and can be renewed now; a renewal within six "
            "months after expiry pays a surcharge."
        )
        % values
    )
    return title, body
